//! Identity-provider adapters for the domain's [`IdentityProvider`] port: Google and any
//! configured issuer over OpenID Connect (discovery, PKCE, nonce, signed ID tokens) and Discord
//! over OAuth2 (PKCE, then the `/users/@me` profile).
//!
//! [`IdentityProvider`]: yoshikosan_domain::ports::IdentityProvider

mod configured;
mod discord;
mod google;
mod oidc;

use std::time::Duration;

pub use configured::ConfiguredOidcSettings;
pub use discord::{DiscordProvider, DiscordSettings};
pub use google::{GoogleProvider, GoogleSettings};
pub use oidc::{OidcProvider, OidcSettings};
use yoshikosan_domain::ports::ProviderError;

/// The HTTP client for provider calls: no redirects (a redirected token request is an SSRF
/// vector) and a bound on how long a slow provider can hold a sign-in.
pub fn http_client() -> Result<reqwest::Client, ProviderError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| ProviderError::Failed(format!("HTTP client: {e}")))
}

/// `https://host[:port]` of a configured URL: what a page's CSP `form-action` must allow for
/// the browser to follow a redirect there. Settings are validated at start-up, so an unparsable
/// URL cannot reach here; it would give an origin that allows nothing.
pub fn origin_of(url: &str) -> String {
    url::Url::parse(url).map(|url| url.origin().ascii_serialization()).unwrap_or_else(|_| "null".to_owned())
}

fn failed(what: &str, error: impl std::fmt::Display) -> ProviderError {
    ProviderError::Failed(format!("{what}: {error}"))
}

/// A failed code exchange: the provider's own refusal, or a transport or parsing failure.
fn token_error<RE, T>(error: oauth2::RequestTokenError<RE, T>) -> ProviderError
where
    RE: std::error::Error + 'static,
    T: oauth2::ErrorResponse + std::fmt::Display + 'static,
{
    match error {
        oauth2::RequestTokenError::ServerResponse(response) => failed("token endpoint refused the code", response),
        other => failed("token request", other),
    }
}
