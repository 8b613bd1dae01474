//! Sign in with Google: the OpenID Connect adapter at Google's issuer, asking the person to pick
//! an account, its avatars from Google's image hosts.

use std::sync::Arc;

use secrecy::SecretString;
use yoshikosan_domain::{EmailTrust, ProviderId, RegisteredProvider};

use crate::oidc::{OidcProvider, OidcSettings};
use crate::origin_of;

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

/// Google's entry in the provider registry.
#[derive(Debug)]
pub struct GoogleProvider;

impl GoogleProvider {
    /// Google's authorization endpoint is on the issuer's origin; Google verifies every address
    /// it hands out and says so in `email_verified`.
    /// The adapter comes too, for the operator's checks of the issuer.
    pub fn registered(settings: GoogleSettings, http: reqwest::Client) -> (RegisteredProvider, Arc<OidcProvider>) {
        let GoogleSettings { id, client_id, client_secret, issuer_url, redirect_uri } = settings;
        let authorization_origin = origin_of(&issuer_url);
        let scopes = vec!["email".to_owned(), "profile".to_owned()];
        let oidc = OidcSettings {
            id: id.clone(),
            client_id,
            client_secret,
            issuer_url,
            redirect_uri,
            scopes,
            select_account: true,
        };
        let adapter = Arc::new(OidcProvider::new(oidc, http));
        let registered = RegisteredProvider {
            id,
            display_name: "Google".to_owned(),
            authorization_origin,
            // The `picture` claim's host: lh3.googleusercontent.com and its siblings.
            avatar_sources: vec!["https://*.googleusercontent.com".to_owned()],
            forces_fresh_login: true,
            email_trust: EmailTrust::ProviderFlag,
            adapter: adapter.clone(),
        };
        (registered, adapter)
    }
}
