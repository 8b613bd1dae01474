//! Users and the identifiers and names that make them up.

pub use crate::display_name::DisplayName;
use crate::email::Email;
pub use crate::id::UserId;
use crate::oauth::ProviderIdentity;
use crate::password::PasswordHash;
use crate::provider_id::ProviderId;
use chrono::{DateTime, Utc};

/// What a provider-verified email does to an existing account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    None,
    /// A provider verified the account's own email.
    MarkVerified,
    /// A provider verified the email of an unverified account, which the verified identity then
    /// owns: the password, every provider link and every session are removed and the email
    /// marked verified, before the new identity is linked. The id and the user's data stay.
    Claim,
}

/// A way in to remove from an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovedMethod {
    Password,
    Provider(ProviderId),
    Passkey(crate::id::PasskeyId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: DisplayName,
    pub avatar_url: Option<String>,
    /// None for accounts that only sign in through a provider.
    pub password_hash: Option<PasswordHash>,
    pub email_verified: bool,
    /// Providers linked to this user, in the order they were linked.
    pub linked_providers: Vec<ProviderId>,
    /// How many passkeys the account has.
    pub passkeys: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// A new password account; its email is unverified until a verification flow exists.
    pub fn with_password(email: Email, name: DisplayName, hash: PasswordHash, now: DateTime<Utc>) -> Self {
        Self {
            id: UserId::generate(),
            email,
            name,
            avatar_url: None,
            password_hash: Some(hash),
            email_verified: false,
            linked_providers: Vec::new(),
            passkeys: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// A new account created by signing in with a provider: no password.
    pub fn from_provider(identity: &ProviderIdentity, email: Email, now: DateTime<Utc>) -> Self {
        Self {
            id: UserId::generate(),
            name: DisplayName::from_provider(identity.name.as_deref(), &email),
            email,
            avatar_url: identity.avatar_url.clone(),
            password_hash: None,
            email_verified: identity.email_verified,
            linked_providers: Vec::new(),
            passkeys: 0,
            created_at: now,
            updated_at: now,
        }
    }

    /// The user as it is after `change` was committed at `now`.
    pub fn apply(&mut self, change: AccountChange, now: DateTime<Utc>) {
        match change {
            AccountChange::None => return,
            AccountChange::MarkVerified => {}
            AccountChange::Claim => {
                self.password_hash = None;
                self.linked_providers.clear();
                self.passkeys = 0;
            }
        }
        self.email_verified = true;
        self.updated_at = now;
    }

    /// How this user can sign in here: `password` first when set, then each linked provider that
    /// is configured, then `passkey` when the account has one. A link to a provider since removed
    /// from the configuration is no way in.
    pub fn sign_in_methods(&self, is_configured: impl Fn(&ProviderId) -> bool) -> Vec<&str> {
        let password = self.password_hash.as_ref().map(|_| "password");
        let providers = self.linked_providers.iter().filter(|p| is_configured(p)).map(ProviderId::as_str);
        let passkey = (self.passkeys > 0).then_some("passkey");
        password.into_iter().chain(providers).chain(passkey).collect()
    }

    /// How many ways in would be left without `removed`: the password, each link to a
    /// configured provider, each passkey.
    pub fn ways_in_without(&self, removed: &RemovedMethod, is_configured: impl Fn(&ProviderId) -> bool) -> usize {
        let password = usize::from(self.password_hash.is_some() && *removed != RemovedMethod::Password);
        let providers = self
            .linked_providers
            .iter()
            .filter(|p| is_configured(p))
            .filter(|p| !matches!(removed, RemovedMethod::Provider(gone) if gone == *p))
            .count();
        let passkeys =
            self.passkeys as usize - usize::from(matches!(removed, RemovedMethod::Passkey(_)) && self.passkeys > 0);
        password + providers + passkeys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_methods_list_password_then_providers() {
        let now = Utc::now();
        let email = Email::parse("a@example.com").unwrap();
        let name = DisplayName::parse("A").unwrap();
        let mut user = User::with_password(email, name, PasswordHash::new("h"), now);
        user.linked_providers = ["google", "gitlab", "discord"].map(|id| ProviderId::parse(id).unwrap()).to_vec();
        let configured = crate::provider_registry::test_registry(&["discord", "google"]);
        let is_configured = |p: &ProviderId| configured.contains(p);
        assert_eq!(user.sign_in_methods(is_configured), ["password", "google", "discord"], "gitlab is not configured");
        user.password_hash = None;
        assert_eq!(user.sign_in_methods(is_configured), ["google", "discord"]);
        user.passkeys = 2;
        assert_eq!(user.sign_in_methods(is_configured), ["google", "discord", "passkey"]);
    }
}
