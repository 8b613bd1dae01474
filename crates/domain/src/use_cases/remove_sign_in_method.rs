use std::sync::Arc;

use crate::clock::Clock;
use crate::mail::Notice;
use crate::passkey::PasskeyRepository;
use crate::ports::{Infrastructure, PasswordWrite, RemovedMethod, SignInMethodRemoval, StoreError, UserRepository};
use crate::proof::{Proof, RecentProof};
use crate::provider_registry::ProviderRegistry;
use crate::session::ClientInfo;
use crate::session::SessionId;
use crate::user::UserId;

use super::oauth_attempt::ATTEMPTS;

/// A signed-in user's request to remove their password or unlink a provider.
#[derive(Debug, Clone)]
pub struct RemoveSignInMethodCommand {
    pub user_id: UserId,
    /// The session asking: it stays.
    pub session_id: SessionId,
    pub method: RemovedMethod,
    /// The browser and address asking, for the owner's notice.
    pub client: ClientInfo,
}

#[derive(Debug, thiserror::Error)]
pub enum RemoveSignInMethodError {
    /// The account has no password, or no link to that provider.
    #[error("the account has no such way in")]
    NotFound,
    /// The account would be left with no way in.
    #[error("this is the account's last way to sign in")]
    LastSignInMethod,
    #[error("a recent proof of identity is required")]
    ReauthenticationRequired,
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Removes a way in (the password, or every link to a provider) from the asking user's account,
/// never the last one, only with a recent proof, and revokes the other sessions it opened.
#[derive(Clone)]
pub struct RemoveSignInMethod {
    users: Arc<dyn UserRepository>,
    passkeys: Arc<dyn PasskeyRepository>,
    proof: RecentProof,
    providers: Arc<ProviderRegistry>,
    clock: Arc<dyn Clock>,
    /// Mail is on: the owner is told.
    notices: bool,
    /// Passkeys work on this site: an account's passkeys are ways in.
    passkeys_usable: bool,
}

impl RemoveSignInMethod {
    pub fn new(
        users: Arc<dyn UserRepository>,
        passkeys: Arc<dyn PasskeyRepository>,
        proof: RecentProof,
        providers: Arc<ProviderRegistry>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { users, passkeys, proof, providers, clock, notices: false, passkeys_usable: true }
    }

    /// Whether passkeys work on this site: where they are off (no origin can use them) a
    /// passkey is no way in, so it never keeps a removal from being the last.
    #[must_use]
    pub fn counting_passkeys(mut self, usable: bool) -> Self {
        self.passkeys_usable = usable;
        self
    }

    /// Tells the owner by mail, with the removal.
    #[must_use]
    pub fn sending_notices(mut self) -> Self {
        self.notices = true;
        self
    }

    #[tracing::instrument(name = "remove_sign_in_method", skip_all, fields(user = %command.user_id))]
    pub async fn execute(&self, command: &RemoveSignInMethodCommand) -> Result<(), RemoveSignInMethodError> {
        // Each retry follows a concurrent change of the account's ways in, decided again on
        // what it left.
        for _ in 0..ATTEMPTS {
            if self.attempt(command).await? {
                return Ok(());
            }
        }
        Err(StoreError::Unexpected("the account's ways in kept changing".into()).into())
    }

    /// False when the account changed since it was read.
    async fn attempt(&self, command: &RemoveSignInMethodCommand) -> Result<bool, RemoveSignInMethodError> {
        let user = self.users.find_by_id(command.user_id).await?.ok_or(RemoveSignInMethodError::SessionEnded)?;
        let passkey = match &command.method {
            RemovedMethod::Passkey(id) => self.passkeys.list(user.id).await?.into_iter().find(|p| p.id == *id),
            _ => None,
        };
        let has = match &command.method {
            RemovedMethod::Password => user.password_hash.is_some(),
            RemovedMethod::Provider(provider) => user.linked_providers.contains(provider),
            RemovedMethod::Passkey(_) => passkey.is_some(),
        };
        if !has {
            return Err(RemoveSignInMethodError::NotFound);
        }
        // Told before the proof is asked for: confirming who one is only to hear that the
        // removal cannot be done would be a wasted step.
        let usable =
            crate::user::User { passkeys: if self.passkeys_usable { user.passkeys } else { 0 }, ..user.clone() };
        if usable.ways_in_without(&command.method, |p| self.providers.contains(p)) == 0 {
            return Err(RemoveSignInMethodError::LastSignInMethod);
        }
        match self.proof.of(command.user_id, command.session_id).await? {
            Proof::Recent => {}
            Proof::Stale => return Err(RemoveSignInMethodError::ReauthenticationRequired),
            Proof::Ended => return Err(RemoveSignInMethodError::SessionEnded),
        }
        let notice = self.notices.then(|| {
            let notice = match (&command.method, &passkey) {
                (RemovedMethod::Password, _) => Notice::PasswordRemoved,
                (RemovedMethod::Provider(provider), _) => Notice::ProviderUnlinked(provider.clone()),
                (RemovedMethod::Passkey(_), Some(passkey)) => {
                    Notice::about_passkey(Notice::PasskeyRemoved, &passkey.name, &user)
                }
                (RemovedMethod::Passkey(_), None) => Notice::PasskeyRemoved(None),
            };
            notice.to(&user, &command.client)
        });
        let removal = SignInMethodRemoval {
            notice,
            user_id: user.id,
            password: user.password_hash.clone(),
            providers: user.linked_providers.clone(),
            passkeys: user.passkeys,
            remove: command.method.clone(),
            keep: command.session_id,
            now: self.clock.now(),
        };
        match self.users.remove_sign_in_method(&removal).await? {
            PasswordWrite::Done => Ok(true),
            PasswordWrite::Stale => Ok(false),
            PasswordWrite::SessionEnded => Err(RemoveSignInMethodError::SessionEnded),
        }
    }
}

opaque_debug!(RemoveSignInMethod);

#[cfg(test)]
#[path = "remove_sign_in_method_tests.rs"]
mod tests;
