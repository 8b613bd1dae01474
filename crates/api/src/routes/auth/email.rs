//! Proving the account's address: a link by mail (`POST /api/auth/email/verification`), and
//! its use by the account's own signed-in user (`POST /api/auth/email/verify`).

use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::current_user::CurrentUser;
use super::dto::UserResponse;
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::routes::responses::{BodyRejected, CsrfRejected, RateLimited, Unauthenticated, Unavailable};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct VerifyEmailRequest {
    /// The token from the link's fragment (`#token=…`).
    #[serde(default)]
    #[schema(required = true, example = "q3Yc1xN0lQ7x0uVQwJ5m9E8b6F1n2T3r4S5u6V7w8X9")]
    pub token: String,
}

impl std::fmt::Debug for VerifyEmailRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyEmailRequest").finish_non_exhaustive()
    }
}

/// Send a new verification mail.
///
/// Sends the signed-in account's address a link that proves it (24 hours). At most one a
/// minute; spends the client address's budget.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 202, description = "A link is on its way to the account's address", body = Object, example = json!({})),
        (status = 404, description = "Mail is off here (`email_links: false`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        (status = 409, description = "The address is already verified (`already_verified`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::AlreadyVerified.problem())),
        CsrfRejected, RateLimited, Unauthenticated, Unavailable,
    )
)]
#[post("/api/auth/email/verification")]
pub async fn send_verification(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    state.mail.available()?;
    state.mail.send_verification.execute(current.user.id, client.info.ip.as_deref()).await?;
    Audit::new(AuditEvent::VerificationSent, &client).user(current.user.id).session(current.session.id).emit();
    state.mail.wake.notify_one();
    Ok(HttpResponse::Accepted().json(serde_json::json!({})))
}

/// Verify the account's address with the mailed link.
///
/// Only the account the link was sent for, signed in, can use it: opened from another account's
/// session, or none, it is 401 and verifies nothing (so a link that someone else's sign-up sent
/// you cannot confirm their account). The page keeps the token while the person signs in.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "The address is verified", body = UserResponse),
        (status = 400, description = "The link is unknown, used or voided (`invalid_link`), or expired (`link_expired`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidLink.problem())),
        (status = 401, description = "Not signed in, or signed in to another account than the link's (`unauthenticated`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::OtherAccountsLink.problem())),
        (status = 404, description = "Mail is off here", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/email/verify")]
pub async fn verify_email(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<VerifyEmailRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    state.mail.available()?;
    let token = body.into_inner().token;
    let audit = |event| Audit::new(event, &client).user(current.user.id).session(current.session.id);
    match state.mail.verify_email.execute(current.user.id, &token, client.info.ip.as_deref()).await {
        Ok(user) => {
            audit(AuditEvent::EmailVerified).emit();
            Ok(web::Json(UserResponse::new(&user, &state.oauth.providers)))
        }
        Err(error) => {
            let error = ApiError::from(error);
            audit(AuditEvent::EmailVerificationFailed).reason(error.problem().code.as_str()).emit();
            Err(error)
        }
    }
}
