//! Signing in with a passkey. No user is named: the browser offers the person's passkeys for
//! this site, and the one chosen says whose account it is.

use std::sync::Arc;

use crate::mail::{MailOutbox, Notice};
use crate::passkey::{CeremonyPurpose, CredentialResponse, Passkey, PasskeyRejection, PasskeyUse, UseRecorded};
use crate::ports::TokenCodec;
use crate::session::{ClientInfo, SignInMethod};
use crate::session_issuer::SessionIssuer;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::user::{User, UserId};

use super::SignedIn;
use super::passkey_ceremonies::{PasskeyPorts, StartedCeremony};

#[derive(Debug, Clone)]
pub struct PasskeySignInCommand {
    pub ceremony: String,
    pub credential: CredentialResponse,
    pub client: ClientInfo,
    /// The browser's current access token, if any: the new session replaces its session.
    pub browser_token: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum PasskeySignInError {
    #[error("the ceremony is unknown, expired or already finished")]
    InvalidCeremony,
    /// One answer for every refusal; `user` is the account the passkey named, for the audit.
    #[error("the passkey was refused: {rejection}")]
    Rejected { rejection: PasskeyRejection, user: Option<UserId> },
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] crate::ports::Infrastructure),
}

impl From<PasskeyRejection> for PasskeySignInError {
    fn from(rejection: PasskeyRejection) -> Self {
        Self::Rejected { rejection, user: None }
    }
}

#[derive(Clone)]
pub struct SignInWithPasskey {
    ports: PasskeyPorts,
    issuer: SessionIssuer,
    tokens: Arc<dyn TokenCodec>,
    throttle: Throttle,
    /// Mail is on: the owner of a passkey refused as cloned is told.
    outbox: Option<Arc<dyn MailOutbox>>,
}

impl SignInWithPasskey {
    pub fn new(ports: PasskeyPorts, issuer: SessionIssuer, tokens: Arc<dyn TokenCodec>, throttle: Throttle) -> Self {
        Self { ports, issuer, tokens, throttle, outbox: None }
    }

    #[must_use]
    pub fn sending_notices(mut self, outbox: Arc<dyn MailOutbox>) -> Self {
        self.outbox = Some(outbox);
        self
    }

    /// Options for a discoverable credential: nothing about any account goes out.
    pub fn start(&self) -> Result<StartedCeremony, PasskeySignInError> {
        let options = self.ports.relying_party.start_sign_in()?;
        Ok(self.ports.begin(CeremonyPurpose::SignIn, options)?)
    }

    #[tracing::instrument(name = "passkey_sign_in", skip_all)]
    pub async fn finish(&self, command: &PasskeySignInCommand) -> Result<SignedIn, PasskeySignInError> {
        let keys = ThrottledAction::PasskeySignIn.address_keys(command.client.ip.as_deref());
        // Reserved first: a client sending refusals costs next to nothing once over budget.
        let attempt = self.throttle.admit(&keys, self.ports.clock.now()).await?;
        let state = self
            .ports
            .finish(&command.ceremony, CeremonyPurpose::SignIn)
            .await?
            .ok_or(PasskeySignInError::InvalidCeremony)?;
        let passkey = self.ports.named_passkey(&command.credential, None).await??;
        let refused = |rejection| PasskeySignInError::Rejected { rejection, user: Some(passkey.user_id) };
        let user = self.ports.users.find_by_id(passkey.user_id).await?;
        let Some(user) = user else {
            return Err(refused(PasskeyRejection::Invalid("the passkey's account is gone".into())));
        };
        if passkey.left_by_a_claim(&user) {
            return Err(refused(PasskeyRejection::Invalid("the account was claimed since it was added".into())));
        }
        let assertion = match self.ports.relying_party.finish_authentication(&state, &command.credential, &passkey) {
            Ok(assertion) => assertion,
            Err(rejection) => {
                return Err(refused(self.after_refusal(rejection, &passkey, &user, &command.client).await));
            }
        };
        let (session, access_token) = self
            .issuer
            .issue(user.id, &command.client, SignInMethod::Passkey(passkey.id))
            .map_err(crate::ports::Infrastructure::from)?;
        let used = PasskeyUse { passkey_id: passkey.id, user_id: user.id, assertion, at: self.ports.clock.now() };
        let replaces = command.browser_token.as_deref().and_then(|t| self.tokens.decode(t).ok()).map(|c| c.session_id);
        match self.ports.passkeys.sign_in(&used, &session, replaces).await? {
            UseRecorded::Done => {}
            UseRecorded::CounterWentBackwards => {
                let rejection = PasskeyRejection::CounterWentBackwards;
                return Err(refused(self.after_refusal(rejection, &passkey, &user, &command.client).await));
            }
            UseRecorded::Gone | UseRecorded::SessionEnded => {
                return Err(refused(PasskeyRejection::Invalid("the passkey was removed meanwhile".into())));
            }
        }
        attempt.succeeded().await;
        Ok(SignedIn { user, access_token, session_id: session.id, expires_at: session.expires_at })
    }

    async fn after_refusal(
        &self,
        rejection: PasskeyRejection,
        passkey: &Passkey,
        user: &User,
        client: &ClientInfo,
    ) -> PasskeyRejection {
        tell_of_clone(self.outbox.as_deref(), &rejection, passkey, user, client, &self.ports).await;
        rejection
    }
}

/// A counter that went backwards means a copy of the passkey may exist: its owner is told,
/// when mail is on. A failure to enqueue is logged; the refusal stands either way.
pub(super) async fn tell_of_clone(
    outbox: Option<&dyn MailOutbox>,
    rejection: &PasskeyRejection,
    passkey: &Passkey,
    user: &User,
    client: &ClientInfo,
    ports: &PasskeyPorts,
) {
    let (Some(outbox), PasskeyRejection::CounterWentBackwards) = (outbox, rejection) else { return };
    let job = Notice::about_passkey(Notice::PasskeyCloned, &passkey.name, user).to(user, client);
    if let Err(error) = outbox.enqueue(&job, ports.clock.now()).await {
        tracing::error!(%error, user = %user.id, "the notice of a cloned passkey was not enqueued");
    }
}

opaque_debug!(SignInWithPasskey);

#[cfg(test)]
#[path = "passkey_sign_in_tests.rs"]
mod tests;
