//! The responses that several endpoints share, each defined once for the OpenAPI document: a
//! handler names them in its `responses(...)` next to the answers that are its own.

use utoipa::IntoResponses;

use super::auth::AuthResponse;
use crate::error::{ApiError, Problem};

/// Password sign-in.
#[derive(Debug, IntoResponses)]
#[response(
    status = 200,
    description = "Signed in; sets the session cookie",
    headers(("set-cookie" = String, description = "access_token=(the JWT); HttpOnly; Path=/; SameSite=Lax; Max-Age=(ACCESS_TOKEN_TTL)"))
)]
pub struct SignedIn(pub AuthResponse);

/// Registration, which signs the new account in.
#[derive(Debug, IntoResponses)]
#[response(
    status = 201,
    description = "Account created and signed in; sets the session cookie",
    headers(("set-cookie" = String, description = "access_token=(the JWT); HttpOnly; Path=/; SameSite=Lax; Max-Age=(ACCESS_TOKEN_TTL)"))
)]
pub struct Registered(pub AuthResponse);

/// Sign-out, here or everywhere.
#[derive(Debug, IntoResponses)]
#[response(
    status = 204,
    description = "Signed out; the session cookie is cleared",
    headers(("set-cookie" = String, description = "access_token=; Path=/; Max-Age=0; expired"))
)]
pub struct SignedOut;

/// Every endpoint that reads the database.
#[derive(Debug, IntoResponses)]
#[response(
    status = 503,
    description = "Database unavailable (`unavailable`); nothing was changed",
    content_type = "application/problem+json",
    example = json!(ApiError::Unavailable(String::new()).problem())
)]
pub struct Unavailable(pub Problem);

/// Every endpoint that needs a signed-in user.
#[derive(Debug, IntoResponses)]
#[response(
    status = 401,
    description = "Missing, invalid or revoked token (`unauthenticated`), or expired (`token_expired`)",
    content_type = "application/problem+json",
    example = json!(ApiError::Unauthenticated.problem())
)]
pub struct Unauthenticated(pub Problem);

/// Every endpoint that changes something: a browser request whose `Origin` is not the site's.
#[derive(Debug, IntoResponses)]
#[response(
    status = 403,
    description = "Cross-site request from a foreign Origin (`csrf_rejected`)",
    content_type = "application/problem+json",
    example = json!(ApiError::CsrfRejected.problem())
)]
pub struct CsrfRejected(pub Problem);

/// Every endpoint that reads a JSON body.
#[derive(Debug, IntoResponses)]
pub enum BodyRejected {
    #[response(
        status = 400,
        description = "Malformed JSON or not application/json (`bad_request`)",
        content_type = "application/problem+json",
        example = json!(ApiError::BadRequest("The request body is not valid JSON: EOF while parsing an object at line 1 column 20".into()).problem())
    )]
    Malformed(Problem),
    #[response(
        status = 413,
        description = "Body over 65,536 bytes (`payload_too_large`)",
        content_type = "application/problem+json",
        example = json!(ApiError::PayloadTooLarge.problem())
    )]
    TooLarge(Problem),
}

/// Registration and password sign-in, whose failures are counted per email and per address.
#[derive(Debug, IntoResponses)]
#[response(
    status = 429,
    description = "Too many failed attempts for this email or from this address (`rate_limited`); retry after `Retry-After` seconds",
    content_type = "application/problem+json",
    headers(("retry-after" = u64, description = "Seconds until an attempt may succeed")),
    example = json!(ApiError::RateLimited(840).problem())
)]
pub struct RateLimited(pub Problem);

/// The OAuth endpoints, for a provider that is not one of the configured ones.
#[derive(Debug, IntoResponses)]
#[response(
    status = 404,
    description = "Unknown provider (`not_found`) or one that is not configured (`provider_not_configured`)",
    content_type = "application/problem+json",
    example = json!(ApiError::ProviderNotConfigured.problem())
)]
pub struct ProviderNotFound(pub Problem);

/// Every change to how an account signs in, from a session whose proof is older than
/// `REAUTH_WINDOW_SECS`.
#[derive(Debug, IntoResponses)]
#[response(
    status = 403,
    description = "A recent proof of identity is needed first (`reauthentication_required`): `POST /api/auth/reauthenticate` or `POST /api/auth/{provider}/reauthenticate`, then repeat the request; or a cross-site request from a foreign Origin (`csrf_rejected`)",
    content_type = "application/problem+json",
    example = json!(ApiError::ReauthenticationRequired.problem())
)]
pub struct ReauthenticationRequired(pub Problem);

/// Removing a way in that the account lacks, or its last one.
#[derive(Debug, IntoResponses)]
pub enum MethodNotRemovable {
    #[response(
        status = 404,
        description = "The account has no such way in (`not_found`)",
        content_type = "application/problem+json",
        example = json!(ApiError::NoSuchSignInMethod.problem())
    )]
    Missing(Problem),
    #[response(
        status = 409,
        description = "It is the account's last way in (`last_sign_in_method`): nothing changed",
        content_type = "application/problem+json",
        example = json!(ApiError::LastSignInMethod.problem())
    )]
    Last(Problem),
}
