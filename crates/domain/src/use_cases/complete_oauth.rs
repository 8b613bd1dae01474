use std::sync::Arc;

use crate::clock::Clock;
use crate::oauth_flow::{FlowPurpose, PendingFlow, ProviderCallback};
use crate::ports::{
    OAuthAccountRepository, OAuthSignInStore, OAuthStateStore, ProviderError, SessionRepository, TokenCodec,
    UserRepository,
};
use crate::provider_id::ProviderId;
use crate::provider_registry::ProviderRegistry;
use crate::session::{ClientInfo, SessionId, TokenHash};
use crate::session_issuer::SessionIssuer;

pub use super::link_identity::AUTH_TIME_LEEWAY;
use super::link_identity::{IdentityLink, LinkedIdentity};
use super::oauth_attempt::CompleteOAuthError;
use super::oauth_sign_in::{IdentitySignIn, OAuthSignedIn};
use super::start_oauth::FLOW_LIFETIME;

/// A provider's callback, with the flow the browser brought back (None when it brought none, or
/// one that could not be opened).
#[derive(Debug, Clone)]
pub struct CompleteOAuthCommand {
    pub provider: ProviderId,
    pub flow: Option<PendingFlow>,
    pub callback: ProviderCallback,
    pub client: ClientInfo,
    /// The browser's current access token, if any: a sign-in replaces its session, and a link
    /// completes only in the browser whose session started it.
    pub browser_token: Option<String>,
}

/// What a completed flow did, and where on the frontend the browser goes next.
#[derive(Debug, Clone)]
pub enum CompletedOAuth {
    SignedIn {
        signed_in: Box<OAuthSignedIn>,
        /// The browser's previous session, revoked in the same commit.
        replaced: Option<SessionId>,
        redirect_to: String,
    },
    Linked {
        linked: LinkedIdentity,
        redirect_to: String,
    },
    /// The session that started the flow proved again who holds it.
    Reauthenticated {
        user_id: crate::user::UserId,
        session_id: SessionId,
        redirect_to: String,
    },
}

/// The ports the use case works through.
pub struct CompleteOAuthPorts {
    pub providers: Arc<ProviderRegistry>,
    pub states: Arc<dyn OAuthStateStore>,
    pub users: Arc<dyn UserRepository>,
    pub accounts: Arc<dyn OAuthAccountRepository>,
    pub sessions: Arc<dyn SessionRepository>,
    pub store: Arc<dyn OAuthSignInStore>,
    pub tokens: Arc<dyn TokenCodec>,
    pub clock: Arc<dyn Clock>,
}

/// Finishes an OAuth flow at the provider's callback: checks the state (match, provider, expiry,
/// single use), exchanges the code, then signs in or links by the flow's purpose.
#[derive(Clone)]
pub struct CompleteOAuth {
    providers: Arc<ProviderRegistry>,
    states: Arc<dyn OAuthStateStore>,
    tokens: Arc<dyn TokenCodec>,
    clock: Arc<dyn Clock>,
    sign_in: IdentitySignIn,
    link: IdentityLink,
}

impl CompleteOAuth {
    pub fn new(ports: CompleteOAuthPorts, issuer: SessionIssuer) -> Self {
        let CompleteOAuthPorts { providers, states, users, accounts, sessions, store, tokens, clock } = ports;
        let sign_in = IdentitySignIn {
            users: users.clone(),
            accounts: accounts.clone(),
            store: store.clone(),
            clock: clock.clone(),
            issuer,
            notices: false,
        };
        let link = IdentityLink { users, accounts, sessions, store, clock: clock.clone(), notices: false };
        Self { providers, states, tokens, clock, sign_in, link }
    }

    /// Tells owners by mail of a provider linked and of a claim, written with the change.
    #[must_use]
    pub fn sending_notices(mut self) -> Self {
        self.sign_in.notices = true;
        self.link.notices = true;
        self
    }

