use actix_web::{HttpResponse, delete, put, web};
use serde::Deserialize;
use utoipa::ToSchema;
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::ports::RemovedMethod;
use yoshikosan_domain::use_cases::{PasswordSet, RemoveSignInMethodCommand, SetPasswordCommand};

use super::current_user::CurrentUser;
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::routes::responses::{
    BodyRejected, MethodNotRemovable, ReauthenticationRequired, Unauthenticated, Unavailable,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetPasswordRequest {
    /// 8 characters at least, 72 bytes (UTF-8) at most, not a common password, not the email.
    #[serde(default)]
    #[schema(required = true, format = Password, example = "amber-lantern-77", min_length = 8, max_length = 72)]
    pub new_password: String,
    /// The password the account has now; omitted when it has none (an account made by a
    /// provider, or claimed by one).
    #[schema(format = Password, example = "violet-harbour-42")]
    pub current_password: Option<String>,
}

/// Set or change the signed-in user's password.
///
/// Sets a password on an account without one, or changes it given the current one. Every other
/// session of the user is revoked; this one stays. A first password is a new way in: it needs a
/// recent proof of identity (`REAUTH_WINDOW_SECS`); a change is proven by the current password.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "Password set; the user's other sessions are revoked"),
        (status = 422, description = "A new password against the policy or equal to the current one (`same_as_current`), or a missing or wrong `current_password` (`incorrect`)", body = Problem, content_type = "application/problem+json",
            example = json!(ApiError::invalid_field("current_password", FieldErrorCode::Incorrect, "current password is incorrect").problem())),
        (status = 429, description = "Too many wrong current passwords for this account, or too many password changes from this address (`rate_limited`)", body = Problem, content_type = "application/problem+json",
            headers(("retry-after" = u64, description = "Seconds until an attempt may succeed")), example = json!(ApiError::RateLimited(840).problem())),
        (status = 403, description = "A first password without a recent proof of identity (`reauthentication_required`), or a cross-site request (`csrf_rejected`)", body = Problem, content_type = "application/problem+json",
            example = json!(ApiError::ReauthenticationRequired.problem())),
        BodyRejected, Unauthenticated, Unavailable,
    )
)]
#[put("/api/auth/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<SetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let SetPasswordRequest { new_password, current_password } = body.into_inner();
    let command = SetPasswordCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        new_password,
        current_password,
        client: client.info.clone(),
    };
    let event = match state.accounts.set_password.execute(&command).await? {
        PasswordSet::Set => AuditEvent::PasswordSet,
        PasswordSet::Changed => AuditEvent::PasswordChanged,
    };
    Audit::new(event, &client).user(current.user.id).session(current.session.id).emit();
    Ok(HttpResponse::NoContent().finish())
}

/// Remove the signed-in account's password.
///
/// With a recent proof of identity (`REAUTH_WINDOW_SECS`), unless it is the account's last way
/// in. The account's other sessions that signed in with the password are revoked; this one
/// stays.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "The password is removed"),
        Unauthenticated, ReauthenticationRequired, MethodNotRemovable, Unavailable,
    )
)]
#[delete("/api/auth/password")]
pub async fn remove_password(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    let command = RemoveSignInMethodCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        method: RemovedMethod::Password,
        client: client.info.clone(),
    };
    state.accounts.remove_sign_in_method.execute(&command).await?;
    Audit::new(AuditEvent::PasswordRemoved, &client).user(current.user.id).session(current.session.id).emit();
    Ok(HttpResponse::NoContent().finish())
}
