use actix_web::{HttpResponse, post, web};

use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client::Client;
use crate::http::cookies::removal_cookie;
use crate::http::token::AccessToken;
use crate::state::AppState;

/// Sign out: revoke the current session on the server and clear the cookie.
///
/// Idempotent: with a missing, expired or already revoked token it still answers 204 and
/// clears the cookie.
#[utoipa::path(
    tag = "auth",
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out; the session cookie is cleared",
            headers(("set-cookie" = String, description = "access_token=; Path=/; Max-Age=0; expired"))),
        (status = 403, description = "Cookie-authenticated request from a foreign Origin (`csrf_rejected`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::CsrfRejected.problem())),
        (status = 503, description = "Database unavailable: the session could not be revoked", body = Problem, content_type = "application/problem+json", example = json!(ApiError::Unavailable(String::new()).problem())),
    )
)]
#[post("/api/auth/logout")]
pub async fn log_out(state: web::Data<AppState>, token: AccessToken, client: Client) -> Result<HttpResponse, ApiError> {
    if let Some(revoked) = state.log_out.execute(token.as_deref()).await? {
        Audit::new(AuditEvent::LoggedOut, &client).user(revoked.user_id).session(revoked.session_id).emit();
    }
    Ok(HttpResponse::NoContent().cookie(removal_cookie(&state.cookie)).finish())
}
