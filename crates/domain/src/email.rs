//! Email addresses: trimmed, lower-cased, and shaped like the addresses browsers accept
//! (the WHATWG `input type=email` grammar), with a dotted domain and RFC 5321 length limits.

use std::fmt;

use crate::validation::{FieldError, FieldErrorCode};

const MAX_LENGTH: usize = 254;
const MAX_LOCAL_LENGTH: usize = 64;
const MAX_LABEL_LENGTH: usize = 63;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses user input; the error is ready to show against the `email` field.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        // ASCII case only: a full Unicode lower-casing turns the Kelvin sign (U+212A) into `k`,
        // so `\u{212A}en@…` would be read as, and matched to, someone else's `ken@…`.
        let candidate = input.trim().to_ascii_lowercase();
        if candidate.is_empty() {
            return Err(FieldError::required("email"));
        }
        if is_valid_address(&candidate) {
            Ok(Self(candidate))
        } else {
            Err(FieldError::new("email", FieldErrorCode::InvalidEmail, "email must be a valid email address"))
        }
    }

    /// An address as it was stored, accepted under whichever rules were in force then: a
    /// stricter rule applies to new input only, so it never locks anyone out of an account.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the last `@`: the domain that answers for the address.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }

    /// The part before the `@`, which a password must not equal either.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

fn is_valid_address(address: &str) -> bool {
    if address.len() > MAX_LENGTH {
        return false;
    }
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    is_valid_local(local) && is_valid_domain(domain)
}

fn is_valid_local(local: &str) -> bool {
    const SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_LENGTH
        && local.chars().all(|c| c.is_ascii_alphanumeric() || SPECIALS.contains(c))
}

fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2 && labels.iter().all(|label| is_valid_label(label))
}

fn is_valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= MAX_LABEL_LENGTH
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lowercases() {
        let email = Email::parse("  Ada.Lovelace@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "ada.lovelace@example.com");
        assert_eq!(email.local_part(), "ada.lovelace");
    }

    #[test]
    fn accepts_plus_addressing_and_subdomains() {
        assert!(Email::parse("a+tag@mail.example.co.uk").is_ok());
    }

    #[test]
    fn empty_is_required_not_invalid() {
        assert_eq!(Email::parse("   ").unwrap_err().code, FieldErrorCode::Required);
    }

    #[test]
    fn a_non_ascii_letter_never_folds_into_another_address() {
        for lookalike in ["\u{212A}en@corp.example.com", "ken@\u{212A}orp.example.com", "\u{0130}van@example.com"] {
            assert_eq!(Email::parse(lookalike).map(|e| e.to_string()).ok(), None, "{lookalike}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        for bad in [
            "plainaddress",
            "@example.com",
            "a@",
            "a@localhost",
            "a b@example.com",
            "a@exa mple.com",
            "a@-example.com",
            "a@example..com",
            "a@@example.com",
            "\"quoted\"@example.com",
            "ünï@example.com",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.code, FieldErrorCode::InvalidEmail, "{bad}");
            assert_eq!(err.field, "email");
        }
    }

    #[test]
    fn rejects_overlong_parts() {
        let local = "a".repeat(65);
        assert!(Email::parse(&format!("{local}@example.com")).is_err());
        let label = "b".repeat(64);
        assert!(Email::parse(&format!("a@{label}.com")).is_err());
        let long = format!("a@{}.com", vec!["c".repeat(60); 5].join("."));
        assert!(Email::parse(&long).is_err());
    }
}
