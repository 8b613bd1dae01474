use actix_web::{HttpResponse, post, web};

use crate::audit::{Audit, AuditEvent};
use crate::error::ApiError;
use crate::http::client_context::ClientContext;
use crate::http::token::AccessToken;
use crate::routes::responses::{CsrfRejected, SignedOut, Unavailable};
use crate::state::AppState;

/// Sign out: revoke the current session on the server and clear the cookie.
///
/// Idempotent: with a missing, expired or already revoked token it still answers 204 and
/// clears the cookie.
#[utoipa::path(
    tag = "auth",
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        SignedOut,
        CsrfRejected, Unavailable,
    )
)]
#[post("/api/auth/logout")]
pub async fn log_out(
    state: web::Data<AppState>,
    token: AccessToken,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    if let Some(revoked) = state.accounts.log_out.execute(token.as_deref()).await? {
        Audit::new(AuditEvent::LoggedOut, &client).user(revoked.user_id).session(revoked.session_id).emit();
    }
    let mut response = HttpResponse::NoContent();
    state.web.cookie.end_session(&mut response);
    Ok(response.finish())
}
