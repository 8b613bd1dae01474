//! Adding a passkey to the signed-in account: a change to how it signs in, so under the recent
//! proof, checked when the ceremony starts and again when it finishes.

use crate::mail::Notice;
use crate::passkey::{
    CeremonyPurpose, CredentialResponse, Passkey, PasskeyAdded, PasskeyAddition, PasskeyId, PasskeyName,
    PasskeyRejection,
};
use crate::proof::{Proof, RecentProof};
use crate::session::{ClientInfo, SessionId};
use crate::user::UserId;
use crate::validation::ValidationErrors;

use super::passkey_ceremonies::{PasskeyPorts, StartedCeremony};

#[derive(Debug, Clone)]
pub struct FinishPasskeyRegistrationCommand {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub ceremony: String,
    pub credential: CredentialResponse,
    /// None: named after the browser and platform.
    pub name: Option<String>,
    pub client: ClientInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterPasskeyError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("the ceremony is unknown, expired or already finished")]
    InvalidCeremony,
    #[error("a recent proof of identity is required")]
    ReauthenticationRequired,
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Rejected(#[from] PasskeyRejection),
    /// The authenticator's credential is already registered, here or on another account.
    #[error("this passkey is already registered")]
    Exists,
    #[error(transparent)]
    Infrastructure(#[from] crate::ports::Infrastructure),
}

/// Starts and finishes adding a passkey.
#[derive(Clone)]
pub struct RegisterPasskey {
    ports: PasskeyPorts,
    proof: RecentProof,
    notices: bool,
}

impl RegisterPasskey {
    pub fn new(ports: PasskeyPorts, proof: RecentProof) -> Self {
        Self { ports, proof, notices: false }
    }

    /// Tells the owner by mail, with the addition.
    #[must_use]
    pub fn sending_notices(mut self) -> Self {
        self.notices = true;
        self
    }

    async fn proven(&self, user_id: UserId, session_id: SessionId) -> Result<(), RegisterPasskeyError> {
        match self.proof.of(user_id, session_id).await? {
            Proof::Recent => Ok(()),
            Proof::Stale => Err(RegisterPasskeyError::ReauthenticationRequired),
            Proof::Ended => Err(RegisterPasskeyError::SessionEnded),
        }
    }

    /// Options for a new discoverable credential; the account's own are excluded, so a device
    /// that has one says so instead of making a second.
    #[tracing::instrument(name = "start_passkey_registration", skip_all, fields(user = %user_id))]
    pub async fn start(&self, user_id: UserId, session_id: SessionId) -> Result<StartedCeremony, RegisterPasskeyError> {
        self.proven(user_id, session_id).await?;
        let user = self.ports.users.find_by_id(user_id).await?.ok_or(RegisterPasskeyError::SessionEnded)?;
        let existing = self.ports.passkeys.list(user_id).await?;
        let exclude: Vec<_> = existing.into_iter().map(|passkey| passkey.credential_id).collect();
        let options = self.ports.relying_party.start_registration(&user, &exclude)?;
        Ok(self.ports.begin(CeremonyPurpose::Register { user_id, session_id }, options)?)
    }

    #[tracing::instrument(name = "finish_passkey_registration", skip_all, fields(user = %command.user_id))]
    pub async fn finish(&self, command: &FinishPasskeyRegistrationCommand) -> Result<Passkey, RegisterPasskeyError> {
        // A refused name leaves the ceremony unfinished: the person fixes it and sends again.
        let name = match &command.name {
            Some(name) if !name.trim().is_empty() => PasskeyName::parse(name).map_err(ValidationErrors::from)?,
            _ => PasskeyName::from_user_agent(command.client.user_agent.as_deref()),
        };
        let purpose = CeremonyPurpose::Register { user_id: command.user_id, session_id: command.session_id };
        let state =
            self.ports.finish(&command.ceremony, purpose).await?.ok_or(RegisterPasskeyError::InvalidCeremony)?;
        self.proven(command.user_id, command.session_id).await?;
        let credential = self.ports.relying_party.finish_registration(&state, &command.credential)?;
        let user = self.ports.users.find_by_id(command.user_id).await?.ok_or(RegisterPasskeyError::SessionEnded)?;
        let now = self.ports.clock.now();
        let passkey = Passkey {
            id: PasskeyId::generate(),
            user_id: user.id,
            credential_id: credential.credential_id,
            credential: credential.credential,
            name,
            sign_count: credential.sign_count,
            backed_up: credential.backed_up,
            address_unproven: !user.email_verified,
            created_at: now,
            last_used_at: None,
        };
        let notice = self
            .notices
            .then(|| Notice::about_passkey(Notice::PasskeyAdded, &passkey.name, &user).to(&user, &command.client));
        let addition = PasskeyAddition { passkey, keep: command.session_id, now, notice };
        match self.ports.passkeys.add(&addition).await? {
            PasskeyAdded::Done => Ok(addition.passkey),
            PasskeyAdded::Exists => Err(RegisterPasskeyError::Exists),
            PasskeyAdded::SessionEnded => Err(RegisterPasskeyError::SessionEnded),
        }
    }
}

opaque_debug!(RegisterPasskey);

#[cfg(test)]
#[path = "register_passkey_tests.rs"]
mod tests;
