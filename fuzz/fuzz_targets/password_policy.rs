//! Any password, checked against any email: never a panic; an accepted password is never
//! altered, fits bcrypt's 72 bytes, and is neither the email nor its local part.
#![no_main]

use libfuzzer_sys::fuzz_target;
use yoshikosan_domain::{Email, PasswordPolicy};

fuzz_target!(|input: (&str, &str)| {
    let (email, candidate) = input;
    let email = Email::parse(email).ok();
    let policy = PasswordPolicy::default();
    if let Ok(password) = policy.check(candidate, email.as_ref()) {
        assert_eq!(password.expose(), candidate);
        assert!(candidate.len() <= policy.max_bytes);
        assert!(candidate.chars().count() >= policy.min_length);
        if let Some(email) = &email {
            let lowered = candidate.to_lowercase();
            assert!(lowered != email.as_str() && lowered != email.local_part());
        }
    }
});
