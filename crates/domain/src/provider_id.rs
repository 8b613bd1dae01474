//! The name a configured identity provider goes by: in paths, in stored links, in metrics.

use std::fmt;
use std::sync::Arc;

/// Words the API uses after `/api/auth/` itself, or may use: a provider named so would shadow a
/// route (or be shadowed by one). Also the other values of a session's `method`.
const RESERVED: &[&str] = &[
    "account",
    "accounts",
    "admin",
    "api",
    "auth",
    "authorize",
    "callback",
    "confirm",
    "docs",
    "email",
    "emails",
    "forgot",
    "health",
    "link",
    "links",
    "login",
    "logout",
    "magic",
    "mail",
    "me",
    "mfa",
    "oauth",
    "oidc",
    "passkey",
    "passkeys",
    "password",
    "passwords",
    "providers",
    "reauth",
    "reauthenticate",
    "recovery",
    "register",
    "reset",
    "session",
    "sessions",
    "signin",
    "signout",
    "signup",
    "token",
    "tokens",
    "unknown",
    "unlink",
    "user",
    "users",
    "verify",
    "webauthn",
];

/// At most this many characters.
pub const MAX_PROVIDER_ID_LEN: usize = 32;

/// `^[a-z][a-z0-9]{0,31}$`, and none of the API's own words.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderId(Arc<str>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderIdError {
    #[error("a provider id is a lower-case ASCII letter then up to 31 lower-case letters or digits")]
    Malformed,
    #[error("`{0}` is a word the API uses itself")]
    Reserved(String),
}

impl ProviderId {
    pub fn parse(input: &str) -> Result<Self, ProviderIdError> {
        let mut chars = input.chars();
        let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && input.len() <= MAX_PROVIDER_ID_LEN;
        if !well_formed {
            return Err(ProviderIdError::Malformed);
        }
        if RESERVED.contains(&input) {
            return Err(ProviderIdError::Reserved(input.to_owned()));
        }
        Ok(Self(Arc::from(input)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProviderId({})", self.0)
    }
}

impl AsRef<str> for ProviderId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lower_case_names_with_digits() {
        for id in ["google", "discord", "a", "okta2", "x".repeat(32).as_str()] {
            assert_eq!(ProviderId::parse(id).map(|p| p.to_string()), Ok(id.to_owned()));
        }
    }

    #[test]
    fn refuses_what_a_path_or_a_metric_label_would_mangle() {
        let long = "x".repeat(33);
        for id in
            ["", "Google", "2fa", "git-lab", "git_lab", "gïthub", "a b", "a/b", "..", &long, "ｇoogle", "google\n"]
        {
            assert_eq!(ProviderId::parse(id), Err(ProviderIdError::Malformed), "{id:?}");
        }
    }

    #[test]
    fn refuses_the_apis_own_words() {
        for id in ["me", "sessions", "password", "passkey", "passkeys", "email", "callback", "providers", "register"] {
            assert_eq!(ProviderId::parse(id), Err(ProviderIdError::Reserved(id.into())), "{id}");
        }
    }
}
