//! Properties of the input newtypes over generated inputs: they never panic, and what they
//! accept always satisfies their invariants.
#![allow(clippy::unwrap_used, reason = "a test crate: a failure should stop the test")]

use proptest::prelude::*;
use yoshikosan_domain::{Email, FieldErrorCode, PasswordPolicy};

/// Addresses of the accepted shape, in mixed case.
fn address() -> impl Strategy<Value = String> {
    let local = "[A-Za-z0-9._%+-]{1,30}";
    let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,20}[A-Za-z0-9])?";
    (local, prop::collection::vec(label, 2..4)).prop_map(|(local, labels)| format!("{local}@{}", labels.join(".")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn email_parse_never_panics_and_what_it_accepts_is_normalised(input in any::<String>()) {
        if let Ok(email) = Email::parse(&input) {
            let s = email.as_str();
            prop_assert_eq!(s, s.trim());
            prop_assert_eq!(s.to_lowercase(), s);
            prop_assert!(s.len() <= 254);
            prop_assert_eq!(s.matches('@').count(), 1);
            prop_assert!(s.is_ascii());
            // Parsing is idempotent: the stored form parses to itself.
            prop_assert_eq!(Email::parse(s).unwrap(), email);
        }
    }

    #[test]
    fn well_formed_addresses_are_accepted_whatever_their_case_and_padding(addr in address(), pad in "[ \t]{0,3}") {
        let plain = Email::parse(&addr).unwrap();
        prop_assert_eq!(plain.as_str(), addr.to_lowercase());
        prop_assert_eq!(Email::parse(&format!("{pad}{}{pad}", addr.to_uppercase())).unwrap(), plain);
    }

    #[test]
    fn strings_without_an_at_are_never_addresses(input in "[^@]{0,80}") {
        prop_assert!(Email::parse(&input).is_err());
    }

    #[test]
    fn password_check_never_panics_and_accepted_passwords_fit_bcrypt(input in any::<String>()) {
        if let Ok(password) = PasswordPolicy::default().check(&input, None) {
            prop_assert!(password.expose().chars().count() >= 8);
            prop_assert!(password.expose().len() <= 72);
            prop_assert_eq!(password.expose(), input.as_str(), "never trimmed or truncated");
        }
    }

    #[test]
    fn short_passwords_are_too_short(input in "\\PC{1,7}") {
        let error = PasswordPolicy::default().check(&input, None).unwrap_err();
        prop_assert_eq!(error.code, FieldErrorCode::TooShort);
    }

    #[test]
    fn over_72_bytes_is_too_long_never_truncated(input in "[a-zé🦀]{19,80}") {
        prop_assume!(input.len() > 72);
        let error = PasswordPolicy::default().check(&input, None).unwrap_err();
        prop_assert_eq!(error.code, FieldErrorCode::TooLong);
    }

    #[test]
    fn long_random_passwords_are_accepted(input in "[a-zA-Z0-9 !-/]{16,72}") {
        prop_assert!(PasswordPolicy::default().check(&input, None).is_ok());
    }

    #[test]
    fn a_password_equal_to_the_email_or_its_local_part_is_refused(addr in address()) {
        let email = Email::parse(&addr).unwrap();
        for candidate in [email.as_str().to_uppercase(), email.local_part().to_owned()] {
            if candidate.chars().count() >= 8 && candidate.len() <= 72 {
                let code = PasswordPolicy::default().check(&candidate, Some(&email)).unwrap_err().code;
                prop_assert!(matches!(code, FieldErrorCode::ContainsEmail | FieldErrorCode::TooCommon), "{:?}", code);
            }
        }
    }
}
