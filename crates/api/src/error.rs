//! The one place where failures become HTTP responses: RFC 9457 problem+json with a stable
//! `code`. Causes of 5xx answers are logged (as part of the request, so with its request id)
//! and never sent.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError, error::JsonPayloadError};
use serde::Serialize;
use utoipa::ToSchema;
use yoshikosan_domain::{FieldError, FieldErrorCode};

mod codes;
mod from_domain;
mod from_passkeys;

pub use codes::{FieldErrorCodes, INVALID_TYPE, OAuthErrorCodes, ProblemCode};

pub const PROBLEM_JSON: &str = "application/problem+json";
const WWW_AUTHENTICATE: &str = r#"Bearer realm="yoshikosan""#;
const WWW_AUTHENTICATE_EXPIRED: &str =
    r#"Bearer realm="yoshikosan", error="invalid_token", error_description="The access token expired""#;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A mail link that is unknown, used or voided.
    #[error("invalid link")]
    InvalidLink,
    #[error("link expired")]
    LinkExpired,
    /// A passkey ceremony that is unknown, altered, expired, finished or another's.
    #[error("invalid ceremony")]
    InvalidCeremony,
    /// A passkey sign-in or re-authentication refused: one answer for every reason.
    #[error("passkey rejected")]
    PasskeyRejected,
    /// A new passkey refused at registration.
    #[error("passkey refused at registration")]
    PasskeyNotRegistered,
    #[error("passkey already registered")]
    PasskeyExists,
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("token expired")]
    TokenExpired,
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A signed-in person's password, given again, is wrong (or the account has none).
    #[error("wrong password")]
    WrongPassword,
    #[error("cross-site request refused")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("provider not configured")]
    ProviderNotConfigured,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("email taken")]
    EmailTaken,
    #[error("already verified")]
    AlreadyVerified,
    /// A mail link of another account than the signed-in one.
    #[error("another account's link")]
    OtherAccountsLink,
    /// The account has no password, or no link to the provider named.
    #[error("no such sign-in method")]
    NoSuchSignInMethod,
    #[error("reauthentication required")]
    ReauthenticationRequired,
    #[error("last sign-in method")]
    LastSignInMethod,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The request body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    #[error("validation failed")]
    Validation(Vec<FieldProblem>),
    /// Too many failed attempts; the client may retry after this many seconds.
    #[error("rate limited for {0} s")]
    RateLimited(u64),
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Logged with its whole chain of sources; the response says only that something failed.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    #[schema(example = "about:blank")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    /// Human-readable, always a string (clients written for FastAPI's `detail` keep working).
    pub detail: String,
    /// Stable machine-readable code.
    pub code: ProblemCode,
    /// Present on 422 `validation_failed` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"field": "password", "code": "too_short", "message": "password must be at least 8 characters"}))]
pub struct FieldProblem {
    pub field: String,
    #[schema(value_type = FieldErrorCodes)]
    pub code: String,
    pub message: String,
}

impl From<&FieldError> for FieldProblem {
    fn from(e: &FieldError) -> Self {
        Self { field: e.field.to_owned(), code: e.code.as_str().to_owned(), message: e.message.clone() }
    }
}

