//! Every machine-readable code a client can receive, published in the OpenAPI document as an
//! enum, so that a client can check at compile time that it has a sentence for each.

use serde::Serialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::use_cases::OAuthErrorCode;

/// A problem document's `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    BadRequest,
    InvalidLink,
    LinkExpired,
    InvalidCeremony,
    PasskeyRejected,
    Unauthenticated,
    InvalidCredentials,
    TokenExpired,
    CsrfRejected,
    ReauthenticationRequired,
    NotFound,
    ProviderNotConfigured,
    MethodNotAllowed,
    RequestTimeout,
    EmailTaken,
    AlreadyVerified,
    PasskeyExists,
    LastSignInMethod,
    PayloadTooLarge,
    ValidationFailed,
    RateLimited,
    InternalError,
    Unavailable,
}

impl ProblemCode {
    /// The code as sent, for logs and audit records.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::InvalidLink => "invalid_link",
            Self::LinkExpired => "link_expired",
            Self::InvalidCeremony => "invalid_ceremony",
            Self::PasskeyRejected => "passkey_rejected",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::TokenExpired => "token_expired",
            Self::CsrfRejected => "csrf_rejected",
            Self::ReauthenticationRequired => "reauthentication_required",
            Self::NotFound => "not_found",
            Self::ProviderNotConfigured => "provider_not_configured",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RequestTimeout => "request_timeout",
            Self::EmailTaken => "email_taken",
            Self::AlreadyVerified => "already_verified",
            Self::PasskeyExists => "passkey_exists",
            Self::LastSignInMethod => "last_sign_in_method",
            Self::PayloadTooLarge => "payload_too_large",
            Self::ValidationFailed => "validation_failed",
            Self::RateLimited => "rate_limited",
            Self::InternalError => "internal_error",
            Self::Unavailable => "unavailable",
        }
    }
}

/// A string schema whose values are `codes`.
fn string_enum(description: &str, codes: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).description(Some(description)).enum_values(Some(codes)).into()
}

/// `errors[].code` of a 422 `validation_failed`: the domain's field error codes, plus
/// `invalid_type` for a field of the wrong JSON type.
#[derive(Debug)]
pub struct FieldErrorCodes;

/// Said of a field whose JSON type is wrong, before the domain sees the request.
pub const INVALID_TYPE: &str = "invalid_type";

impl PartialSchema for FieldErrorCodes {
    fn schema() -> RefOr<Schema> {
        let codes = FieldErrorCode::ALL.map(FieldErrorCode::as_str).into_iter().chain([INVALID_TYPE]);
        string_enum("Why a field was refused", codes)
    }
}

impl ToSchema for FieldErrorCodes {
    fn name() -> std::borrow::Cow<'static, str> {
        "FieldErrorCode".into()
    }
}

/// `?error=` of a failed OAuth flow's redirect to the frontend.
#[derive(Debug)]
pub struct OAuthErrorCodes;

impl PartialSchema for OAuthErrorCodes {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "Why an OAuth sign-in or link failed, in the redirect's `error` parameter",
            OAuthErrorCode::ALL.map(OAuthErrorCode::as_str),
        )
    }
}

impl ToSchema for OAuthErrorCodes {
    fn name() -> std::borrow::Cow<'static, str> {
        "OAuthErrorCode".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_codes_are_sent_as_they_are_logged() {
        let all = [
            ProblemCode::BadRequest,
            ProblemCode::InvalidCeremony,
            ProblemCode::PasskeyRejected,
            ProblemCode::PasskeyExists,
            ProblemCode::Unauthenticated,
            ProblemCode::InvalidCredentials,
            ProblemCode::TokenExpired,
            ProblemCode::CsrfRejected,
            ProblemCode::ReauthenticationRequired,
            ProblemCode::NotFound,
            ProblemCode::ProviderNotConfigured,
            ProblemCode::MethodNotAllowed,
            ProblemCode::RequestTimeout,
            ProblemCode::EmailTaken,
            ProblemCode::LastSignInMethod,
            ProblemCode::PayloadTooLarge,
            ProblemCode::ValidationFailed,
            ProblemCode::RateLimited,
            ProblemCode::InternalError,
            ProblemCode::Unavailable,
        ];
        for code in all {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
