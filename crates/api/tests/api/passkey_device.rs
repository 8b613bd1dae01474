//! A device with a passkey: 1Password's software authenticator behind its WebAuthn client,
//! driving real ceremonies against the service as a browser at `origin` would.

use passkey::authenticator::{Authenticator, UiHint, UserCheck, UserValidationMethod};
use passkey::client::{Client, DefaultClientData};
use passkey::crypto::rust_crypto::RustCryptoBackend;
use passkey::types::Passkey;
use passkey::types::ctap2::{Aaguid, Ctap2Error};
use passkey::types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use serde_json::{Value, json};
use url::Url;

use crate::helpers::{FRONTEND, TestApp};

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
    pub fn new() -> Self {
        Self::holding(None, FRONTEND)
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

/// What a signed-in browser does to add a passkey: start, create, finish. Returns the finish.
pub async fn add_passkey(app: &TestApp, token: &str, device: &mut Device, name: Option<&str>) -> reqwest::Response {
    let start = post(app, "/api/auth/passkeys/register/start", Some(token), &json!({})).await;
    assert_eq!(start.status(), reqwest::StatusCode::OK);
    let start: Value = start.json().await.unwrap();
    let credential = device.create(&start["publicKey"]).await;
    let mut body = json!({"ceremony": start["ceremony"], "credential": credential});
    if let Some(name) = name {
        body["name"] = json!(name);
    }
    post(app, "/api/auth/passkeys/register/finish", Some(token), &body).await
}

/// A sign-in's start.
pub async fn sign_in_start(app: &TestApp) -> Value {
    let start = post(app, "/api/auth/passkeys/login/start", None, &json!({})).await;
    assert_eq!(start.status(), reqwest::StatusCode::OK);
    start.json().await.unwrap()
}

/// A whole sign-in with `device`: the finish's response.
pub async fn sign_in(app: &TestApp, device: &mut Device) -> reqwest::Response {
    let start = sign_in_start(app).await;
    let credential = device.get(&start["publicKey"]).await;
    finish_sign_in(app, &start["ceremony"], &credential).await
}

pub async fn finish_sign_in(app: &TestApp, ceremony: &Value, credential: &Value) -> reqwest::Response {
    post(app, "/api/auth/passkeys/login/finish", None, &json!({"ceremony": ceremony, "credential": credential})).await
}

/// A JSON POST as the pages send it, with a Bearer token when given.
pub async fn post(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).json(body).header(
        reqwest::header::USER_AGENT,
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    );
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}
