//! The signed-in account's passkeys: the list, their names, and removing one (a way in, so
//! under the recent proof and never the last).

use actix_web::{HttpResponse, delete, get, patch, web};
use yoshikosan_domain::passkey::PasskeyId;
use yoshikosan_domain::ports::RemovedMethod;
use yoshikosan_domain::use_cases::RemoveSignInMethodCommand;

use super::current_user::CurrentUser;
use super::passkey_dto::{PasskeyResponse, RenamePasskeyRequest};
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::routes::responses::{
    BodyRejected, MethodNotRemovable, ReauthenticationRequired, Unauthenticated, Unavailable,
};
use crate::state::AppState;

/// A passkey's id in a path; anything that is not a UUID is no passkey of anyone's.
fn passkey_id(path: &str) -> Result<PasskeyId, ApiError> {
    PasskeyId::parse(path).ok_or(ApiError::NotFound)
}

/// The signed-in account's passkeys, oldest first.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The account's passkeys", body = [PasskeyResponse]), Unauthenticated, Unavailable)
)]
#[get("/api/auth/passkeys")]
pub async fn list_passkeys(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
) -> Result<web::Json<Vec<PasskeyResponse>>, ApiError> {
    let passkeys = state.passkeys()?.manage.list(current.user.id).await?;
    Ok(web::Json(passkeys.iter().map(PasskeyResponse::from).collect()))
}

/// Rename one of the account's passkeys.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = uuid::Uuid, Path, description = "The passkey's id")),
    request_body = RenamePasskeyRequest,
    responses(
        (status = 200, description = "Renamed", body = PasskeyResponse),
        (status = 404, description = "Not one of this account's passkeys (`not_found`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        (status = 422, description = "A name refused", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, BodyRejected, Unavailable,
    )
)]
#[patch("/api/auth/passkeys/{id}")]
pub async fn rename_passkey(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    id: web::Path<String>,
    body: JsonBody<RenamePasskeyRequest>,
) -> Result<web::Json<PasskeyResponse>, ApiError> {
    let flows = state.passkeys()?;
    let id = passkey_id(&id)?;
    let passkey = flows.manage.rename(current.user.id, id, &body.into_inner().name).await?;
    Ok(web::Json(PasskeyResponse::from(&passkey)))
}

/// Remove one of the account's passkeys.
///
/// Needs a recent proof of identity (`REAUTH_WINDOW_SECS`) and is never the account's last way
/// in. The other sessions that the passkey opened are revoked, on every instance; this one
/// stays.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = uuid::Uuid, Path, description = "The passkey's id")),
    responses(
        (status = 204, description = "Removed; the sessions it opened elsewhere are revoked"),
        Unauthenticated, ReauthenticationRequired, MethodNotRemovable, Unavailable,
    )
)]
#[delete("/api/auth/passkeys/{id}")]
pub async fn remove_passkey(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.passkeys()?;
    let id = passkey_id(&id).map_err(|_| ApiError::NoSuchSignInMethod)?;
    let command = RemoveSignInMethodCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        method: RemovedMethod::Passkey(id),
        client: client.info.clone(),
    };
    state.accounts.remove_sign_in_method.execute(&command).await?;
    Audit::new(AuditEvent::PasskeyRemoved, &client).user(current.user.id).session(current.session.id).emit();
    Ok(HttpResponse::NoContent().finish())
}