    #[tracing::instrument(name = "complete_oauth", skip_all, fields(provider = %command.provider))]
    pub async fn execute(&self, command: CompleteOAuthCommand) -> Result<CompletedOAuth, CompleteOAuthError> {
        let CompleteOAuthCommand { provider, flow, callback, client, browser_token } = command;
        if let Some(error) = callback.error {
            return Err(if error == "access_denied" {
                CompleteOAuthError::AccessDenied
            } else {
                CompleteOAuthError::Provider(ProviderError::Failed(format!("the provider answered {error:.64}")))
            });
        }
        let flow = flow.ok_or(CompleteOAuthError::InvalidState)?;
        let given = callback.state.ok_or(CompleteOAuthError::InvalidState)?;
        // Compared as hashes: equal-length digests, so the comparison's time says nothing.
        let state_matches = TokenHash::of(&given) == TokenHash::of(&flow.state);
        if flow.provider != provider || !state_matches || flow.expires_at <= self.clock.now() {
            return Err(CompleteOAuthError::InvalidState);
        }
        // Single use, across instances: a replayed cookie with its state is refused here.
        if !self.states.consume(&flow.state, flow.expires_at).await? {
            return Err(CompleteOAuthError::InvalidState);
        }
        let code = callback.code.ok_or(CompleteOAuthError::Provider(ProviderError::Failed("no code".into())))?;
        let registered = self.providers.get(&provider).ok_or_else(|| {
            CompleteOAuthError::Provider(ProviderError::Failed(format!("{provider} is not configured")))
        })?;
        let forces_fresh_login = registered.forces_fresh_login;
        let identity =
            registered.adapter.exchange(&code, &flow.pkce_verifier, flow.nonce).await.map_err(|error| match error {
                ProviderError::AccessDenied => CompleteOAuthError::AccessDenied,
                other => CompleteOAuthError::Provider(other),
            })?;
        // Whether its address may link to or claim an account is this service's rule for the
        // provider, not the provider's alone.
        let identity = registered.email_trust.judge(identity);
        if identity.provider != provider {
            return Err(CompleteOAuthError::Provider(ProviderError::Failed("identity of another provider".into())));
        }
        let redirect_to = flow.redirect_to;
        // A well-signed token names the browser's session even after it expired or was revoked.
        let browser_session = browser_token.and_then(|t| self.tokens.decode(&t).ok()).map(|c| c.session_id);
        match flow.purpose {
            FlowPurpose::Link { user_id, session_id } => {
                // A flow cookie planted in another browser links nothing.
                if browser_session != Some(session_id) {
                    return Err(CompleteOAuthError::SessionExpired);
                }
                let linked = self.link.execute(&identity, user_id, session_id, &client).await?;
                Ok(CompletedOAuth::Linked { linked, redirect_to })
            }
            FlowPurpose::Reauthenticate { user_id, session_id } => {
                if browser_session != Some(session_id) {
                    return Err(CompleteOAuthError::SessionExpired);
                }
                let started_at = flow.expires_at - FLOW_LIFETIME;
                let fresh_login_after = forces_fresh_login.then_some(started_at);
                self.link.reauthenticate(&identity, fresh_login_after, user_id, session_id).await?;
                Ok(CompletedOAuth::Reauthenticated { user_id, session_id, redirect_to })
            }
            FlowPurpose::SignIn => {
                let signed_in = self.sign_in.execute(&identity, &client, browser_session).await?;
                Ok(CompletedOAuth::SignedIn { signed_in: Box::new(signed_in), replaced: browser_session, redirect_to })
            }
        }
    }
}

impl std::fmt::Debug for CompleteOAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompleteOAuth").field("providers", &self.providers.ids()).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for CompleteOAuthPorts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompleteOAuthPorts").finish_non_exhaustive()
    }
}

#[cfg(test)]
#[path = "complete_oauth_tests.rs"]
mod tests;
