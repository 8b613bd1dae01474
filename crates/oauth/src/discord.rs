use std::sync::Arc;

use async_trait::async_trait;
use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use yoshikosan_domain::ports::{IdentityProvider, ProviderError};
use yoshikosan_domain::{
    AuthorizationRequest, Email, EmailTrust, Prompt, ProviderId, ProviderIdentity, RegisteredProvider,
};

use crate::{failed, origin_of, token_error};

const CDN: &str = "https://cdn.discordapp.com";

#[derive(Debug, Clone)]
pub struct DiscordSettings {
    /// `discord`: in paths, stored links and metrics.
    pub id: ProviderId,
    pub client_id: String,
    pub client_secret: SecretString,
    /// `https://discord.com/oauth2/authorize` in production.
    pub auth_url: String,
    /// `https://discord.com/api/oauth2/token` in production.
    pub token_url: String,
    /// `https://discord.com/api/v10` in production; the profile is `{api_url}/users/@me`.
    pub api_url: String,
    /// `PUBLIC_URL/api/auth/callback/discord`, as registered with Discord.
    pub redirect_uri: String,
}

/// Sign in with Discord: OAuth2 with PKCE, then the user's profile.
#[derive(Debug)]
pub struct DiscordProvider {
    settings: DiscordSettings,
    http: reqwest::Client,
}

/// The fields of `GET /users/@me` that sign-in uses.
#[derive(Debug, Deserialize)]
struct DiscordUser {
    id: String,
    username: String,
    global_name: Option<String>,
    avatar: Option<String>,
    email: Option<String>,
    verified: Option<bool>,
}

impl DiscordProvider {
    pub fn new(settings: DiscordSettings, http: reqwest::Client) -> Self {
        Self { settings, http }
    }

    /// The registry's entry.
    pub fn registered(settings: DiscordSettings, http: reqwest::Client) -> RegisteredProvider {
        RegisteredProvider {
            id: settings.id.clone(),
            display_name: "Discord".to_owned(),
            authorization_origin: origin_of(&settings.auth_url),
            avatar_sources: vec![CDN.to_owned()],
            forces_fresh_login: false,
            email_trust: EmailTrust::ProviderFlag,
            adapter: Arc::new(Self::new(settings, http)),
        }
    }

    fn client(
        &self,
    ) -> Result<
        BasicClient<
            oauth2::EndpointSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointNotSet,
            oauth2::EndpointSet,
        >,
        ProviderError,
    > {
        let settings = &self.settings;
        Ok(BasicClient::new(ClientId::new(settings.client_id.clone()))
            .set_client_secret(ClientSecret::new(settings.client_secret.expose_secret().to_owned()))
            .set_auth_uri(AuthUrl::new(settings.auth_url.clone()).map_err(|e| failed("DISCORD_AUTH_URL", e))?)
            .set_token_uri(TokenUrl::new(settings.token_url.clone()).map_err(|e| failed("DISCORD_TOKEN_URL", e))?)
            .set_redirect_uri(RedirectUrl::new(settings.redirect_uri.clone()).map_err(|e| failed("redirect URI", e))?)
            // Credentials in the form body, as Discord documents it.
            .set_auth_type(AuthType::RequestBody))
    }
}

#[async_trait]
impl IdentityProvider for DiscordProvider {
    async fn authorization_request(&self, prompt: Prompt) -> Result<AuthorizationRequest, ProviderError> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self.client()?;
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("identify".to_owned()))
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge);
        if prompt == Prompt::Reauthenticate {
            // Discord cannot be made to ask for the password again; it shows its approval page
            // even to someone who approved before, so the person acts on Discord once more.
            request = request.add_extra_param("prompt", "consent");
        }
        let (url, state) = request.url();
        Ok(AuthorizationRequest {
            url: url.to_string(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            nonce: None,
        })
    }

    async fn exchange(
        &self,
        code: &str,
        pkce_verifier: &str,
        _nonce: Option<String>,
    ) -> Result<ProviderIdentity, ProviderError> {
        let tokens = self
            .client()?
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let profile_url = format!("{}/users/@me", self.settings.api_url.trim_end_matches('/'));
        let response = self
            .http
            .get(profile_url)
            .bearer_auth(tokens.access_token().secret())
            .send()
            .await
            .map_err(|e| failed("profile request", e))?;
        if !response.status().is_success() {
            return Err(ProviderError::Failed(format!("profile request answered {}", response.status())));
        }
        let user: DiscordUser = response.json().await.map_err(|e| failed("profile", e))?;
        Ok(identity(&self.settings.id, user))
    }
}

