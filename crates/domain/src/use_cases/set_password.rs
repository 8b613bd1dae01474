use std::sync::Arc;

use crate::clock::Clock;
use crate::mail::Notice;
use crate::password::PasswordPolicy;
use crate::ports::Infrastructure;
use crate::ports::{PasswordChange, PasswordHasher, PasswordWrite, StoreError, UserRepository};
use crate::proof::{Proof, RecentProof};
use crate::session::ClientInfo;
use crate::session::SessionId;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::user::UserId;
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

const NEW: &str = "new_password";
const CURRENT: &str = "current_password";

/// A signed-in user's request to set a password (an account without one) or change it.
#[derive(Clone)]
pub struct SetPasswordCommand {
    pub user_id: UserId,
    /// The session asking: it stays, every other session of the user is revoked.
    pub session_id: SessionId,
    pub new_password: String,
    /// Required when the account has a password.
    pub current_password: Option<String>,
    /// The client: every change spends its address's budget and waits for its hashing turn;
    /// the owner's notice names it.
    pub client: ClientInfo,
}

impl std::fmt::Debug for SetPasswordCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetPasswordCommand").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Too many wrong current passwords for this account.
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    /// The asking session (or its user) is gone.
    #[error("the session has ended")]
    SessionEnded,
    /// A first password from a session whose proof is older than the window.
    #[error("a recent proof of identity is required")]
    ReauthenticationRequired,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Whether the account had a password before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSet {
    Set,
    Changed,
}

/// Sets or changes a signed-in user's password and revokes their other sessions.
#[derive(Clone)]
pub struct SetPassword {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    policy: PasswordPolicy,
    throttle: Throttle,
    proof: RecentProof,
    clock: Arc<dyn Clock>,
    /// Mail is on: the owner is told.
    notices: bool,
}

/// What a password write needs besides the user store and the hasher.
#[derive(Debug, Clone)]
pub struct PasswordRules {
    pub policy: PasswordPolicy,
    pub throttle: Throttle,
    pub proof: RecentProof,
}

impl SetPassword {
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        rules: PasswordRules,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let PasswordRules { policy, throttle, proof } = rules;
        Self { users, hasher, policy, throttle, proof, clock, notices: false }
    }

    /// Tells the owner by mail, with the change.
    #[must_use]
    pub fn sending_notices(mut self) -> Self {
        self.notices = true;
        self
    }

    #[tracing::instrument(name = "set_password", skip_all, fields(user = %command.user_id))]
    pub async fn execute(&self, command: &SetPasswordCommand) -> Result<PasswordSet, SetPasswordError> {
        // A password changed meanwhile (another request of the user's): decided again, the
        // current password is checked against the new hash.
        match self.attempt(command).await? {
            Some(done) => Ok(done),
            None => self
                .attempt(command)
                .await?
                .ok_or_else(|| SetPasswordError::from(StoreError::Unexpected("the password kept changing".into()))),
        }
    }

    /// None when the password changed since it was read.
    async fn attempt(&self, command: &SetPasswordCommand) -> Result<Option<PasswordSet>, SetPasswordError> {
        let user = self.users.find_by_id(command.user_id).await?.ok_or(SetPasswordError::SessionEnded)?;
        let mut errors = ValidationErrors::default();
        let new = self
            .policy
            .check(&command.new_password, Some(&user.email))
            .map_err(|e| errors.push(FieldError { field: NEW, ..e }))
            .ok();
        let current = command.current_password.as_deref().filter(|c| !c.is_empty());
        if user.password_hash.is_some() && current.is_none() {
            errors.push(FieldError::required(CURRENT));
        }
        if user.password_hash.is_some() && current == Some(command.new_password.as_str()) {
            // Refused before any hashing: a "change" to the same password proves nothing and
            // would cost two hashes.
            errors.push(FieldError::new(
                NEW,
                FieldErrorCode::SameAsCurrent,
                "new password must differ from the current one",
            ));
        }
        let Some(new) = new else { return Err(errors.into()) };
        errors.into_result()?;
        // A first password is a new way in: a stolen token alone may not add one. A change is
        // proven by the current password itself.
        if user.password_hash.is_none() {
            match self.proof.of(command.user_id, command.session_id).await? {
                Proof::Recent => {}
                Proof::Stale => return Err(SetPasswordError::ReauthenticationRequired),
                Proof::Ended => return Err(SetPasswordError::SessionEnded),
            }
        }

        // Reserved before any hash, so requests sent at once get no more hashes than it holds.
        let guessed = user.password_hash.as_ref().zip(current);
        let action =
            if guessed.is_some() { ThrottledAction::ChangePassword } else { ThrottledAction::SetFirstPassword };
        let keys = action.keys(&user.email, command.client.ip.as_deref());
        let mut attempt = self.throttle.admit(&keys, self.clock.now()).await?;
        let checked = guessed.map(|(hash, current)| (current, hash.clone()));
        let hashed = attempt.verify_and_hash::<SetPasswordError>(&*self.hasher, checked, &new).await?;
        let Some(new_hash) = hashed else {
            attempt.failed();
            let wrong = FieldError::new(CURRENT, FieldErrorCode::Incorrect, "current password is incorrect");
            return Err(ValidationErrors::from(wrong).into());
        };
        attempt.changed().await;
        let notice = if user.password_hash.is_some() { Notice::PasswordChanged } else { Notice::PasswordSet };
        let change = PasswordChange {
            notice: self.notices.then(|| notice.to(&user, &command.client)),
            user_id: user.id,
            previous: user.password_hash.clone(),
            new: new_hash,
            keep: command.session_id,
            now: self.clock.now(),
        };
        match self.users.set_password(&change).await? {
            PasswordWrite::Done => {}
            PasswordWrite::Stale => return Ok(None),
            PasswordWrite::SessionEnded => return Err(SetPasswordError::SessionEnded),
        }
        Ok(Some(if user.password_hash.is_some() { PasswordSet::Changed } else { PasswordSet::Set }))
    }
}

opaque_debug!(SetPassword);

#[cfg(test)]
#[path = "set_password_tests.rs"]
mod tests;
