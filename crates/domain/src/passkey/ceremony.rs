//! A ceremony's state between its start and its finish. It travels with the client, sealed, so
//! that starting one writes nothing (the login page offers passkeys on every load) and any
//! replica can finish what another started; its single use is recorded when it finishes.

use chrono::{DateTime, Duration, Utc};

use crate::session::SessionId;
use crate::user::UserId;

/// How long a started ceremony may be finished: the browser's own timeout, and no longer.
pub const CEREMONY_LIFETIME: Duration = Duration::minutes(5);

/// What started a ceremony, which only that may finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CeremonyPurpose {
    /// A signed-in person adding a passkey to their account, from this session.
    Register { user_id: UserId, session_id: SessionId },
    /// A sign-in, which names no user: the passkey the browser chooses says who.
    SignIn,
    /// A signed-in person proving again who holds this session.
    Reauthenticate { user_id: UserId, session_id: SessionId },
}

/// The relying party's state of a ceremony (its challenge, what it allows), in its own
/// encoding: opaque to the domain.
#[derive(Clone, PartialEq, Eq)]
pub struct CeremonyState(String);

impl CeremonyState {
    pub fn new(encoded: String) -> Self {
        Self(encoded)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CeremonyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CeremonyState(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ceremony {
    /// Random, and what its single use is recorded under.
    pub id: String,
    pub purpose: CeremonyPurpose,
    pub state: CeremonyState,
    pub expires_at: DateTime<Utc>,
}

impl Ceremony {
    pub fn new(purpose: CeremonyPurpose, state: CeremonyState, now: DateTime<Utc>) -> Self {
        let id = hex::encode(rand::random::<[u8; 16]>());
        Self { id, purpose, state, expires_at: now + CEREMONY_LIFETIME }
    }

    /// The key its single use is recorded under, apart from every OAuth state's.
    pub fn use_key(&self) -> String {
        format!("passkey ceremony {}", self.id)
    }
}

/// Seals a ceremony into the string the client carries, and opens it: nothing the client
/// changes in it opens.
pub trait CeremonySealer: Send + Sync {
    fn seal(&self, ceremony: &Ceremony) -> Option<String>;
    fn open(&self, sealed: &str) -> Option<Ceremony>;
}
