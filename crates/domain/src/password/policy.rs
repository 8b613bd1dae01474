use crate::email::Email;
use crate::validation::{FieldError, FieldErrorCode};

use super::{Password, common};

const FIELD: &str = "password";

/// One rule of the policy, as the password-policy endpoint lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordRule {
    pub id: &'static str,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// bcrypt ignores everything past 72 bytes, so longer passwords are refused outright.
    pub max_bytes: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 8, max_bytes: 72 }
    }
}

impl PasswordPolicy {
    pub fn rules(&self) -> Vec<PasswordRule> {
        let rule = |id, description: String| PasswordRule { id, description };
        vec![
            // Words for a person: the pages show them beside the form.
            rule("min_length", format!("At least {} characters.", self.min_length)),
            rule(
                "max_bytes",
                format!(
                    "No more than {} bytes: most letters take 1, accented letters and other alphabets 2 or 3, emoji 4.",
                    self.max_bytes
                ),
            ),
            rule("not_common", "Not a commonly used password.".to_owned()),
            rule("not_email", "Not your email address or the part before the @.".to_owned()),
        ]
    }

    /// Checks a new password; `email` is the account's address when it is known to be valid.
    pub fn check(&self, candidate: &str, email: Option<&Email>) -> Result<Password, FieldError> {
        if candidate.is_empty() {
            return Err(FieldError::required(FIELD));
        }
        if candidate.chars().count() < self.min_length {
            return Err(FieldError::new(
                FIELD,
                FieldErrorCode::TooShort,
                format!("password must be at least {} characters", self.min_length),
            ));
        }
        if candidate.len() > self.max_bytes {
            return Err(FieldError::new(
                FIELD,
                FieldErrorCode::TooLong,
                format!("password must be at most {} bytes", self.max_bytes),
            ));
        }
        if common::is_common(candidate) {
            return Err(FieldError::new(
                FIELD,
                FieldErrorCode::TooCommon,
                "password is too common; choose one that is harder to guess",
            ));
        }
        if let Some(email) = email {
            let lowered = candidate.to_lowercase();
            if lowered == email.as_str() || lowered == email.local_part() {
                return Err(FieldError::new(
                    FIELD,
                    FieldErrorCode::ContainsEmail,
                    "password must not be your email address",
                ));
            }
        }
        Ok(Password(candidate.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(candidate: &str, email: Option<&Email>) -> Option<FieldErrorCode> {
        PasswordPolicy::default().check(candidate, email).err().map(|e| e.code)
    }

    #[test]
    fn accepts_a_long_uncommon_password() {
        assert_eq!(code("violet-harbour-42", None), None);
    }

    #[test]
    fn counts_characters_not_bytes_for_the_minimum() {
        assert_eq!(code("ééééééé", None), Some(FieldErrorCode::TooShort));
        assert_eq!(code("éééééééé", None), None);
    }

    #[test]
    fn refuses_more_than_72_bytes_instead_of_truncating() {
        let at_limit = "x".repeat(70) + "é";
        assert_eq!(at_limit.len(), 72);
        assert_eq!(code(&at_limit, None), None);
        let over = "x".repeat(71) + "é";
        assert_eq!(code(&over, None), Some(FieldErrorCode::TooLong));
    }

    #[test]
    fn refuses_common_passwords_in_any_case() {
        assert_eq!(code("Password123", None), Some(FieldErrorCode::TooCommon));
        assert_eq!(code("BASEBALL", None), Some(FieldErrorCode::TooCommon));
    }

    #[test]
    fn refuses_the_email_and_its_local_part() {
        let email = Email::parse("margaret.hamilton@example.com").unwrap();
        assert_eq!(code("Margaret.Hamilton", Some(&email)), Some(FieldErrorCode::ContainsEmail));
        assert_eq!(code("margaret.hamilton@example.com", Some(&email)), Some(FieldErrorCode::ContainsEmail));
        assert_eq!(code("margaret.hamilton.apollo", Some(&email)), None);
    }

    #[test]
    fn empty_is_required() {
        assert_eq!(code("", None), Some(FieldErrorCode::Required));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let password = PasswordPolicy::default().check("violet-harbour-42", None).unwrap();
        assert!(!format!("{password:?}").contains("violet"));
    }
}