fn identity(id: &ProviderId, user: DiscordUser) -> ProviderIdentity {
    let avatar_url = Some(avatar_url(&user.id, user.avatar.as_deref()));
    let name = user.global_name.filter(|n| !n.trim().is_empty()).unwrap_or(user.username);
    ProviderIdentity {
        provider: id.clone(),
        // OAuth2: no issuer vouches for the id, Discord's API does.
        issuer: None,
        email: user.email.as_deref().and_then(|e| Email::parse(e).ok()),
        email_verified: user.verified.unwrap_or(false),
        email_verified_claim: user.verified,
        provider_user_id: user.id,
        name: Some(name),
        avatar_url,
        authenticated_at: None,
    }
}

/// The user's avatar (`.gif` when animated), else Discord's default avatar for the account.
/// Both parts go into a URL that is stored and shown to browsers, so they are used only when
/// they have Discord's form: a numeric id (a snowflake) and a hex hash, `a_` first if animated.
fn avatar_url(id: &str, hash: Option<&str>) -> String {
    let snowflake = id.parse::<u64>().ok().filter(|_| id.bytes().all(|b| b.is_ascii_digit()));
    match (snowflake, hash.filter(|h| is_avatar_hash(h))) {
        (Some(_), Some(hash)) => {
            let extension = if hash.starts_with("a_") { "gif" } else { "png" };
            format!("{CDN}/avatars/{id}/{hash}.{extension}")
        }
        _ => {
            let index = snowflake.map_or(0, |snowflake| (snowflake >> 22) % 6);
            format!("{CDN}/embed/avatars/{index}.png")
        }
    }
}

fn is_avatar_hash(hash: &str) -> bool {
    let hex = hash.strip_prefix("a_").unwrap_or(hash);
    !hex.is_empty() && hex.len() <= 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(global_name: Option<&str>, avatar: Option<&str>, verified: Option<bool>) -> DiscordUser {
        DiscordUser {
            id: "80351110224678912".into(),
            username: "nelly".into(),
            global_name: global_name.map(str::to_owned),
            avatar: avatar.map(str::to_owned),
            email: Some("Nelly@Discord.com".into()),
            verified,
        }
    }

    #[test]
    fn avatars_follow_discords_cdn_rules() {
        assert_eq!(
            avatar_url("80351110224678912", Some("8342729096ea3675442027381ff50dfe")),
            "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"
        );
        assert_eq!(
            avatar_url("80351110224678912", Some("a_d5efa99b3eeaa7dd43acca82f5692432")),
            "https://cdn.discordapp.com/avatars/80351110224678912/a_d5efa99b3eeaa7dd43acca82f5692432.gif"
        );
        // (80351110224678912 >> 22) % 6 == 5
        assert_eq!(avatar_url("80351110224678912", None), "https://cdn.discordapp.com/embed/avatars/5.png");
    }

    #[test]
    fn avatar_parts_not_in_discords_form_give_the_default_avatar() {
        let default = "https://cdn.discordapp.com/embed/avatars/5.png";
        for hash in ["../../x?y", "abc/def", "a_", "", "8342729096ea3675442027381ff50dfz", "a_../x", "%2e%2e"] {
            assert_eq!(avatar_url("80351110224678912", Some(hash)), default, "{hash:?}");
        }
        let hash = Some("8342729096ea3675442027381ff50dfe");
        for id in ["../../x?y", "+80351110224678912", "", "1/2", "８０"] {
            assert_eq!(avatar_url(id, hash), "https://cdn.discordapp.com/embed/avatars/0.png", "{id:?}");
        }
    }

    fn discord() -> ProviderId {
        ProviderId::parse("discord").unwrap()
    }

    #[test]
    fn the_name_is_the_global_name_else_the_username() {
        assert_eq!(identity(&discord(), user(Some("Nelly"), None, Some(true))).name.as_deref(), Some("Nelly"));
        assert_eq!(identity(&discord(), user(None, None, Some(true))).name.as_deref(), Some("nelly"));
        assert_eq!(identity(&discord(), user(Some("  "), None, Some(true))).name.as_deref(), Some("nelly"));
    }

    #[test]
    fn the_email_is_trusted_only_when_verified() {
        let verified = identity(&discord(), user(None, None, Some(true)));
        assert_eq!(verified.email.as_ref().map(Email::as_str), Some("nelly@discord.com"));
        assert!(verified.email_verified);
        assert!(!identity(&discord(), user(None, None, Some(false))).email_verified);
        assert!(!identity(&discord(), user(None, None, None)).email_verified);
        assert_eq!(verified.provider_user_id, "80351110224678912");
    }
}
