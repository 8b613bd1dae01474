//! The OAuth providers' settings: configured when both halves of their credential are set.

use secrecy::SecretString;
use url::Url;
use yoshikosan_domain::ProviderId;
use yoshikosan_oauth::{DiscordSettings, GoogleSettings};

use super::vars::{Vars, http_url};

/// The providers this build has settings for, by id. A request for one of them that is not
/// configured answers `provider_not_configured`, which tells an operator what is missing.
pub const BUILT_IN_PROVIDERS: [&str; 2] = [GOOGLE, DISCORD];
const GOOGLE: &str = "google";
/// Google's own issuer: the only one whose `email_verified` is taken for every address.
pub(super) const GOOGLE_ISSUER: &str = "https://accounts.google.com";
const DISCORD: &str = "discord";

/// Both halves of a client credential, or neither.
fn credentials(provider: &str, vars: &Vars) -> Result<Option<(String, SecretString)>, String> {
    let id = vars.get(&format!("{provider}_CLIENT_ID"));
    let secret = vars.get(&format!("{provider}_CLIENT_SECRET"));
    match (id, secret) {
        (Some(id), Some(secret)) => Ok(Some((id.to_owned(), SecretString::from(secret)))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(format!("{provider}_CLIENT_SECRET is required when {provider}_CLIENT_ID is set")),
        (None, Some(_)) => Err(format!("{provider}_CLIENT_ID is required when {provider}_CLIENT_SECRET is set")),
    }
}

/// The id a built-in provider goes by, and where the provider sends the browser back to.
fn identity(id: &str, public_url: Option<&Url>) -> Result<Option<(ProviderId, String)>, String> {
    let id = ProviderId::parse(id).map_err(|e| format!("provider id {id:?}: {e}"))?;
    Ok(public_url.map(|url| {
        let callback = format!("{}/api/auth/callback/{id}", url.as_str().trim_end_matches('/'));
        (id, callback)
    }))
}

pub(super) fn google(vars: &Vars, public_url: Option<&Url>) -> Result<Option<GoogleSettings>, String> {
    let Some((client_id, client_secret)) = credentials("GOOGLE", vars)? else {
        return Ok(None);
    };
    let identity = identity(GOOGLE, public_url)?;
    let issuer_text = vars.get("GOOGLE_ISSUER_URL");
    let issuer = http_url("GOOGLE_ISSUER_URL", issuer_text, GOOGLE_ISSUER)?;
    Ok(identity.map(|(id, redirect_uri)| GoogleSettings {
        id,
        client_id,
        client_secret,
        // Issuers are compared as strings with the ID token's `iss`: keep it as written.
        issuer_url: issuer_text.map_or_else(|| issuer.as_str().trim_end_matches('/').to_owned(), str::to_owned),
        redirect_uri,
    }))
}

pub(super) fn discord(vars: &Vars, public_url: Option<&Url>) -> Result<Option<DiscordSettings>, String> {
    let Some((client_id, client_secret)) = credentials("DISCORD", vars)? else {
        return Ok(None);
    };
    let identity = identity(DISCORD, public_url)?;
    let url =
        |name, default| http_url(name, vars.get(name), default).map(|u| u.as_str().trim_end_matches('/').to_owned());
    let auth_url = url("DISCORD_AUTH_URL", "https://discord.com/oauth2/authorize")?;
    let token_url = url("DISCORD_TOKEN_URL", "https://discord.com/api/oauth2/token")?;
    let api_url = url("DISCORD_API_URL", "https://discord.com/api/v10")?;
    Ok(identity.map(|(id, redirect_uri)| DiscordSettings {
        id,
        client_id,
        client_secret,
        auth_url,
        token_url,
        api_url,
        redirect_uri,
    }))
}
