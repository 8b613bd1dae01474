//! The configured identity providers, keyed by id: the one place that knows which exist.

use std::fmt;
use std::sync::Arc;

use crate::email_trust::EmailTrust;
use crate::ports::IdentityProvider;
use crate::provider_id::ProviderId;

/// One configured provider.
#[derive(Clone)]
pub struct RegisteredProvider {
    pub id: ProviderId,
    /// What a person reads on the button ("Google").
    pub display_name: String,
    /// Scheme, host and port of the provider's authorization endpoint: a page's CSP must let a
    /// form's redirect go there.
    pub authorization_origin: String,
    /// CSP source expressions of the hosts the provider's avatars come from (`img-src`).
    pub avatar_sources: Vec<String>,
    /// The provider can be made to log the person in afresh and says when they did
    /// (OpenID Connect's `max_age=0` and `auth_time`): a re-authentication then requires it.
    pub forces_fresh_login: bool,
    /// Which of its addresses count as proven.
    pub email_trust: EmailTrust,
    pub adapter: Arc<dyn IdentityProvider>,
}

impl fmt::Debug for RegisteredProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredProvider")
            .field("id", &self.id)
            .field("display_name", &self.display_name)
            .field("authorization_origin", &self.authorization_origin)
            .field("avatar_sources", &self.avatar_sources)
            .field("forces_fresh_login", &self.forces_fresh_login)
            .field("email_trust", &self.email_trust)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the provider id `{0}` is configured twice")]
pub struct DuplicateProvider(pub ProviderId);

/// The providers in the order they were registered (the order of the sign-in buttons).
#[derive(Debug, Clone, Default)]
pub struct ProviderRegistry {
    providers: Vec<RegisteredProvider>,
}

impl ProviderRegistry {
    pub fn new(providers: Vec<RegisteredProvider>) -> Result<Self, DuplicateProvider> {
        for (index, provider) in providers.iter().enumerate() {
            if providers[..index].iter().any(|earlier| earlier.id == provider.id) {
                return Err(DuplicateProvider(provider.id.clone()));
            }
        }
        Ok(Self { providers })
    }

    /// A configured provider by the name a path or a stored link gives.
    pub fn find(&self, id: &str) -> Option<&RegisteredProvider> {
        self.providers.iter().find(|provider| provider.id.as_str() == id)
    }

    pub fn get(&self, id: &ProviderId) -> Option<&RegisteredProvider> {
        self.find(id.as_str())
    }

    pub fn contains(&self, id: &ProviderId) -> bool {
        self.get(id).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &RegisteredProvider> {
        self.providers.iter()
    }

    pub fn ids(&self) -> Vec<ProviderId> {
        self.providers.iter().map(|provider| provider.id.clone()).collect()
    }
}

/// Providers whose adapters expect nothing.
#[cfg(test)]
pub(crate) fn test_registry(ids: &[&str]) -> ProviderRegistry {
    let providers = ids.iter().map(|id| tests::provider(id)).collect();
    ProviderRegistry::new(providers).unwrap()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ports::MockIdentityProvider;

    pub(crate) fn provider(id: &str) -> RegisteredProvider {
        RegisteredProvider {
            id: ProviderId::parse(id).unwrap(),
            display_name: id.to_uppercase(),
            authorization_origin: format!("https://{id}.example"),
            avatar_sources: Vec::new(),
            forces_fresh_login: id == "google",
            email_trust: EmailTrust::ProviderFlag,
            adapter: Arc::new(MockIdentityProvider::new()),
        }
    }

    #[test]
    fn finds_providers_by_id_in_configured_order() {
        let registry = ProviderRegistry::new(vec![provider("discord"), provider("google")]).unwrap();
        assert_eq!(registry.ids().iter().map(ProviderId::as_str).collect::<Vec<_>>(), ["discord", "google"]);
        assert_eq!(registry.find("google").map(|p| p.display_name.as_str()), Some("GOOGLE"));
        assert!(registry.find("gitlab").is_none());
        assert!(registry.find("Google").is_none());
    }

    #[test]
    fn refuses_an_id_given_twice() {
        let error = ProviderRegistry::new(vec![provider("okta"), provider("google"), provider("okta")]).unwrap_err();
        assert_eq!(error.0.as_str(), "okta");
    }
}
