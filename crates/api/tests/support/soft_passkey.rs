//! A device with a passkey: 1Password's software authenticator behind its WebAuthn client,
//! driving real ceremonies against the service as a browser at `origin` would. Shared by the API
//! tests and the benchmark, for which a device that cannot answer ends the run.
#![allow(clippy::unwrap_used, reason = "a test device: a ceremony it cannot answer is a failed test")]

use passkey::authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod};
use passkey::client::{Client, DefaultClientData};
use passkey::crypto::rust_crypto::RustCryptoBackend;
use passkey::types::Passkey;
use passkey::types::ctap2::{Aaguid, Ctap2Error};
use passkey::types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use serde_json::{Value, json};
use url::Url;

/// Verifies the person every time it is asked: a fingerprint that always matches.
pub struct Fingerprint;

#[async_trait::async_trait]
impl UserValidationMethod for Fingerprint {
    type PasskeyItem = Passkey;

    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck { presence, verification })
    }

    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }

    fn is_presence_enabled(&self) -> bool {
        true
    }
}

type SoftClient = Client<Option<Passkey>, Fingerprint, RustCryptoBackend, public_suffix::PublicSuffixList, ()>;

/// One authenticator holding at most one passkey, with a signature counter (as security keys
/// keep), used from `origin`.
pub struct Device {
    client: SoftClient,
    pub origin: Url,
}

impl Device {
    /// A device used from the test service's site, `http://localhost:3000`.
    pub fn new() -> Self {
        Self::holding(None, "http://localhost:3000")
    }

    /// An authenticator holding `passkey` (a copy of another's), at `origin`.
    pub fn holding(passkey: Option<Passkey>, origin: &str) -> Self {
        let mut authenticator = Authenticator::new(Aaguid::new_empty(), passkey, Fingerprint, RustCryptoBackend);
        authenticator.set_make_credentials_with_signature_counter(true);
        let client = Client::new(authenticator).allows_insecure_localhost(true);
        Self { client, origin: Url::parse(origin).unwrap() }
    }

    /// The same key, in another device: what a cloned authenticator is.
    pub fn copy(&self) -> Self {
        Self::holding(self.client.authenticator().store().clone(), self.origin.as_str())
    }

    /// The same key, used from another origin.
    pub fn at(&self, origin: &str) -> Self {
        Self::holding(self.client.authenticator().store().clone(), origin)
    }

    /// `navigator.credentials.create` with a start's `publicKey`; the answer as `toJSON()` gives it.
    pub async fn create(&mut self, public_key: &Value) -> Value {
        let options: CredentialCreationOptions = serde_json::from_value(json!({"publicKey": public_key})).unwrap();
        let created = self.client.register(&self.origin, options, DefaultClientData).await.unwrap();
        serde_json::to_value(created).unwrap()
    }

    /// `navigator.credentials.get` with a start's `publicKey`.
    pub async fn get(&mut self, public_key: &Value) -> Value {
        let options: CredentialRequestOptions = serde_json::from_value(json!({"publicKey": public_key})).unwrap();
        let answered = self.client.authenticate(&self.origin, options, DefaultClientData).await.unwrap();
        serde_json::to_value(answered).unwrap()
    }
}
