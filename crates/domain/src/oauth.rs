//! Accounts at external identity providers, linked to users.

use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::id::UserId;
use crate::provider_id::ProviderId;

/// A user's account at a provider. Provider tokens are not kept: signing in needs only the
/// identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthAccount {
    pub id: Uuid,
    pub user_id: UserId,
    pub provider: ProviderId,
    /// The provider's stable key for the account (`sub` for Google, `id` for Discord).
    pub provider_user_id: String,
    /// The OpenID Connect issuer that vouched for `provider_user_id` (a `sub` is unique only
    /// per issuer); None for an OAuth2 provider, and for a link stored before issuers were.
    pub issuer: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who a provider says the user is, after the code exchange and every check of the provider's
/// answer (ID token signature, audience and nonce for OpenID Connect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIdentity {
    pub provider: ProviderId,
    /// The ID token's `iss` (OpenID Connect providers only).
    pub issuer: Option<String>,
    pub provider_user_id: String,
    pub email: Option<crate::email::Email>,
    /// Whether the address counts as proven: only then may it be matched to an existing
    /// account. Adapters set the provider's own flag; the provider's [`EmailTrust`] has the
    /// last word.
    ///
    /// [`EmailTrust`]: crate::email_trust::EmailTrust
    pub email_verified: bool,
    /// What the provider said of the address (`email_verified`), None when it said nothing.
    pub email_verified_claim: Option<bool>,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
    /// When the person last logged in at the provider (OpenID Connect's `auth_time`), where the
    /// provider says.
    pub authenticated_at: Option<DateTime<Utc>>,
}

/// What the provider is asked to show the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// A sign-in or a link: the provider's usual page (a chooser where it has several accounts).
    SignIn,
    /// A re-authentication: a fresh login where the provider can force one, else its consent
    /// page again.
    Reauthenticate,
}

/// Where to send the browser, and the secrets the callback will need to finish the flow.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
    /// OpenID Connect providers only.
    pub nonce: Option<String>,
}

impl fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizationRequest").field("url", &self.url).finish_non_exhaustive()
    }
}
