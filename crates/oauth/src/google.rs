use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::RwLock;
use yoshikosan_domain::ports::{IdentityProvider, ProviderError};
use yoshikosan_domain::{AuthorizationRequest, Email, Prompt, ProviderId, ProviderIdentity, RegisteredProvider};

use crate::{failed, origin_of, token_error};

/// Provider metadata, and with it the signing keys, are fetched again after this long, so key
/// rotations are picked up without a restart.
const METADATA_TTL: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct GoogleSettings {
    /// `google`: in paths, stored links and metrics.
    pub id: ProviderId,
    pub client_id: String,
    pub client_secret: SecretString,
    /// `https://accounts.google.com` in production.
    pub issuer_url: String,
    /// `PUBLIC_URL/api/auth/callback/google`, as registered with Google.
    pub redirect_uri: String,
}

/// Sign in with Google (or any OpenID Connect provider at `issuer_url`).
#[derive(Debug)]
pub struct GoogleProvider {
    settings: GoogleSettings,
    http: reqwest::Client,
    metadata: RwLock<Option<(Instant, CoreProviderMetadata)>>,
}

impl GoogleProvider {
    pub fn new(settings: GoogleSettings, http: reqwest::Client) -> Self {
        Self { settings, http, metadata: RwLock::new(None) }
    }

    /// The registry's entry: Google's authorization endpoint is on the issuer's origin.
    pub fn registered(settings: GoogleSettings, http: reqwest::Client) -> RegisteredProvider {
        RegisteredProvider {
            id: settings.id.clone(),
            display_name: "Google".to_owned(),
            authorization_origin: origin_of(&settings.issuer_url),
            // The `picture` claim's host: lh3.googleusercontent.com and its siblings.
            avatar_sources: vec!["https://*.googleusercontent.com".to_owned()],
            forces_fresh_login: true,
            adapter: Arc::new(Self::new(settings, http)),
        }
    }

    /// Discovery is done on first use, not at start-up, so the service starts while the
    /// provider is unreachable; a failed discovery is tried again on the next sign-in.
    async fn metadata(&self) -> Result<CoreProviderMetadata, ProviderError> {
        if let Some((fetched, metadata)) = self.metadata.read().await.as_ref()
            && fetched.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer_url.clone()).map_err(|e| failed("issuer URL", e))?;
        let metadata =
            CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|e| failed("discovery", e))?;
        *self.metadata.write().await = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn client(
        &self,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        ProviderError,
    > {
        let redirect = RedirectUrl::new(self.settings.redirect_uri.clone()).map_err(|e| failed("redirect URI", e))?;
        Ok(CoreClient::from_provider_metadata(
            self.metadata().await?,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.expose_secret().to_owned())),
        )
        .set_redirect_uri(redirect))
    }
}

#[async_trait]
impl IdentityProvider for GoogleProvider {
    async fn authorization_request(&self, prompt: Prompt) -> Result<AuthorizationRequest, ProviderError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        // `openid` is added by the library for the authorization-code flow.
        let request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge);
        let request = match prompt {
            // Someone signed in to Google with several accounts picks one, rather than being
            // signed in here, unasked, as whichever Google chose.
            Prompt::SignIn => request.add_prompt(CoreAuthPrompt::SelectAccount),
            // The person types their Google password again; `auth_time` says when they did.
            Prompt::Reauthenticate => request.add_prompt(CoreAuthPrompt::Login).set_max_age(Duration::ZERO),
        };
        let (url, state, nonce) = request.url();
        Ok(AuthorizationRequest {
            url: url.to_string(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce: Some(nonce.secret().clone()),
        })
    }

    async fn exchange(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: Option<String>,
    ) -> Result<ProviderIdentity, ProviderError> {
        let nonce = Nonce::new(nonce.ok_or_else(|| ProviderError::Failed("no nonce for an OpenID flow".into()))?);
        let client = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| failed("token endpoint", e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let id_token = tokens.id_token().ok_or_else(|| ProviderError::Failed("no ID token in the answer".into()))?;
        let verifier = client.id_token_verifier();
        // Signature (keys from discovery), issuer, audience, expiry and nonce.
        let claims = id_token.claims(&verifier, &nonce).map_err(|e| failed("ID token", e))?;
        if let Some(expected) = claims.access_token_hash() {
            let algorithm = id_token.signing_alg().map_err(|e| failed("ID token algorithm", e))?;
            let key = id_token.signing_key(&verifier).map_err(|e| failed("ID token key", e))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), algorithm, key)
                .map_err(|e| failed("access token hash", e))?;
            if actual != *expected {
                return Err(ProviderError::Failed("the access token does not match the ID token".into()));
            }
        }
        Ok(ProviderIdentity {
            provider: self.settings.id.clone(),
            provider_user_id: claims.subject().to_string(),
            email: claims.email().and_then(|e| Email::parse(e).ok()),
            email_verified: claims.email_verified().unwrap_or(false),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
            avatar_url: claims.picture().and_then(|p| p.get(None)).map(|p| p.to_string()),
            authenticated_at: claims.auth_time(),
        })
    }
}
