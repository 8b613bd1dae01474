use std::sync::Arc;

use uuid::Uuid;

use crate::clock::Clock;
use crate::mail::Notice;
use crate::oauth::ProviderIdentity;
use crate::ports::{
    AccountChange, AccountWrite, ExistingAccount, OAuthAccountRepository, OAuthSignInStore, OAuthSignInWrite,
    StoreError, UserRepository,
};
use crate::session::{ClientInfo, SessionId, SignInMethod};
use crate::session_issuer::SessionIssuer;
use crate::user::User;

use super::SignedIn;
use super::oauth_attempt::{
    ATTEMPTS, CompleteOAuthError, DecisionError, issuer_to_record, link_for, same_issuer, verifies,
};

/// What an OAuth sign-in did besides signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthOutcome {
    /// The provider account was already linked.
    SignedIn,
    /// The provider account was linked to the user whose verified email it has.
    Linked,
    /// A verified email took over an unverified account: its password, links and sessions were
    /// removed before the identity was linked.
    Claimed,
    /// A new user was created with the provider account linked.
    Created,
}

#[derive(Debug, Clone)]
pub struct OAuthSignedIn {
    pub signed_in: SignedIn,
    pub outcome: OAuthOutcome,
}

/// Signs in by a provider identity, by the contract's rules in order: an existing link; a
/// verified email that matches a verified account links to it; one that matches an unverified
/// account claims it; one that matches nobody creates an account; an unverified email that
/// matches an account is refused; an identity the account's owner unlinked is refused too.
#[derive(Clone)]
pub(crate) struct IdentitySignIn {
    pub(crate) users: Arc<dyn UserRepository>,
    pub(crate) accounts: Arc<dyn OAuthAccountRepository>,
    pub(crate) store: Arc<dyn OAuthSignInStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) issuer: SessionIssuer,
    /// Mail is on: the owner is told of a claim, or of a provider linked by its verified email.
    pub(crate) notices: bool,
}

/// Who signs in, and how.
struct Decision {
    user: User,
    outcome: OAuthOutcome,
    /// For [`OAuthOutcome::SignedIn`]: the link it signs in through.
    through_link: Option<Uuid>,
    /// The issuer to record on that link, which has none yet.
    link_issuer: Option<String>,
}

impl Decision {
    fn new(user: User, outcome: OAuthOutcome) -> Self {
        Self { user, outcome, through_link: None, link_issuer: None }
    }
}

impl IdentitySignIn {
    pub(crate) async fn execute(
        &self,
        identity: &ProviderIdentity,
        client: &ClientInfo,
        replaces: Option<SessionId>,
    ) -> Result<OAuthSignedIn, CompleteOAuthError> {
        for _ in 1..ATTEMPTS {
            match self.attempt(identity, client, replaces).await {
                Err(DecisionError::Conflict) => continue,
                other => return other.map_err(DecisionError::into_error),
            }
        }
        self.attempt(identity, client, replaces).await.map_err(DecisionError::into_error)
    }

    async fn attempt(
        &self,
        identity: &ProviderIdentity,
        client: &ClientInfo,
        replaces: Option<SessionId>,
    ) -> Result<OAuthSignedIn, DecisionError> {
        let now = self.clock.now();
        let Decision { mut user, outcome, through_link, link_issuer } = self.decide(identity).await?;
        let (session, access_token) = self
            .issuer
            .issue(user.id, client, SignInMethod::Provider(identity.provider.clone()))
            .map_err(CompleteOAuthError::from)?;
        let change = match outcome {
            OAuthOutcome::SignedIn => verifies(identity, &user),
            OAuthOutcome::Claimed => AccountChange::Claim,
            OAuthOutcome::Linked | OAuthOutcome::Created => AccountChange::None,
        };
        let account = match outcome {
            OAuthOutcome::Created => AccountWrite::Create(user.clone()),
            _ => AccountWrite::Existing(ExistingAccount {
                user_id: user.id,
                email_verified: user.email_verified,
                change,
                through_link,
                link_issuer,
                started_by: None,
                now,
            }),
        };
        let new_link = (outcome != OAuthOutcome::SignedIn).then(|| link_for(identity, user.id, now));
        let notice = match outcome {
            _ if !self.notices => None,
            // What the claim takes from the account, told to its address.
            OAuthOutcome::Claimed => Some(Notice::AccountClaimed {
                password: user.password_hash.is_some(),
                providers: user.linked_providers.clone(),
                passkeys: user.passkeys,
            }),
            OAuthOutcome::Linked => Some(Notice::ProviderLinked(identity.provider.clone())),
            OAuthOutcome::SignedIn | OAuthOutcome::Created => None,
        };
        let notice = notice.map(|notice| notice.to(&user, client));
        let write = OAuthSignInWrite { account, new_link, session: Some(session.clone()), replaces, notice };
        self.store.commit(&write).await?;
        user.apply(change, now);
        if write.new_link.is_some() {
            user.linked_providers.push(identity.provider.clone());
        }
        let signed_in = SignedIn { user, access_token, session_id: session.id, expires_at: session.expires_at };
        Ok(OAuthSignedIn { signed_in, outcome })
    }

    async fn decide(&self, identity: &ProviderIdentity) -> Result<Decision, DecisionError> {
        if let Some(link) =
            self.accounts.find_by_provider_user_id(&identity.provider, &identity.provider_user_id).await?
        {
            same_issuer(&link, identity)?;
            let user = self.users.find_by_id(link.user_id).await?;
            let user = user.ok_or_else(|| StoreError::Unexpected(format!("oauth account {} has no user", link.id)))?;
            let link_issuer = issuer_to_record(&link, identity);
            return Ok(Decision { user, outcome: OAuthOutcome::SignedIn, through_link: Some(link.id), link_issuer });
        }
        let Some(email) = identity.email.clone() else { return Err(CompleteOAuthError::EmailMissing.into()) };
        let owner = self.users.find_by_email(&email).await?;
        if let Some(owner) = owner.as_ref().filter(|_| identity.email_verified)
            && self.accounts.was_unlinked_by(owner.id, &identity.provider, &identity.provider_user_id).await?
        {
            // The owner removed this identity on purpose: only their own link flow adds it back.
            return Err(CompleteOAuthError::IdentityUnlinked.into());
        }
        match owner {
            Some(owner) if identity.email_verified && owner.email_verified => {
                Ok(Decision::new(owner, OAuthOutcome::Linked))
            }
            Some(owner) if identity.email_verified => Ok(Decision::new(owner, OAuthOutcome::Claimed)),
            Some(_) => Err(CompleteOAuthError::EmailNotVerified.into()),
            None => Ok(Decision::new(User::from_provider(identity, email, self.clock.now()), OAuthOutcome::Created)),
        }
    }
}
