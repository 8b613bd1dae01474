use std::sync::Arc;

use crate::clock::Clock;
use crate::mail::{LinkPurpose, LinkTokens, Notice, PasswordReset, PasswordResetStore, ResetWrite};
use crate::password::PasswordPolicy;
use crate::ports::{Infrastructure, PasswordHasher, StoreError, UserRepository};
use crate::session::{ClientInfo, SignInMethod};
use crate::session_issuer::SessionIssuer;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::use_cases::SignedIn;
use crate::use_cases::mail_link::{Refused, spend_for_refusal, usable_link};
use crate::validation::{FieldError, ValidationErrors};

/// A new password through a reset link.
#[derive(Clone)]
pub struct ResetPasswordCommand {
    pub token: String,
    pub new_password: String,
    pub client: ClientInfo,
}

impl std::fmt::Debug for ResetPasswordCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetPasswordCommand").finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ResetPasswordError {
    /// The new password breaks the policy; the link stays usable.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Unknown, used, voided, or for another purpose.
    #[error("the link is not valid")]
    InvalidLink,
    #[error("the link has expired")]
    LinkExpired,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// A reset that went through: the browser is signed in.
#[derive(Debug, Clone)]
pub struct PasswordWasReset {
    pub signed_in: SignedIn,
    /// The account was unverified, so the reset claimed it: its links went too.
    pub claimed: bool,
}

/// The ports a reset needs.
#[derive(Clone)]
pub struct ResetPasswordPorts {
    pub links: Arc<dyn LinkTokens>,
    pub users: Arc<dyn UserRepository>,
    pub store: Arc<dyn PasswordResetStore>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub clock: Arc<dyn Clock>,
}

/// Sets a password through a reset link, revokes every session and signs this browser in.
#[derive(Clone)]
pub struct ResetPassword {
    ports: ResetPasswordPorts,
    issuer: SessionIssuer,
    policy: PasswordPolicy,
    throttle: Throttle,
    /// Mail is on: the owner is told (the same address the link went to: a reset by someone who
    /// got into the mailbox is seen there too).
    notices: bool,
}

const NEW: &str = "new_password";
/// A reset whose account's verification changed under it is decided again this often.
const ATTEMPTS: usize = 3;

impl ResetPassword {
    pub fn new(ports: ResetPasswordPorts, issuer: SessionIssuer, policy: PasswordPolicy, throttle: Throttle) -> Self {
        Self { ports, issuer, policy, throttle, notices: false }
    }

    /// Tells the owner by mail, with the reset.
    #[must_use]
    pub fn sending_notices(mut self) -> Self {
        self.notices = true;
        self
    }

    #[tracing::instrument(name = "reset_password", skip_all)]
    pub async fn execute(&self, command: &ResetPasswordCommand) -> Result<PasswordWasReset, ResetPasswordError> {
        let client_ip = command.client.ip.as_deref();
        let keys = ThrottledAction::ResetPassword.address_keys(client_ip);
        let now = self.ports.clock.now();
        let refused = |refusal| match refusal {
            Refused::Expired => ResetPasswordError::LinkExpired,
            Refused::Invalid | Refused::OtherAccount => ResetPasswordError::InvalidLink,
        };
        let found = usable_link(&*self.ports.links, &command.token, LinkPurpose::PasswordReset, None, now).await?;
        let user = match found {
            // Sent to an address the account has since left: that mailbox no longer speaks for it.
            Ok((token, stored)) => {
                let user = self.ports.users.find_by_id(stored.user_id).await?;
                user.filter(|user| user.email == stored.email).map(|user| (token, user))
            }
            Err(refusal) => {
                spend_for_refusal(&self.throttle, ThrottledAction::ResetPassword, client_ip, now).await?;
                return Err(refused(refusal));
            }
        };
        let Some((token, user)) = user else {
            spend_for_refusal(&self.throttle, ThrottledAction::ResetPassword, client_ip, now).await?;
            return Err(ResetPasswordError::InvalidLink);
        };
        // Checked before the link is used: a weak password leaves it usable.
        let new = self
            .policy
            .check(&command.new_password, Some(&user.email))
            .map_err(|e| ValidationErrors::from(FieldError { field: NEW, ..e }))?;
        let mut attempt = self.throttle.admit(&keys, now).await?;
        let hash = attempt.hash::<ResetPasswordError>(&*self.ports.hasher, &new).await?;
        attempt.failed();
        let (session, access_token) =
            self.issuer.issue(user.id, &command.client, SignInMethod::PasswordReset).map_err(Infrastructure::from)?;
        let mut user = user;
        for _ in 0..ATTEMPTS {
            let notice = match user.email_verified {
                true => Notice::PasswordReset,
                false => Notice::AccountClaimed {
                    password: user.password_hash.is_some(),
                    providers: user.linked_providers.clone(),
                    passkeys: user.passkeys,
                },
            };
            let reset = PasswordReset {
                notice: self.notices.then(|| notice.to(&user, &command.client)),
                link: token.hash(),
                user_id: user.id,
                email_verified: user.email_verified,
                new: hash.clone(),
                session: session.clone(),
                now: self.ports.clock.now(),
            };
            match self.ports.store.reset(&reset).await? {
                ResetWrite::Done => {
                    let claimed = !user.email_verified;
                    if claimed {
                        user.linked_providers.clear();
                        user.passkeys = 0;
                    }
                    user.password_hash = Some(hash);
                    user.email_verified = true;
                    user.updated_at = reset.now;
                    let signed_in =
                        SignedIn { user, access_token, session_id: session.id, expires_at: session.expires_at };
                    return Ok(PasswordWasReset { signed_in, claimed });
                }
                ResetWrite::LinkUsed => return Err(ResetPasswordError::InvalidLink),
                ResetWrite::Stale => {
                    user = self.ports.users.find_by_id(user.id).await?.ok_or(ResetPasswordError::InvalidLink)?;
                }
            }
        }
        Err(StoreError::Unexpected("the account kept changing during a reset".into()).into())
    }
}

opaque_debug!(ResetPassword, ResetPasswordPorts);

#[cfg(test)]
#[path = "reset_password_tests.rs"]
mod tests;
