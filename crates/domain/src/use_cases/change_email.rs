use std::sync::Arc;

use crate::clock::Clock;
use crate::email::Email;
use crate::mail::{ChangeWrite, EmailChange, EmailChangeStore, LinkPurpose, LinkTokens, MailJob, MailOutbox, Notice};
use crate::ports::{Infrastructure, StoreError, UserRepository};
use crate::proof::{Proof, RecentProof};
use crate::session::{ClientInfo, SessionId};
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::use_cases::mail_link::{Refused, spend_for_refusal, usable_link};
use crate::user::{User, UserId};
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

/// A signed-in user's request to move the account to another address.
#[derive(Debug, Clone)]
pub struct ChangeEmailCommand {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub email: String,
    pub client: ClientInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeEmailError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Another account has the address: said only to this signed-in owner, after a recent proof.
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error("a recent proof of identity is required")]
    ReauthenticationRequired,
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The ports a change of address needs.
#[derive(Clone)]
pub struct ChangeEmailPorts {
    pub users: Arc<dyn UserRepository>,
    pub outbox: Arc<dyn MailOutbox>,
    pub links: Arc<dyn LinkTokens>,
    pub store: Arc<dyn EmailChangeStore>,
    pub clock: Arc<dyn Clock>,
}

/// Sends a link to the new address; the account moves only once that link is used. A stolen
/// session cannot move the account away from its owner without a recent proof.
#[derive(Clone)]
pub struct ChangeEmail {
    ports: ChangeEmailPorts,
    proof: RecentProof,
    throttle: Throttle,
}

impl ChangeEmail {
    pub fn new(ports: ChangeEmailPorts, proof: RecentProof, throttle: Throttle) -> Self {
        Self { ports, proof, throttle }
    }

    #[tracing::instrument(name = "change_email", skip_all, fields(user = %command.user_id))]
    pub async fn execute(&self, command: &ChangeEmailCommand) -> Result<(), ChangeEmailError> {
        let email = Email::parse(&command.email).map_err(ValidationErrors::from)?;
        let user = self.ports.users.find_by_id(command.user_id).await?.ok_or(ChangeEmailError::SessionEnded)?;
        if user.email == email {
            let same = FieldError::new("email", FieldErrorCode::SameAsCurrent, "this is already the account's address");
            return Err(ValidationErrors::from(same).into());
        }
        match self.proof.of(command.user_id, command.session_id).await? {
            Proof::Recent => {}
            Proof::Stale => return Err(ChangeEmailError::ReauthenticationRequired),
            Proof::Ended => return Err(ChangeEmailError::SessionEnded),
        }
        let now = self.ports.clock.now();
        let keys = ThrottledAction::ChangeEmail.address_keys(command.client.ip.as_deref());
        self.throttle.admit(&keys, now).await?.failed();
        if self.ports.users.find_by_email(&email).await?.is_some() {
            return Err(ChangeEmailError::EmailTaken);
        }
        self.ports.outbox.enqueue(&MailJob::ConfirmNewEmail { user_id: user.id, email }, now).await?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfirmEmailChangeError {
    #[error("the link is not valid")]
    InvalidLink,
    #[error("the link has expired")]
    LinkExpired,
    #[error("the link is another account's")]
    OtherAccount,
    /// Another account took the address since the link was sent.
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Moves the signed-in account to the address its link was sent to; the old address is told.
#[derive(Clone)]
pub struct ConfirmEmailChange {
    ports: ChangeEmailPorts,
    throttle: Throttle,
    notices: bool,
}

impl ConfirmEmailChange {
    pub fn new(ports: ChangeEmailPorts, throttle: Throttle) -> Self {
        Self { ports, throttle, notices: false }
    }

    /// Tells the address the account leaves, with the change.
    #[must_use]
    pub fn sending_notices(mut self) -> Self {
        self.notices = true;
        self
    }

    #[tracing::instrument(name = "confirm_email_change", skip_all, fields(user = %user_id))]
    pub async fn execute(
        &self,
        user_id: UserId,
        token: &str,
        client: &ClientInfo,
    ) -> Result<User, ConfirmEmailChangeError> {
        let now = self.ports.clock.now();
        let found = usable_link(&*self.ports.links, token, LinkPurpose::ChangeEmail, Some(user_id), now).await?;
        let (token, stored) = match found {
            Ok(found) => found,
            Err(refusal) => {
                let ip = client.ip.as_deref();
                spend_for_refusal(&self.throttle, ThrottledAction::ConfirmEmailChange, ip, now).await?;
                return Err(match refusal {
                    Refused::Invalid => ConfirmEmailChangeError::InvalidLink,
                    Refused::Expired => ConfirmEmailChangeError::LinkExpired,
                    Refused::OtherAccount => ConfirmEmailChangeError::OtherAccount,
                });
            }
        };
        let user = self.ports.users.find_by_id(user_id).await?.ok_or(ConfirmEmailChangeError::InvalidLink)?;
        let notice = self.notices.then(|| Notice::EmailChanged { to: stored.email.clone() }.to(&user, client));
        let change = EmailChange { link: token.hash(), user_id, new: stored.email, notice, now };
        match self.ports.store.change_email(&change).await? {
            ChangeWrite::Done => {}
            ChangeWrite::LinkUsed => return Err(ConfirmEmailChangeError::InvalidLink),
            ChangeWrite::Taken => return Err(ConfirmEmailChangeError::EmailTaken),
        }
        let user = self.ports.users.find_by_id(user_id).await?;
        user.ok_or_else(|| StoreError::Unexpected("the user whose address changed is gone".into()).into())
    }
}

opaque_debug!(ChangeEmail, ConfirmEmailChange, ChangeEmailPorts);

#[cfg(test)]
#[path = "change_email_tests.rs"]
mod tests;