impl ApiError {
    /// The problem document sent for this error (also the examples in the OpenAPI document).
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (code, detail) = self.code_and_detail();
        let errors = match self {
            Self::Validation(errors) => Some(errors.clone()),
            _ => None,
        };
        let title = status.canonical_reason().unwrap_or("Error");
        Problem { kind: "about:blank", title, status: status.as_u16(), detail, code, errors }
    }

    /// A 422 with one field problem, for documentation examples.
    pub fn invalid_field(field: &str, code: FieldErrorCode, message: &str) -> Self {
        Self::Validation(vec![FieldProblem {
            field: field.to_owned(),
            code: code.as_str().to_owned(),
            message: message.to_owned(),
        }])
    }

    fn code_and_detail(&self) -> (ProblemCode, String) {
        use ProblemCode as Code;
        let text = |code, detail: &str| (code, detail.to_owned());
        match self {
            Self::BadRequest(detail) => (Code::BadRequest, detail.clone()),
            Self::InvalidLink => {
                text(Code::InvalidLink, "This link is not valid: it was used already, or a newer one was sent")
            }
            Self::LinkExpired => text(Code::LinkExpired, "This link has expired: ask for a new one"),
            Self::InvalidCeremony => {
                text(Code::InvalidCeremony, "This passkey request is no longer valid: start again")
            }
            Self::PasskeyRejected => text(Code::PasskeyRejected, "This passkey was not accepted"),
            Self::PasskeyNotRegistered => text(
                Code::PasskeyRejected,
                "This passkey could not be added: the authenticator's answer failed a check, or it cannot keep a \
                 passkey that signs in without typing your address",
            ),
            Self::PasskeyExists => text(Code::PasskeyExists, "This passkey is already registered"),
            Self::Unauthenticated => text(Code::Unauthenticated, "Authentication required"),
            Self::TokenExpired => text(Code::TokenExpired, "The access token has expired; sign in again"),
            Self::InvalidCredentials => text(Code::InvalidCredentials, "Email or password is incorrect"),
            Self::WrongPassword => text(Code::InvalidCredentials, "The password is incorrect"),
            Self::CsrfRejected => text(Code::CsrfRejected, "Cross-site request refused: the Origin is not allowed"),
            Self::NotFound => text(Code::NotFound, "No such resource"),
            Self::ProviderNotConfigured => text(Code::ProviderNotConfigured, "This sign-in provider is not configured"),
            Self::MethodNotAllowed => text(Code::MethodNotAllowed, "This method is not allowed on this resource"),
            Self::EmailTaken => text(Code::EmailTaken, "An account with this email already exists"),
            Self::AlreadyVerified => text(Code::AlreadyVerified, "This address is already verified"),
            Self::OtherAccountsLink => text(
                Code::Unauthenticated,
                "This link is for another account: sign in to the account it was sent for, then open it again",
            ),
            Self::NoSuchSignInMethod => text(Code::NotFound, "The account has no such way to sign in"),
            Self::ReauthenticationRequired => text(
                Code::ReauthenticationRequired,
                "Confirm it's you first: sign in again with your password or a linked provider",
            ),
            Self::LastSignInMethod => text(
                Code::LastSignInMethod,
                "This is the account's last way to sign in: add another before removing it",
            ),
            Self::PayloadTooLarge => text(Code::PayloadTooLarge, "The request body is larger than 65536 bytes"),
            Self::UnsupportedMediaType => text(Code::BadRequest, "The request body must be application/json"),
            Self::RequestTimeout => text(Code::RequestTimeout, "The request body did not arrive in time"),
            Self::Validation(_) => text(Code::ValidationFailed, "The request has invalid fields"),
            Self::RateLimited(seconds) => {
                (Code::RateLimited, format!("Too many failed attempts; try again in {seconds} seconds"))
            }
            Self::Unavailable(_) => {
                text(Code::Unavailable, "The service is temporarily unavailable; try again shortly")
            }
            Self::Internal(_) => text(Code::InternalError, "An unexpected error occurred"),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_)
            | Self::UnsupportedMediaType
            | Self::InvalidLink
            | Self::LinkExpired
            | Self::InvalidCeremony
            | Self::PasskeyNotRegistered => StatusCode::BAD_REQUEST,
            Self::Unauthenticated
            | Self::TokenExpired
            | Self::InvalidCredentials
            | Self::WrongPassword
            | Self::OtherAccountsLink
            | Self::PasskeyRejected => StatusCode::UNAUTHORIZED,
            Self::CsrfRejected | Self::ReauthenticationRequired => StatusCode::FORBIDDEN,
            Self::NotFound | Self::ProviderNotConfigured | Self::NoSuchSignInMethod => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::EmailTaken | Self::LastSignInMethod | Self::AlreadyVerified | Self::PasskeyExists => {
                StatusCode::CONFLICT
            }
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(cause = %chain(cause.as_ref()), "request failed"),
            Self::Unavailable(cause) => tracing::warn!(cause = %cause, "database unavailable"),
            _ => {}
        }
        let status = self.status_code();
        let problem = self.problem();
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON).insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            Self::TokenExpired => {
                response.insert_header((header::WWW_AUTHENTICATE, WWW_AUTHENTICATE_EXPIRED));
            }
            Self::Unauthenticated
            | Self::InvalidCredentials
            | Self::WrongPassword
            | Self::OtherAccountsLink
            | Self::PasskeyRejected => {
                response.insert_header((header::WWW_AUTHENTICATE, WWW_AUTHENTICATE));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::RateLimited(seconds) => {
                response.insert_header((header::RETRY_AFTER, seconds.to_string()));
            }
            // The rest of the body is not waited for: the connection ends here.
            Self::RequestTimeout => {
                response.force_close();
            }
            _ => {}
        }
        response.json(problem)
    }
}

/// JSON bodies that are too large, not JSON, or not the expected shape.
impl From<JsonPayloadError> for ApiError {
    fn from(error: JsonPayloadError) -> Self {
        use actix_web::error::PayloadError;
        match error {
            JsonPayloadError::OverflowKnownLength { .. }
            | JsonPayloadError::Overflow { .. }
            | JsonPayloadError::Payload(PayloadError::Overflow) => Self::PayloadTooLarge,
            JsonPayloadError::ContentType => Self::UnsupportedMediaType,
            // What the body deadline fails a read with.
            JsonPayloadError::Payload(PayloadError::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
                Self::RequestTimeout
            }
            // Said without serde's wording, which names internal types.
            JsonPayloadError::Deserialize(e) if e.is_data() => Self::Validation(vec![FieldProblem {
                field: "body".to_owned(),
                code: INVALID_TYPE.to_owned(),
                message: "the request body does not have the expected fields".to_owned(),
            }]),
            JsonPayloadError::Deserialize(e) => Self::BadRequest(format!("The request body is not valid JSON: {e}")),
            other => Self::BadRequest(format!("The request body could not be read: {other}")),
        }
    }
}

/// An error and each of its sources, in order, joined by ": ".
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let causes: Vec<String> = std::iter::successors(Some(error), |e| e.source()).map(ToString::to_string).collect();
    causes.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::captured_log::CapturedLog;

    /// A failure with a cause of its own, as an adapter's error may have.
    #[derive(Debug, thiserror::Error)]
    #[error("the session could not be stored")]
    struct Outer(#[source] std::io::Error);

    #[tokio::test]
    async fn a_500_logs_the_whole_chain_and_sends_none_of_it() {
        let error = ApiError::Internal(Box::new(Outer(std::io::Error::other("disk full"))));
        let log = CapturedLog::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        let response = tracing::subscriber::with_default(subscriber, || error.error_response());

        let logged = log.text();
        assert!(logged.contains("the session could not be stored: disk full"), "{logged}");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert!(body.contains("internal_error") && !body.contains("disk") && !body.contains("stored"), "{body}");
    }
}
