//! Request and response bodies of the passkey routes. Options and credentials pass through in
//! WebAuthn's own JSON encoding, as the browser's `PublicKeyCredential` methods read and write it.

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use yoshikosan_domain::passkey::{CredentialResponse, Passkey};
use yoshikosan_domain::use_cases::StartedCeremony;
use yoshikosan_domain::{FieldError, ValidationErrors};

use crate::error::ApiError;

/// A started ceremony.
#[derive(Debug, Serialize, ToSchema)]
pub struct CeremonyResponse {
    /// The ceremony's sealed state: send it back, unchanged, with the browser's answer. Lives 5
    /// minutes and finishes once.
    #[schema(example = "o3Jx0Vb1…")]
    pub ceremony: String,
    /// The options, in WebAuthn's JSON encoding (binary fields in base64url), for
    /// `PublicKeyCredential.parseCreationOptionsFromJSON` or `parseRequestOptionsFromJSON`.
    #[serde(rename = "publicKey")]
    #[schema(value_type = Object, example = json!({"challenge": "0vV4…", "rpId": "example.com", "userVerification": "required"}))]
    pub public_key: serde_json::Value,
}

impl CeremonyResponse {
    pub fn respond(started: StartedCeremony) -> Result<HttpResponse, ApiError> {
        let public_key = serde_json::from_str(started.options.as_str())
            .map_err(|e| ApiError::Internal(format!("passkey options are not JSON: {e}").into()))?;
        Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .json(Self { ceremony: started.ceremony, public_key }))
    }
}

/// The browser's answer to a sign-in or re-authentication ceremony.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasskeyFinishRequest {
    /// As the ceremony's start gave it.
    #[serde(default)]
    #[schema(required = true)]
    pub ceremony: String,
    /// `PublicKeyCredential.toJSON()` of the browser's answer.
    #[serde(default)]
    #[schema(required = true, value_type = Object)]
    pub credential: serde_json::Value,
}

/// The browser's answer to a registration ceremony, and what to call the passkey.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterPasskeyRequest {
    #[serde(default)]
    #[schema(required = true)]
    pub ceremony: String,
    #[serde(default)]
    #[schema(required = true, value_type = Object)]
    pub credential: serde_json::Value,
    /// 1-64 characters; omitted or blank: the browser and platform, such as "Chrome on Linux".
    #[schema(example = "Work laptop", max_length = 64)]
    pub name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenamePasskeyRequest {
    #[serde(default)]
    #[schema(required = true, example = "Phone", min_length = 1, max_length = 64)]
    pub name: String,
}

/// One of the account's passkeys.
#[derive(Debug, Serialize, ToSchema)]
pub struct PasskeyResponse {
    pub id: Uuid,
    #[schema(example = "Chrome on Linux")]
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// Its last sign-in or re-authentication; null when never used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Synced by a password manager or platform, rather than kept by one device only.
    pub backed_up: bool,
}

impl From<&Passkey> for PasskeyResponse {
    fn from(passkey: &Passkey) -> Self {
        Self {
            id: passkey.id.as_uuid(),
            name: passkey.name.as_str().to_owned(),
            created_at: passkey.created_at,
            last_used_at: passkey.last_used_at,
            backed_up: passkey.backed_up,
        }
    }
}

/// The ceremony and the credential, both required: a missing one is a 422 naming it.
pub fn ceremony_and_credential(ceremony: &str, credential: serde_json::Value) -> Result<CredentialResponse, ApiError> {
    let mut errors = ValidationErrors::default();
    if ceremony.is_empty() {
        errors.push(FieldError::required("ceremony"));
    }
    if credential.is_null() {
        errors.push(FieldError::required("credential"));
    }
    errors.into_result()?;
    Ok(CredentialResponse::new(credential.to_string()))
}
