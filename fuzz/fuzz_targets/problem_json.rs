//! Any request body sent to register or login: the answer is a 4xx problem+json document with
//! a code and a human-readable detail, never a panic and never a 5xx.
#![no_main]

use actix_web::ResponseError;
use actix_web::body::MessageBody;
use actix_web::error::JsonPayloadError;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use yoshikosan_api::error::ApiError;
use yoshikosan_api::routes::auth::{LoginRequest, RegisterRequest};
use yoshikosan_domain::{DisplayName, Email, PasswordPolicy, ValidationErrors};

/// What the JSON extractor and the register validation make of `body`, if it is refused.
fn refusal(body: &[u8]) -> Option<ApiError> {
    let _ = serde_json::from_slice::<LoginRequest>(body).map_err(|e| ApiError::from(JsonPayloadError::Deserialize(e)));
    let request = match serde_json::from_slice::<RegisterRequest>(body) {
        Ok(request) => request,
        Err(e) => return Some(ApiError::from(JsonPayloadError::Deserialize(e))),
    };
    let mut errors = ValidationErrors::default();
    let email = Email::parse(&request.email).map_err(|e| errors.push(e)).ok();
    let _ = PasswordPolicy::default().check(&request.password, email.as_ref()).map_err(|e| errors.push(e));
    let _ = DisplayName::parse(&request.name).map_err(|e| errors.push(e));
    errors.into_result().err().map(ApiError::from)
}

fuzz_target!(|body: &[u8]| {
    let Some(error) = refusal(body) else { return };
    let response = error.error_response();
    let status = response.status();
    assert!(status.is_client_error(), "{status} for {body:?}");
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("application/problem+json"));
    let Ok(bytes) = response.into_body().try_into_bytes() else { panic!("the problem body is not in memory") };
    let problem: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("not JSON ({e}): {bytes:?}"));
    assert_eq!(problem["status"], status.as_u16());
    assert!(problem["code"].is_string() && problem["detail"].is_string() && problem["title"].is_string());
    if status.as_u16() == 422 {
        assert!(problem["errors"].as_array().is_some_and(|e| !e.is_empty()), "{problem}");
    }
});
