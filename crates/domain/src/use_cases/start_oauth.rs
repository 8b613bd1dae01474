use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;

use crate::clock::Clock;
use crate::oauth::OAuthProvider;
use crate::oauth_flow::{FlowPurpose, PendingFlow};
use crate::ports::{IdentityProvider, ProviderError};

/// How long the browser has to come back from the provider.
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);

#[derive(Debug, thiserror::Error)]
pub enum StartOAuthError {
    #[error("{0} is not configured")]
    NotConfigured(OAuthProvider),
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

/// Where to send the browser, and the flow it must bring back to the callback.
#[derive(Debug, Clone)]
pub struct StartedOAuth {
    pub authorization_url: String,
    pub flow: PendingFlow,
}

/// Starts a sign-in or link flow with a configured provider (PKCE, state, and a nonce for
/// OpenID Connect), valid for [`FLOW_LIFETIME`].
#[derive(Clone)]
pub struct StartOAuth {
    providers: HashMap<OAuthProvider, Arc<dyn IdentityProvider>>,
    clock: Arc<dyn Clock>,
}

impl StartOAuth {
    pub fn new(providers: HashMap<OAuthProvider, Arc<dyn IdentityProvider>>, clock: Arc<dyn Clock>) -> Self {
        Self { providers, clock }
    }

    /// The configured providers in a stable order (Google, then Discord).
    pub fn configured(&self) -> Vec<OAuthProvider> {
        OAuthProvider::ALL.into_iter().filter(|p| self.providers.contains_key(p)).collect()
    }

    pub fn is_configured(&self, provider: OAuthProvider) -> bool {
        self.providers.contains_key(&provider)
    }

    /// `redirect_to` has been checked to be a local path.
    pub async fn execute(
        &self,
        provider: OAuthProvider,
        purpose: FlowPurpose,
        redirect_to: String,
    ) -> Result<StartedOAuth, StartOAuthError> {
        let adapter = self.providers.get(&provider).ok_or(StartOAuthError::NotConfigured(provider))?;
        let request = adapter.authorization_request().await?;
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
        f.debug_struct("StartOAuth").field("providers", &self.configured()).finish_non_exhaustive()
    }
}
