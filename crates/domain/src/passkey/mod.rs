//! Passkeys (WebAuthn): a way in kept by the person's device or password manager, unlocked by
//! their fingerprint, face, PIN or security key. The ceremonies themselves are the relying
//! party's (a port); what a passkey is, who may use it and when, is decided here.

mod ceremony;
mod name;
mod ports;

use chrono::{DateTime, Utc};

pub use ceremony::{CEREMONY_LIFETIME, Ceremony, CeremonyPurpose, CeremonySealer, CeremonyState};
pub use name::PasskeyName;
pub use ports::{
    Assertion, NewCredential, PasskeyAdded, PasskeyAddition, PasskeyRejection, PasskeyRepository, PasskeyUse,
    PublicKeyOptions, RelyingParty, RelyingPartyError, UseRecorded,
};
#[cfg(test)]
pub use ports::{MockPasskeyRepository, MockRelyingParty};

use crate::user::UserId;

pub use crate::id::PasskeyId;

/// A credential's id as the authenticator made it, in base64url: unique across every account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialId(String);

impl CredentialId {
    pub fn from_base64url(id: String) -> Self {
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the relying party keeps of a credential to check its signatures (its public key, its
/// counter, its flags), in the relying party's own encoding: opaque to the domain.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredCredential(String);

impl StoredCredential {
    pub fn new(encoded: String) -> Self {
        Self(encoded)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for StoredCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredCredential(..)")
    }
}

/// A browser's answer to a ceremony (`PublicKeyCredential.toJSON()`), as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialResponse(String);

impl CredentialResponse {
    pub fn new(json: String) -> Self {
        Self(json)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passkey {
    pub id: PasskeyId,
    pub user_id: UserId,
    pub credential_id: CredentialId,
    pub credential: StoredCredential,
    pub name: PasskeyName,
    /// The signature counter last seen; 0 for authenticators that keep none (most synced ones).
    pub sign_count: u32,
    /// Synced by a password manager or platform, rather than kept by one device only.
    pub backed_up: bool,
    /// Added while the account's address was unproven. The account proving its address clears
    /// this, and a claim removes the passkey; see [`Passkey::left_by_a_claim`].
    pub address_unproven: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Passkey {
    /// A passkey added before the address was proven, on an account whose address is proven
    /// now, was not cleared when the address was: it was proven by a claim that left the
    /// passkey behind (one written by an older release, which knew no passkeys). The claim
    /// took the account from whoever added it, so it signs no one in.
    pub fn left_by_a_claim(&self, user: &crate::user::User) -> bool {
        self.address_unproven && user.email_verified
    }
}
