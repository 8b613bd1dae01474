//! Moving the account to another address: a link to the new one (`PUT /api/auth/email`), and
//! its use by the account's own signed-in user (`POST /api/auth/email/confirm`).

use actix_web::{HttpResponse, post, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::use_cases::ChangeEmailCommand;

use super::current_user::CurrentUser;
use super::dto::UserResponse;
use super::email::VerifyEmailRequest;
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::routes::responses::{
    BodyRejected, CsrfRejected, RateLimited, ReauthenticationRequired, Unauthenticated, Unavailable,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    /// The new address.
    #[serde(default)]
    #[schema(required = true, example = "ada@new.example.com")]
    pub email: String,
}

/// Change the account's address.
///
/// With a recent proof of identity: sends the new address a link (24 hours). The account moves
/// once that link is used while signed in to it; until then nothing changes.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "A link is on its way to the new address", body = Object, example = json!({})),
        (status = 404, description = "Mail is off here", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        (status = 409, description = "Another account has this address (`email_taken`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::EmailTaken.problem())),
        (status = 422, description = "Not an address, or the account's own (`same_as_current`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("email", FieldErrorCode::SameAsCurrent, "this is already the account's address").problem())),
        BodyRejected, CsrfRejected, RateLimited, ReauthenticationRequired, Unauthenticated, Unavailable,
    )
)]
#[put("/api/auth/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<ChangeEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    state.mail.available()?;
    let command = ChangeEmailCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        email: body.into_inner().email,
        client: client.info.clone(),
    };
    state.mail.change_email.execute(&command).await?;
    Audit::new(AuditEvent::EmailChangeRequested, &client).user(current.user.id).session(current.session.id).emit();
    state.mail.wake.notify_one();
    Ok(HttpResponse::Accepted().json(serde_json::json!({})))
}

/// Confirm a new address with the mailed link.
///
/// Only the account that asked, signed in, can use it (else 401, nothing changes). The account
/// takes the address, verified; the address it leaves is told.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "The account has its new address", body = UserResponse),
        (status = 400, description = "The link is unknown, used or voided (`invalid_link`), or expired (`link_expired`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidLink.problem())),
        (status = 401, description = "Not signed in, or signed in to another account than the link's (`unauthenticated`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::OtherAccountsLink.problem())),
        (status = 404, description = "Mail is off here", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        (status = 409, description = "Another account took the address meanwhile (`email_taken`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::EmailTaken.problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/email/confirm")]
pub async fn confirm_email_change(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<VerifyEmailRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    state.mail.available()?;
    let token = body.into_inner().token;
    let audit = |event| Audit::new(event, &client).user(current.user.id).session(current.session.id);
    match state.mail.confirm_email_change.execute(current.user.id, &token, &client.info).await {
        Ok(user) => {
            audit(AuditEvent::EmailChanged).emit();
            Ok(web::Json(UserResponse::new(&user, &state.oauth.providers)))
        }
        Err(error) => {
            let error = ApiError::from(error);
            audit(AuditEvent::EmailChangeFailed).reason(error.problem().code.as_str()).emit();
            Err(error)
        }
    }
}
