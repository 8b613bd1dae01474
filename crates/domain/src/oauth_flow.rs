//! An OAuth flow between its start and the provider's callback: what the browser carries back
//! (sealed by the HTTP adapter) and what the callback brings.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::provider_id::ProviderId;
use crate::session::SessionId;
use crate::user::UserId;

/// Why the flow was started: sign-in and link are separate flows with separate rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowPurpose {
    /// `GET /api/auth/{provider}`: sign in (or create, or claim) by the provider identity.
    SignIn,
    /// `POST /api/auth/{provider}/link`: link the identity to the user whose session started it.
    Link { user_id: UserId, session_id: SessionId },
    /// `POST /api/auth/{provider}/reauthenticate`: refresh the proof of the session that started
    /// it, with an identity already linked to its user.
    Reauthenticate { user_id: UserId, session_id: SessionId },
}

impl FlowPurpose {
    /// Link and re-authentication flows start on the account page, and return there.
    pub fn returns_to_account(self) -> bool {
        !matches!(self, Self::SignIn)
    }
}

/// A started flow, as the callback receives it back from the browser.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingFlow {
    pub provider: ProviderId,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: Option<String>,
    /// A local path, checked when the flow started.
    pub redirect_to: String,
    pub purpose: FlowPurpose,
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for PendingFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingFlow")
            .field("provider", &self.provider)
            .field("purpose", &self.purpose)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// What the provider sent the browser back with.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProviderCallback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set by the provider instead of `code` when it refused or the user declined.
    pub error: Option<String>,
}

impl fmt::Debug for ProviderCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderCallback").field("error", &self.error).finish_non_exhaustive()
    }
}
