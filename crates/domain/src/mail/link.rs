//! The tokens that mail links carry: random, single use, one purpose each, kept only as a hash.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// What a link may be used for; a token of one purpose is never accepted for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    PasswordReset,
    /// Proves the account's address: its owner opened a link sent to it.
    VerifyEmail,
    /// Proves a new address before the account takes it.
    ChangeEmail,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::VerifyEmail => "verify_email",
            Self::ChangeEmail => "change_email",
        }
    }

    /// None for a purpose this build does not know (a newer replica's row).
    pub fn from_stored(stored: &str) -> Option<Self> {
        [Self::PasswordReset, Self::VerifyEmail, Self::ChangeEmail]
            .into_iter()
            .find(|purpose| purpose.as_str() == stored)
    }

    /// How long a link lives, counted from the request that asked for it.
    pub fn lifetime(self) -> Duration {
        match self {
            Self::PasswordReset => Duration::minutes(30),
            Self::VerifyEmail | Self::ChangeEmail => Duration::hours(24),
        }
    }
}

/// 32 random bytes, as 43 characters of base64url: what a mail link carries. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkToken(String);

const TOKEN_BYTES: usize = 32;
const TOKEN_CHARS: usize = 43;

impl LinkToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token as a client sent it: None unless it is one this service could have made.
    pub fn parse(text: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(text).ok()?;
        // Checked after decoding too: base64 allows more than one spelling of the last bits.
        (text.len() == TOKEN_CHARS && decoded.len() == TOKEN_BYTES && URL_SAFE_NO_PAD.encode(&decoded) == text)
            .then(|| Self(text.to_owned()))
    }

    /// The token itself: for the link in a mail, and nowhere else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> LinkTokenHash {
        LinkTokenHash(hex::encode(Sha256::digest(self.0.as_bytes())))
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken(<redacted>)")
    }
}

/// SHA-256 of a link token, hex: what the database keeps.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkTokenHash(String);

impl LinkTokenHash {
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_43_characters_of_base64url_and_parses_back() {
        let token = LinkToken::generate();
        assert_eq!(token.expose().len(), 43);
        assert_eq!(LinkToken::parse(token.expose()), Some(token.clone()));
        assert_ne!(token, LinkToken::generate());
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    #[test]
    fn anything_else_is_no_token() {
        let token = LinkToken::generate();
        let text = token.expose();
        for bad in [
            "",
            &text[..42],
            &format!("{text}A"),
            &format!("{text}="),
            &text.replace(|c: char| c.is_ascii_alphanumeric(), "+"),
            &format!(" {}", &text[1..]),
            "ÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅ",
        ] {
            assert_eq!(LinkToken::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_last_character_has_one_spelling() {
        // 43 characters carry 258 bits; the last 2 must be zero, so 'B' ends no token that 'A' ends.
        let zeros = "A".repeat(43);
        assert!(LinkToken::parse(&zeros).is_some());
        assert_eq!(LinkToken::parse(&format!("{}B", "A".repeat(42))), None);
    }

    #[test]
    fn purposes_are_stored_by_name() {
        for purpose in [LinkPurpose::PasswordReset, LinkPurpose::VerifyEmail, LinkPurpose::ChangeEmail] {
            assert_eq!(LinkPurpose::from_stored(purpose.as_str()), Some(purpose));
        }
        assert_eq!(LinkPurpose::from_stored("verify_email_v9"), None);
    }
}
