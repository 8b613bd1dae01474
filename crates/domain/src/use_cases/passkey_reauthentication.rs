//! Proving again who holds a session with one of the account's passkeys, before a change to how
//! it signs in. Creates no session.

use std::sync::Arc;

use crate::mail::MailOutbox;
use crate::passkey::{CeremonyPurpose, CredentialResponse, PasskeyRejection, PasskeyUse, UseRecorded};
use crate::session::{ClientInfo, SessionId};
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::user::UserId;

use super::passkey_ceremonies::{PasskeyPorts, StartedCeremony};
use super::passkey_sign_in::tell_of_clone;

#[derive(Debug, Clone)]
pub struct PasskeyReauthenticationCommand {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub ceremony: String,
    pub credential: CredentialResponse,
    pub client: ClientInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum PasskeyReauthenticationError {
    /// The account has no passkey to prove anything with.
    #[error("the account has no passkey")]
    NoPasskey,
    #[error("the ceremony is unknown, expired or already finished")]
    InvalidCeremony,
    #[error("the passkey was refused: {0}")]
    Rejected(#[from] PasskeyRejection),
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] crate::ports::Infrastructure),
}

#[derive(Clone)]
pub struct ReauthenticateWithPasskey {
    ports: PasskeyPorts,
    throttle: Throttle,
    outbox: Option<Arc<dyn MailOutbox>>,
}

impl ReauthenticateWithPasskey {
    pub fn new(ports: PasskeyPorts, throttle: Throttle) -> Self {
        Self { ports, throttle, outbox: None }
    }

    #[must_use]
    pub fn sending_notices(mut self, outbox: Arc<dyn MailOutbox>) -> Self {
        self.outbox = Some(outbox);
        self
    }

    /// Options that allow only this account's passkeys.
    pub async fn start(
        &self,
        user_id: UserId,
        session_id: SessionId,
    ) -> Result<StartedCeremony, PasskeyReauthenticationError> {
        let passkeys = self.ports.passkeys.list(user_id).await?;
        if passkeys.is_empty() {
            return Err(PasskeyReauthenticationError::NoPasskey);
        }
        let options = self.ports.relying_party.start_reauthentication(&passkeys)?;
        Ok(self.ports.begin(CeremonyPurpose::Reauthenticate { user_id, session_id }, options)?)
    }

    #[tracing::instrument(name = "passkey_reauthenticate", skip_all, fields(user = %command.user_id))]
    pub async fn finish(&self, command: &PasskeyReauthenticationCommand) -> Result<(), PasskeyReauthenticationError> {
        let keys = ThrottledAction::PasskeyReauthenticate.address_keys(command.client.ip.as_deref());
        let attempt = self.throttle.admit(&keys, self.ports.clock.now()).await?;
        let purpose = CeremonyPurpose::Reauthenticate { user_id: command.user_id, session_id: command.session_id };
        let state = self
            .ports
            .finish(&command.ceremony, purpose)
            .await?
            .ok_or(PasskeyReauthenticationError::InvalidCeremony)?;
        let passkey = self.ports.named_passkey(&command.credential, Some(command.user_id)).await??;
        let user =
            self.ports.users.find_by_id(command.user_id).await?.ok_or(PasskeyReauthenticationError::SessionEnded)?;
        if passkey.left_by_a_claim(&user) {
            return Err(PasskeyRejection::Invalid("the account was claimed since it was added".into()).into());
        }
        let rejection = match self.ports.relying_party.finish_authentication(&state, &command.credential, &passkey) {
            Ok(assertion) => {
                let used =
                    PasskeyUse { passkey_id: passkey.id, user_id: user.id, assertion, at: self.ports.clock.now() };
                match self.ports.passkeys.reauthenticate(&used, command.session_id).await? {
                    UseRecorded::Done => {
                        attempt.succeeded().await;
                        return Ok(());
                    }
                    UseRecorded::SessionEnded => return Err(PasskeyReauthenticationError::SessionEnded),
                    UseRecorded::Gone => PasskeyRejection::Invalid("the passkey was removed meanwhile".into()),
                    UseRecorded::CounterWentBackwards => PasskeyRejection::CounterWentBackwards,
                }
            }
            Err(rejection) => rejection,
        };
        tell_of_clone(self.outbox.as_deref(), &rejection, &passkey, &user, &command.client, &self.ports).await;
        Err(rejection.into())
    }
}

opaque_debug!(ReauthenticateWithPasskey);

#[cfg(test)]
#[path = "passkey_reauthentication_tests.rs"]
mod tests;
