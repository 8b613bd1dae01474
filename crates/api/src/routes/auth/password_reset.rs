//! A way back for a forgotten password: a link by mail (`POST /api/auth/password/forgot`), and
//! the new password it lets one set (`POST /api/auth/password/reset`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::use_cases::ResetPasswordCommand;

use super::dto::AuthResponse;
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::routes::responses::{BodyRejected, CsrfRejected, RateLimited, SignedIn, Unavailable};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    /// The account's address.
    #[serde(default)]
    #[schema(required = true, example = "ada@example.com")]
    pub email: String,
}

#[derive(Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    /// The token from the link's fragment (`#token=…`).
    #[serde(default)]
    #[schema(required = true, example = "q3Yc1xN0lQ7x0uVQwJ5m9E8b6F1n2T3r4S5u6V7w8X9")]
    pub token: String,
    #[serde(default)]
    #[schema(required = true, format = Password, example = "violet-harbour-42")]
    pub new_password: String,
}

impl std::fmt::Debug for ResetPasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetPasswordRequest").finish_non_exhaustive()
    }
}

/// Ask for a password-reset link.
///
/// Answers 202 for every well-formed address, known or not, and does the same work for both:
/// a mail goes out only to an address with an account, with a link that works once, for 30
/// minutes. Spends the client address's budget, never the email's.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If an account has this address, a link is on its way", body = Object, example = json!({})),
        (status = 404, description = "Mail is off here (`GET /api/auth/providers` says `email_links: false`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        (status = 422, description = "Not an address", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("email", FieldErrorCode::InvalidEmail, "email must be a valid email address").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/password/forgot")]
pub async fn forgot_password(
    state: web::Data<AppState>,
    client: ClientContext,
    body: JsonBody<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state.mail.available()?;
    let email = body.into_inner().email;
    state.mail.request_reset.execute(&email, client.info.ip.as_deref()).await?;
    Audit::new(AuditEvent::PasswordResetRequested, &client).email(email.trim()).emit();
    state.mail.wake.notify_one();
    Ok(HttpResponse::Accepted().json(serde_json::json!({})))
}

/// Set a new password with a reset link.
///
/// Uses the link's token (once), sets the password, marks the address verified, revokes every
/// session of the account and signs this browser in (`method: "password_reset"`, a recent
/// proof). A reset of an account whose address was never verified is a claim: its provider
/// links go too. A refused new password (422) leaves the link usable.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        SignedIn,
        (status = 400, description = "The link is unknown, used or voided (`invalid_link`), or expired (`link_expired`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidLink.problem())),
        (status = 404, description = "Mail is off here", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        (status = 422, description = "The new password breaks a rule; the link stays usable", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("new_password", FieldErrorCode::TooShort, "password must be at least 8 characters").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/password/reset")]
pub async fn reset_password(
    state: web::Data<AppState>,
    client: ClientContext,
    body: JsonBody<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state.mail.available()?;
    let ResetPasswordRequest { token, new_password } = body.into_inner();
    let command = ResetPasswordCommand { token, new_password, client: client.info.clone() };
    match state.mail.reset.execute(&command).await {
        Ok(done) => {
            let signed_in = done.signed_in;
            let audit = |event| Audit::new(event, &client).user(signed_in.user.id).session(signed_in.session_id);
            if done.claimed {
                audit(AuditEvent::AccountClaimed).reason("password_reset").emit();
            }
            audit(AuditEvent::PasswordReset).emit();
            Ok(AuthResponse::respond(signed_in, StatusCode::OK, &state))
        }
        Err(error) => {
            let error = ApiError::from(error);
            if !matches!(error, ApiError::Validation(_)) {
                Audit::new(AuditEvent::PasswordResetFailed, &client).reason(error.problem().code.as_str()).emit();
            }
            Err(error)
        }
    }
}
