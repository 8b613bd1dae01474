//! Any text given as an email: never a panic; what is accepted is normalised and parses to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yoshikosan_domain::Email;

fuzz_target!(|input: &str| {
    if let Ok(email) = Email::parse(input) {
        let s = email.as_str();
        assert_eq!(s, s.trim().to_lowercase());
        assert!(s.len() <= 254 && s.is_ascii());
        assert_eq!(s.matches('@').count(), 1);
        assert_eq!(Email::parse(s).as_ref(), Ok(&email));
        assert!(!email.local_part().is_empty());
    }
});
