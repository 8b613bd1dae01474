//! Passwords under NIST SP 800-63B rules: a minimum length, bcrypt's byte limit (refused, never
//! silently truncated), no common passwords, nothing equal to the email. No composition rules.

mod common;
mod policy;

use std::fmt;

pub use policy::{PasswordPolicy, PasswordRule};

/// A password that satisfies the [`PasswordPolicy`]; only [`PasswordPolicy::check`] makes one.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A stored password hash in the hasher's own format (bcrypt's modular crypt string).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn new(hash: impl Into<String>) -> Self {
        Self(hash.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}
