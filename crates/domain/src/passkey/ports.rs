//! What the passkey use cases need: a relying party that runs the ceremonies' checks, and the
//! table of passkeys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{CeremonyState, CredentialId, CredentialResponse, Passkey, PasskeyId, PasskeyName, StoredCredential};
use crate::mail::job::MailJob;
use crate::ports::StoreError;
use crate::session::{Session, SessionId};
use crate::user::{User, UserId};

/// A ceremony's options for the browser, in WebAuthn's JSON encoding (`publicKey`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyOptions(String);

impl PublicKeyOptions {
    pub fn new(json: String) -> Self {
        Self(json)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why the relying party refused a browser's answer. Told apart in logs and audit only: the
/// client hears one answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyRejection {
    /// Malformed, badly signed, from another origin or for another RP ID, without user
    /// verification, or not the credential the ceremony allowed.
    #[error("the passkey's answer failed a check: {0}")]
    Invalid(String),
    /// The signature counter did not move forward: the authenticator may have been cloned.
    #[error("the signature counter went backwards")]
    CounterWentBackwards,
    /// The browser reports that the authenticator kept no discoverable credential.
    #[error("the authenticator cannot keep a discoverable passkey")]
    NotDiscoverable,
}

impl PasskeyRejection {
    /// The reason as audited.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Invalid(_) => "invalid_response",
            Self::CounterWentBackwards => "counter_went_backwards",
            Self::NotDiscoverable => "not_discoverable",
        }
    }
}

/// The relying party could not start a ceremony: nothing the client did.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the relying party failed: {0}")]
pub struct RelyingPartyError(pub String);

/// A credential the relying party accepted at registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCredential {
    pub credential_id: CredentialId,
    pub credential: StoredCredential,
    pub sign_count: u32,
    pub backed_up: bool,
}

/// An accepted signature: what the stored passkey becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    pub sign_count: u32,
    pub backed_up: bool,
    pub credential: StoredCredential,
}

/// Runs the WebAuthn ceremonies' checks: challenges, origins, RP ID, user verification,
/// signatures, counters.
#[cfg_attr(test, mockall::automock)]
pub trait RelyingParty: Send + Sync {
    /// Options for a new discoverable credential for `user`, excluding `exclude`.
    fn start_registration(
        &self,
        user: &User,
        exclude: &[CredentialId],
    ) -> Result<(PublicKeyOptions, CeremonyState), RelyingPartyError>;
    fn finish_registration(
        &self,
        state: &CeremonyState,
        response: &CredentialResponse,
    ) -> Result<NewCredential, PasskeyRejection>;
    /// Options for a sign-in that names no user.
    fn start_sign_in(&self) -> Result<(PublicKeyOptions, CeremonyState), RelyingPartyError>;
    /// Options that allow only `passkeys`.
    fn start_reauthentication(
        &self,
        passkeys: &[Passkey],
    ) -> Result<(PublicKeyOptions, CeremonyState), RelyingPartyError>;
    /// The account (its user handle, which an authenticator may leave out when the options
    /// named the credentials allowed) and the credential an answer names, read before anything
    /// is checked.
    fn identify(&self, response: &CredentialResponse) -> Result<(Option<UserId>, CredentialId), PasskeyRejection>;
    /// Checks an answer to a sign-in or re-authentication against the stored passkey.
    fn finish_authentication(
        &self,
        state: &CeremonyState,
        response: &CredentialResponse,
        passkey: &Passkey,
    ) -> Result<Assertion, PasskeyRejection>;
}

/// A new passkey, added by a session that must still be valid when it is written, with the
/// owner's notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyAddition {
    pub passkey: Passkey,
    pub keep: SessionId,
    pub now: DateTime<Utc>,
    pub notice: Option<MailJob>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyAdded {
    Done,
    /// The credential is already registered, on this account or another.
    Exists,
    /// The adding session was revoked or has expired (a claim, a reset).
    SessionEnded,
}

/// A passkey's accepted signature, recorded only while the passkey exists and its counter has
/// not moved past this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyUse {
    pub passkey_id: PasskeyId,
    pub user_id: UserId,
    pub assertion: Assertion,
    pub at: DateTime<Utc>,
}

/// How recording a use ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseRecorded {
    Done,
    /// The passkey was removed meanwhile (by its owner, or a claim).
    Gone,
    /// Another use recorded a higher counter meanwhile: this signature is older than one
    /// already seen.
    CounterWentBackwards,
    /// The session to prove was revoked or has expired.
    SessionEnded,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait PasskeyRepository: Send + Sync {
    /// The user's passkeys, oldest first.
    async fn list(&self, user_id: UserId) -> Result<Vec<Passkey>, StoreError>;
    async fn find_by_credential(&self, id: &CredentialId) -> Result<Option<Passkey>, StoreError>;
    /// Writes the passkey and its notice in one transaction, under the user's lock.
    async fn add(&self, addition: &PasskeyAddition) -> Result<PasskeyAdded, StoreError>;
    /// None when the user has no such passkey.
    async fn rename(&self, user_id: UserId, id: PasskeyId, name: &PasskeyName) -> Result<Option<Passkey>, StoreError>;
    /// Records the use and stores the session it opened, revoking `replaces`, in one
    /// transaction.
    async fn sign_in(
        &self,
        used: &PasskeyUse,
        session: &Session,
        replaces: Option<SessionId>,
    ) -> Result<UseRecorded, StoreError>;
    /// Records the use and a fresh proof on the user's session, in one transaction.
    async fn reauthenticate(&self, used: &PasskeyUse, session_id: SessionId) -> Result<UseRecorded, StoreError>;
}
