use std::sync::Arc;

use chrono::Duration;

use crate::clock::Clock;
use crate::oauth::Prompt;
use crate::oauth_flow::{FlowPurpose, PendingFlow};
use crate::ports::{Infrastructure, ProviderError};
use crate::proof::{Proof, RecentProof};
use crate::provider_id::ProviderId;
use crate::provider_registry::ProviderRegistry;

/// How long the browser has to come back from the provider.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);

#[derive(Debug, thiserror::Error)]
pub enum StartOAuthError {
    #[error("{0} is not configured")]
    NotConfigured(ProviderId),
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// A link flow from a session whose proof is older than the window.
    #[error("a recent proof of identity is required")]
    ReauthenticationRequired,
    /// The session that asked was revoked or has expired meanwhile.
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Where to send the browser, and the flow it must bring back to the callback.
#[derive(Debug, Clone)]
pub struct StartedOAuth {
    pub authorization_url: String,
    pub flow: PendingFlow,
}

/// Starts a sign-in, link or re-authentication flow with a configured provider (PKCE, state,
/// and a nonce for OpenID Connect), valid for [`FLOW_LIFETIME`]. A link changes how the account
/// signs in, so it starts only from a session with a recent proof.
#[derive(Clone)]
pub struct StartOAuth {
    providers: Arc<ProviderRegistry>,
    proof: RecentProof,
    clock: Arc<dyn Clock>,
}

impl StartOAuth {
    pub fn new(providers: Arc<ProviderRegistry>, proof: RecentProof, clock: Arc<dyn Clock>) -> Self {
        Self { providers, proof, clock }
    }

    /// `redirect_to` has been checked to be a local path.
    #[tracing::instrument(name = "start_oauth", skip_all, fields(provider = %provider))]
    pub async fn execute(
        &self,
        provider: ProviderId,
        purpose: FlowPurpose,
        redirect_to: String,
    ) -> Result<StartedOAuth, StartOAuthError> {
        let registered =
            self.providers.get(&provider).ok_or_else(|| StartOAuthError::NotConfigured(provider.clone()))?;
        if let FlowPurpose::Link { user_id, session_id } = purpose {
            match self.proof.of(user_id, session_id).await? {
                Proof::Recent => {}
                Proof::Stale => return Err(StartOAuthError::ReauthenticationRequired),
                Proof::Ended => return Err(StartOAuthError::SessionEnded),
            }
        }
        let prompt =
            if matches!(purpose, FlowPurpose::Reauthenticate { .. }) { Prompt::Reauthenticate } else { Prompt::SignIn };
        let request = registered.adapter.authorization_request(prompt).await?;
        let flow = PendingFlow {
            provider,
            state: request.state,
            pkce_verifier: request.pkce_verifier,
            nonce: request.nonce,
            redirect_to,
            purpose,
            expires_at: self.clock.now() + FLOW_LIFETIME,
        };
        Ok(StartedOAuth { authorization_url: request.url, flow })
    }
}

impl std::fmt::Debug for StartOAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartOAuth").field("providers", &self.providers.ids()).finish_non_exhaustive()
    }
}
