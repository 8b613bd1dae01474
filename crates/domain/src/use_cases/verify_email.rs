use std::sync::Arc;

use chrono::Duration;

use crate::clock::Clock;
use crate::mail::{
    EmailVerification, EmailVerificationStore, LinkPurpose, LinkTokens, MailJob, MailOutbox, VerifyWrite,
};
use crate::ports::{FailureCounter, Infrastructure, Reservation, StoreError, UserRepository};
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::use_cases::mail_link::{Refused, spend_for_refusal, usable_link};
use crate::user::{User, UserId};

/// How often a person may ask for a new verification mail.
pub const VERIFICATION_EVERY: Duration = Duration::minutes(1);

#[derive(Debug, thiserror::Error)]
pub enum SendVerificationError {
    #[error("the address is already verified")]
    AlreadyVerified,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    /// The asking session's user is gone.
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The ports the verification flows need.
#[derive(Clone)]
pub struct VerificationPorts {
    pub users: Arc<dyn UserRepository>,
    pub outbox: Arc<dyn MailOutbox>,
    pub links: Arc<dyn LinkTokens>,
    pub store: Arc<dyn EmailVerificationStore>,
    pub counter: Arc<dyn FailureCounter>,
    pub clock: Arc<dyn Clock>,
}

/// Sends a signed-in person a new link that proves their address: at most one a minute.
#[derive(Clone)]
pub struct SendVerification {
    ports: VerificationPorts,
    throttle: Throttle,
}

impl SendVerification {
    pub fn new(ports: VerificationPorts, throttle: Throttle) -> Self {
        Self { ports, throttle }
    }

    #[tracing::instrument(name = "send_verification", skip_all, fields(user = %user_id))]
    pub async fn execute(&self, user_id: UserId, client_ip: Option<&str>) -> Result<(), SendVerificationError> {
        let user = self.ports.users.find_by_id(user_id).await?.ok_or(SendVerificationError::SessionEnded)?;
        if user.email_verified {
            return Err(SendVerificationError::AlreadyVerified);
        }
        let now = self.ports.clock.now();
        let key = format!("verification:{user_id}");
        match self.ports.counter.reserve(&key, now, VERIFICATION_EVERY, 1).await {
            Ok(Reservation::Granted(_)) => {}
            Ok(Reservation::Refused(window)) => {
                return Err(Throttled { retry_after: window.ends_at - now }.into());
            }
            Err(error) => tracing::error!(%error, "rate-limit counter unavailable; mail allowed"),
        }
        let keys = ThrottledAction::SendVerification.address_keys(client_ip);
        self.throttle.admit(&keys, now).await?.failed();
        self.ports.outbox.enqueue(&MailJob::VerifyEmail { user_id, email: user.email }, now).await?;
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyEmailError {
    #[error("the link is not valid")]
    InvalidLink,
    #[error("the link has expired")]
    LinkExpired,
    /// The link is another account's: only its own user, signed in, may use it.
    #[error("the link is another account's")]
    OtherAccount,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Proves the signed-in user's address with the link sent to it. The link must be this user's:
/// a person who clicks the link that someone else's sign-up sent them, while signed in as
/// themselves or not at all, verifies nothing.
#[derive(Clone)]
pub struct VerifyEmailAddress {
    ports: VerificationPorts,
    throttle: Throttle,
}

impl VerifyEmailAddress {
    pub fn new(ports: VerificationPorts, throttle: Throttle) -> Self {
        Self { ports, throttle }
    }

    #[tracing::instrument(name = "verify_email", skip_all, fields(user = %user_id))]
    pub async fn execute(
        &self,
        user_id: UserId,
        token: &str,
        client_ip: Option<&str>,
    ) -> Result<User, VerifyEmailError> {
        let now = self.ports.clock.now();
        let found = usable_link(&*self.ports.links, token, LinkPurpose::VerifyEmail, Some(user_id), now).await?;
        let (token, stored) = match found {
            Ok(found) => found,
            Err(refusal) => {
                spend_for_refusal(&self.throttle, ThrottledAction::VerifyEmail, client_ip, now).await?;
                return Err(match refusal {
                    Refused::Invalid => VerifyEmailError::InvalidLink,
                    Refused::Expired => VerifyEmailError::LinkExpired,
                    Refused::OtherAccount => VerifyEmailError::OtherAccount,
                });
            }
        };
        let verification = EmailVerification { link: token.hash(), user_id, email: stored.email, now };
        match self.ports.store.verify(&verification).await? {
            VerifyWrite::Done => {}
            VerifyWrite::LinkUsed => return Err(VerifyEmailError::InvalidLink),
        }
        let user = self.ports.users.find_by_id(user_id).await?;
        user.ok_or_else(|| StoreError::Unexpected("the verified user is gone".into()).into())
    }
}

opaque_debug!(SendVerification, VerifyEmailAddress, VerificationPorts);

#[cfg(test)]
#[path = "verify_email_tests.rs"]
mod tests;
