//! The OpenID Connect adapter Google and every configured issuer share: discovery (cached for
//! an hour, retried at the next sign-in when it failed), PKCE, `nonce`, and every check of the
//! ID token.

use std::time::{Duration, Instant};

use async_trait::async_trait;
use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{Mutex, RwLock};
use yoshikosan_domain::ports::{IdentityProvider, ProviderError};
use yoshikosan_domain::{AuthorizationRequest, Email, Prompt, ProviderId, ProviderIdentity};

use crate::{failed, token_error};

/// Provider metadata, and with it the signing keys, are fetched again after this long, so key
/// rotations are picked up without a restart.
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// One OpenID Connect client registration.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// In paths, stored links and metrics.
    pub id: ProviderId,
    pub client_id: String,
    pub client_secret: SecretString,
    /// As configured: compared as a string with discovery's `issuer` and the ID token's `iss`.
    pub issuer_url: String,
    /// `PUBLIC_URL/api/auth/callback/{id}`, as registered with the issuer.
    pub redirect_uri: String,
    /// Asked for besides `openid`, which is always asked for.
    pub scopes: Vec<String>,
    /// A sign-in asks the issuer to let the person pick an account (`prompt=select_account`).
    pub select_account: bool,
}

/// Signs in with an OpenID Connect issuer.
#[derive(Debug)]
pub struct OidcProvider {
    settings: OidcSettings,
    http: reqwest::Client,
    metadata: RwLock<Option<(Instant, CoreProviderMetadata)>>,
    /// Held while discovery runs, so that one request reads the issuer and the others wait for
    /// it; holds when the last attempt failed.
    discovering: Mutex<Option<Instant>>,
}

impl OidcProvider {
    pub fn new(settings: OidcSettings, http: reqwest::Client) -> Self {
        Self { settings, http, metadata: RwLock::new(None), discovering: Mutex::new(None) }
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// Reads the issuer's discovery document now (it is kept for the next sign-in) and says
    /// where its authorization endpoint is.
    pub async fn discover(&self) -> Result<String, ProviderError> {
        Ok(self.metadata().await?.authorization_endpoint().as_str().to_owned())
    }

    /// Discovery is done on first use (or by [`OidcProvider::discover`]), never in the way of
    /// the start: the service starts while the issuer is unreachable, and a failed discovery is
    /// tried again at the next sign-in.
    async fn metadata(&self) -> Result<CoreProviderMetadata, ProviderError> {
        if let Some(metadata) = self.cached().await {
            return Ok(metadata);
        }
        let asked = Instant::now();
        let mut last_failure = self.discovering.lock().await;
        // What the attempt this request waited for found: its metadata, or its failure (an
        // issuer that is down is not asked again by every request that queued behind it).
        if let Some(metadata) = self.cached().await {
            return Ok(metadata);
        }
        if last_failure.is_some_and(|failed_at| failed_at > asked) {
            return self.stale().await.ok_or_else(|| failed("discovery", "the issuer did not answer just now"));
        }
        let issuer = IssuerUrl::new(self.settings.issuer_url.clone()).map_err(|e| failed("issuer URL", e))?;
        match CoreProviderMetadata::discover_async(issuer, &self.http).await {
            Ok(metadata) => {
                *self.metadata.write().await = Some((Instant::now(), metadata.clone()));
                *last_failure = None;
                Ok(metadata)
            }
            Err(error) => {
                *last_failure = Some(Instant::now());
                // An hour-old document still names the endpoints and the keys: better than none
                // while the issuer's discovery is down (a rotated key fails its check anyway).
                let stale = self.stale().await;
                if stale.is_some() {
                    tracing::warn!(provider = %self.settings.id, %error, "discovery failed: using the last document");
                }
                stale.ok_or_else(|| failed("discovery", error))
            }
        }
    }

    /// The last document read, however old.
    async fn stale(&self) -> Option<CoreProviderMetadata> {
        self.metadata.read().await.as_ref().map(|(_, metadata)| metadata.clone())
    }

    async fn cached(&self) -> Option<CoreProviderMetadata> {
        let cached = self.metadata.read().await;
        cached.as_ref().filter(|(fetched, _)| fetched.elapsed() < METADATA_TTL).map(|(_, metadata)| metadata.clone())
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
impl IdentityProvider for OidcProvider {
    async fn authorization_request(&self, prompt: Prompt) -> Result<AuthorizationRequest, ProviderError> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        // `openid` is added by the library for the authorization-code flow.
        let scopes = self.settings.scopes.iter().filter(|scope| *scope != "openid");
        let request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scopes(scopes.map(|scope| Scope::new(scope.clone())))
            .set_pkce_challenge(challenge);
        let request = match prompt {
            // Someone signed in to Google with several accounts picks one, rather than being
            // signed in here, unasked, as whichever Google chose.
            Prompt::SignIn if self.settings.select_account => request.add_prompt(CoreAuthPrompt::SelectAccount),
            Prompt::SignIn => request,
            // The person types their password again; `auth_time` says when they did.
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
            issuer: Some(claims.issuer().to_string()),
            provider_user_id: claims.subject().to_string(),
            email: claims.email().and_then(|e| Email::parse(e).ok()),
            email_verified: claims.email_verified().unwrap_or(false),
            email_verified_claim: claims.email_verified(),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
            avatar_url: claims.picture().and_then(|p| p.get(None)).map(|p| p.to_string()),
            authenticated_at: claims.auth_time(),
        })
    }
}
