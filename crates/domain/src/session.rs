//! Sessions: one row per issued access token, so that a token can be revoked before it expires.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

pub use crate::id::SessionId;
use crate::provider_id::ProviderId;
use crate::user::UserId;

/// How long an access token, and so its session, lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTtl(Duration);

impl TokenTtl {
    pub const DEFAULT_SECONDS: i64 = 7 * 24 * 60 * 60;
    /// Longer than a year is a configuration mistake, not a session.
    pub const MAX_SECONDS: i64 = 366 * 24 * 60 * 60;

    pub fn from_seconds(seconds: i64) -> Option<Self> {
        (60..=Self::MAX_SECONDS).contains(&seconds).then(|| Self(Duration::seconds(seconds)))
    }

    pub fn as_seconds(&self) -> i64 {
        self.0.num_seconds()
    }

    pub fn duration(&self) -> Duration {
        self.0
    }
}

impl Default for TokenTtl {
    fn default() -> Self {
        Self(Duration::seconds(Self::DEFAULT_SECONDS))
    }
}

/// SHA-256 of an access token: what the database keeps instead of the token itself.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        Self(hex::encode(Sha256::digest(token.as_bytes())))
    }

    pub fn from_stored(hash: String) -> Self {
        Self(hash)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenHash(<redacted>)")
    }
}

/// What the client told us about itself when the session began.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// How a session was created: what a person proved to open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    /// A password reset through a mail link: the person proved they hold the address.
    PasswordReset,
    Provider(ProviderId),
    /// One of the account's passkeys: the session ends when that passkey is removed.
    Passkey(crate::passkey::PasskeyId),
    /// A session written before methods were recorded, or under a name this build does not know.
    Unknown,
}

impl SignInMethod {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Password => "password",
            Self::PasswordReset => "password_reset",
            Self::Provider(id) => id.as_str(),
            Self::Passkey(_) => "passkey",
            Self::Unknown => "unknown",
        }
    }

    /// The stored value; None when nothing is known (the column is NULL).
    pub fn stored(&self) -> Option<&str> {
        (*self != Self::Unknown).then(|| self.as_str())
    }

    /// The passkey that opened the session, stored beside the method.
    pub fn passkey(&self) -> Option<crate::passkey::PasskeyId> {
        match self {
            Self::Passkey(id) => Some(*id),
            _ => None,
        }
    }

    /// A value as stored, by this release or another: anything it cannot name is `Unknown`
    /// (a passkey's session without its passkey's id among them).
    pub fn from_stored(stored: Option<&str>, passkey: Option<crate::passkey::PasskeyId>) -> Self {
        match (stored, passkey) {
            (Some("passkey"), Some(id)) => Self::Passkey(id),
            (Some("passkey"), None) => Self::Unknown,
            _ => Self::from_name(stored),
        }
    }

    fn from_name(stored: Option<&str>) -> Self {
        match stored {
            Some("password") => Self::Password,
            Some("password_reset") => Self::PasswordReset,
            Some(other) => ProviderId::parse(other).map(Self::Provider).unwrap_or(Self::Unknown),
            None => Self::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub token_hash: TokenHash,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub method: SignInMethod,
    /// When the session last proved who holds it: its sign-in, or its latest re-authentication.
    pub authenticated_at: DateTime<Utc>,
}

impl Session {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}

/// A session's proof of identity as its row holds it: when it last proved who holds it, and
/// until when it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionProof {
    pub authenticated_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The claims of an access token, in domain terms (`sub`, `sid`, `iat`, `exp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessClaims {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl AccessClaims {
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_defaults_to_a_week_and_rejects_nonsense() {
        assert_eq!(TokenTtl::default().as_seconds(), 604_800);
        assert!(TokenTtl::from_seconds(0).is_none());
        assert!(TokenTtl::from_seconds(-5).is_none());
        assert!(TokenTtl::from_seconds(10 * 365 * 24 * 3600).is_none());
        assert_eq!(TokenTtl::from_seconds(3600).unwrap().as_seconds(), 3600);
    }

    #[test]
    fn token_hash_is_sha256_hex_and_never_printed() {
        let hash = TokenHash::of("abc");
        assert_eq!(hash.as_str(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(!format!("{hash:?}").contains("ba78"));
    }

    #[test]
    fn methods_read_back_as_stored_and_unknown_names_stay_unknown() {
        for method in [
            SignInMethod::Password,
            SignInMethod::PasswordReset,
            SignInMethod::Provider(ProviderId::parse("discord").unwrap()),
            SignInMethod::Passkey(crate::passkey::PasskeyId::generate()),
        ] {
            assert_eq!(SignInMethod::from_stored(method.stored(), method.passkey()), method);
        }
        assert_eq!(SignInMethod::Unknown.stored(), None);
        assert_eq!(SignInMethod::from_stored(None, None), SignInMethod::Unknown);
        assert_eq!(SignInMethod::from_stored(Some("Not A Method"), None), SignInMethod::Unknown);
        assert_eq!(SignInMethod::from_stored(Some("passkey"), None), SignInMethod::Unknown, "its passkey unknown");
    }

    #[test]
    fn expiry_is_inclusive_of_the_exact_instant() {
        let now = Utc::now();
        let claims = AccessClaims {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            issued_at: now - Duration::seconds(10),
            expires_at: now,
        };
        assert!(claims.is_expired(now));
        assert!(!claims.is_expired(now - Duration::seconds(1)));
    }
}
