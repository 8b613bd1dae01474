//! An OpenID Connect provider an operator configured (`OIDC_PROVIDERS`): its name on the button,
//! where its authorization endpoint is, and which of its addresses count as proven.

use std::sync::Arc;

use yoshikosan_domain::{EmailTrust, RegisteredProvider};

use crate::oidc::{OidcProvider, OidcSettings};
use crate::origin_of;

#[derive(Debug, Clone)]
pub struct ConfiguredOidcSettings {
    pub oidc: OidcSettings,
    /// The button's text.
    pub display_name: String,
    /// The authorization endpoint's origin when it is not the issuer's.
    pub authorize_origin: Option<String>,
    pub email_trust: EmailTrust,
}

impl ConfiguredOidcSettings {
    /// The origin a page's CSP `form-action` must allow for the browser to reach the issuer.
    pub fn authorization_origin(&self) -> String {
        self.authorize_origin.clone().unwrap_or_else(|| origin_of(&self.oidc.issuer_url))
    }

    /// The registry's entry, and the adapter itself (to discover the issuer at start-up).
    /// Avatars are not shown from an issuer's own hosts, which a page's CSP does not know: the
    /// `picture` claim is kept, and pages that allow its host show it.
    pub fn registered(self, http: reqwest::Client) -> (RegisteredProvider, Arc<OidcProvider>) {
        let authorization_origin = self.authorization_origin();
        let adapter = Arc::new(OidcProvider::new(self.oidc, http));
        let registered = RegisteredProvider {
            id: adapter.settings().id.clone(),
            display_name: self.display_name,
            authorization_origin,
            avatar_sources: Vec::new(),
            // `prompt=login` and `max_age=0`, and `auth_time` after the flow's start.
            forces_fresh_login: true,
            email_trust: self.email_trust,
            adapter: adapter.clone(),
        };
        (registered, adapter)
    }
}
