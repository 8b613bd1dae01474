use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::mail::Notice;
use crate::oauth::ProviderIdentity;
use crate::ports::{
    AccountChange, AccountWrite, ExistingAccount, OAuthAccountRepository, OAuthSignInStore, OAuthSignInWrite,
    SessionRepository, UserRepository,
};
use crate::session::{ClientInfo, SessionId};
use crate::user::UserId;

use super::oauth_attempt::{
    ATTEMPTS, CompleteOAuthError, DecisionError, issuer_to_record, link_for, same_issuer, verifies,
};

/// How far a provider's `auth_time` may lag the start of a re-authentication flow: the
/// provider's clock and ours may differ, and `auth_time` is in whole seconds. A login this much
/// before the start is still a fresh one.
pub const AUTH_TIME_LEEWAY: chrono::Duration = chrono::Duration::seconds(30);

/// A provider identity linked to a signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkedIdentity {
    pub user_id: UserId,
    pub session_id: SessionId,
    /// False when the identity was already linked to this user.
    pub newly_linked: bool,
}

/// Links an identity to the user whose session started the link flow, only while that session
/// is valid, and never an identity linked to someone else.
#[derive(Clone)]
pub(crate) struct IdentityLink {
    pub(crate) users: Arc<dyn UserRepository>,
    pub(crate) accounts: Arc<dyn OAuthAccountRepository>,
    pub(crate) sessions: Arc<dyn SessionRepository>,
    pub(crate) store: Arc<dyn OAuthSignInStore>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Mail is on: the owner is told of a new link.
    pub(crate) notices: bool,
}

impl IdentityLink {
    pub(crate) async fn execute(
        &self,
        identity: &ProviderIdentity,
        user_id: UserId,
        session_id: SessionId,
        client: &ClientInfo,
    ) -> Result<LinkedIdentity, CompleteOAuthError> {
        for _ in 1..ATTEMPTS {
            match self.attempt(identity, user_id, session_id, client).await {
                Err(DecisionError::Conflict) => continue,
                other => return other.map_err(DecisionError::into_error),
            }
        }
        self.attempt(identity, user_id, session_id, client).await.map_err(DecisionError::into_error)
    }

    /// Refreshes the proof of the session that started a re-authentication flow, when the
    /// identity is linked to its user and, where the provider can force one (`fresh_login`), the
    /// person logged in at the provider after the flow started.
    pub(crate) async fn reauthenticate(
        &self,
        identity: &ProviderIdentity,
        fresh_login_after: Option<DateTime<Utc>>,
        user_id: UserId,
        session_id: SessionId,
    ) -> Result<(), CompleteOAuthError> {
        let link = self.accounts.find_by_provider_user_id(&identity.provider, &identity.provider_user_id).await?;
        let Some(link) = link.filter(|link| link.user_id == user_id) else {
            return Err(CompleteOAuthError::ReauthenticationFailed);
        };
        same_issuer(&link, identity)?;
        if let Some(started) = fresh_login_after
            && identity.authenticated_at.is_none_or(|at| at < started - AUTH_TIME_LEEWAY)
        {
            return Err(CompleteOAuthError::ReauthenticationFailed);
        }
        if !self.sessions.record_proof(user_id, session_id, self.clock.now()).await? {
            return Err(CompleteOAuthError::SessionExpired);
        }
        Ok(())
    }

    async fn attempt(
        &self,
        identity: &ProviderIdentity,
        user_id: UserId,
        session_id: SessionId,
        client: &ClientInfo,
    ) -> Result<LinkedIdentity, DecisionError> {
        let now = self.clock.now();
        match self.sessions.find_with_user(session_id).await? {
            Some((session, _)) if session.user_id == user_id && session.expires_at > now => {}
            _ => return Err(CompleteOAuthError::SessionExpired.into()),
        }
        // Read afresh, not from the session lookup (which may answer from a cache): the commit
        // checks `email_verified` as read here.
        let Some(user) = self.users.find_by_id(user_id).await? else {
            return Err(CompleteOAuthError::SessionExpired.into());
        };
        let existing = self.accounts.find_by_provider_user_id(&identity.provider, &identity.provider_user_id).await?;
        let change = verifies(identity, &user);
        if let Some(link) = &existing {
            same_issuer(link, identity)?;
        }
        let (through_link, link_issuer, new_link) = match existing {
            Some(link) if link.user_id != user_id => return Err(CompleteOAuthError::AlreadyLinked.into()),
            Some(_) if change == AccountChange::None => {
                return Ok(LinkedIdentity { user_id, session_id, newly_linked: false });
            }
            Some(link) => (Some(link.id), issuer_to_record(&link, identity), None),
            None => (None, None, Some(link_for(identity, user_id, now))),
        };
        let newly_linked = new_link.is_some();
        let account = ExistingAccount {
            user_id,
            email_verified: user.email_verified,
            change,
            through_link,
            link_issuer,
            started_by: Some(session_id),
            now,
        };
        let notice =
            (self.notices && newly_linked).then(|| Notice::ProviderLinked(identity.provider.clone()).to(&user, client));
        let write = OAuthSignInWrite {
            account: AccountWrite::Existing(account),
            new_link,
            session: None,
            replaces: None,
            notice,
        };
        self.store.commit(&write).await?;
        Ok(LinkedIdentity { user_id, session_id, newly_linked })
    }
}
