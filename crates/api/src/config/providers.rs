//! The OAuth providers' settings: configured when both halves of their credential are set.

use secrecy::SecretString;
use yoshikosan_oauth::{DiscordSettings, GoogleSettings};

use super::parse::{Raw, http_url};

/// Both halves of a client credential, or neither.
fn credentials(
    provider: &str,
    id: Option<String>,
    secret: Option<String>,
) -> Result<Option<(String, SecretString)>, String> {
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Some((id, SecretString::from(secret)))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(format!("{provider}_CLIENT_SECRET is required when {provider}_CLIENT_ID is set")),
        (None, Some(_)) => Err(format!("{provider}_CLIENT_ID is required when {provider}_CLIENT_SECRET is set")),
    }
}

pub(super) fn google(raw: &mut Raw, redirect_uri: Option<String>) -> Result<Option<GoogleSettings>, String> {
    let Some((client_id, client_secret)) =
        credentials("GOOGLE", raw.google_client_id.take(), raw.google_client_secret.take())?
    else {
        return Ok(None);
    };
    let issuer = http_url("GOOGLE_ISSUER_URL", raw.google_issuer_url.as_deref(), "https://accounts.google.com")?;
    Ok(redirect_uri.map(|redirect_uri| GoogleSettings {
        client_id,
        client_secret,
        // Issuers are compared as strings with the ID token's `iss`: keep it as written.
        issuer_url: raw.google_issuer_url.clone().unwrap_or_else(|| issuer.as_str().trim_end_matches('/').to_owned()),
        redirect_uri,
    }))
}

pub(super) fn discord(raw: &mut Raw, redirect_uri: Option<String>) -> Result<Option<DiscordSettings>, String> {
    let Some((client_id, client_secret)) =
        credentials("DISCORD", raw.discord_client_id.take(), raw.discord_client_secret.take())?
    else {
        return Ok(None);
    };
    let url = |name, value: Option<&str>, default| {
        http_url(name, value, default).map(|u| u.as_str().trim_end_matches('/').to_owned())
    };
    let auth_url = url("DISCORD_AUTH_URL", raw.discord_auth_url.as_deref(), "https://discord.com/oauth2/authorize")?;
    let token_url = url("DISCORD_TOKEN_URL", raw.discord_token_url.as_deref(), "https://discord.com/api/oauth2/token")?;
    let api_url = url("DISCORD_API_URL", raw.discord_api_url.as_deref(), "https://discord.com/api/v10")?;
    Ok(redirect_uri.map(|redirect_uri| DiscordSettings {
        client_id,
        client_secret,
        auth_url,
        token_url,
        api_url,
        redirect_uri,
    }))
}
