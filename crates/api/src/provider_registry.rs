//! The one place that turns the providers' settings into the registry the use cases read.

use std::sync::Arc;

use yoshikosan_domain::ProviderRegistry;
use yoshikosan_oauth::{DiscordProvider, GoogleProvider, OidcProvider};

use crate::config::Settings;

/// What can keep the providers from being set up.
#[derive(Debug, thiserror::Error)]
pub enum ProviderSetupError {
    #[error("could not set up the HTTP client for the OAuth providers: {0}")]
    HttpClient(String),
    #[error("{0}")]
    Duplicate(#[from] yoshikosan_domain::DuplicateProvider),
}

/// The providers whose credentials are configured, in button order (Google, Discord, then
/// OIDC_PROVIDERS), sharing one HTTP client; and the OpenID Connect adapters among them, whose
/// issuers the operator's checks read.
pub fn provider_registry(
    settings: &Settings,
) -> Result<(ProviderRegistry, Vec<Arc<OidcProvider>>), ProviderSetupError> {
    let http = yoshikosan_oauth::http_client().map_err(|e| ProviderSetupError::HttpClient(e.to_string()))?;
    let google = settings.google.clone().map(|google| GoogleProvider::registered(google, http.clone()));
    let configured = settings.oidc.iter().map(|configured| configured.clone().registered(http.clone()));
    let (oidc, adapters): (Vec<_>, Vec<_>) = google.into_iter().chain(configured).unzip();
    let discord = settings.discord.clone().map(|discord| DiscordProvider::registered(discord, http.clone()));
    let mut providers = oidc;
    // Discord's button comes after Google's, before the configured issuers'.
    let at = usize::from(settings.google.is_some());
    providers.splice(at..at, discord);
    Ok((ProviderRegistry::new(providers)?, adapters))
}
