//! The signed-in user's sessions: one per device or browser that signed in.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use yoshikosan_domain::SessionId;
use yoshikosan_domain::use_cases::ListedSession;

use super::current_user::CurrentUser;
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::routes::responses::{CsrfRejected, SignedOut, Unauthenticated, Unavailable};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// The `sid` claim of the session's access token.
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// When the session was last used, to the minute.
    pub last_seen_at: DateTime<Utc>,
    #[schema(example = "Mozilla/5.0 (X11; Linux x86_64) ...")]
    pub user_agent: Option<String>,
    #[schema(example = "203.0.113.9")]
    pub ip: Option<String>,
    /// True for the session making this request.
    pub current: bool,
    /// How the session was created: `password`, `password_reset` (a reset link), `passkey`, a
    /// provider's id, or `unknown` (a session from before this was recorded).
    #[schema(example = "google")]
    pub method: String,
    /// When the session last proved who holds it: its sign-in, or its latest re-authentication.
    pub authenticated_at: DateTime<Utc>,
}

impl From<ListedSession> for SessionResponse {
    fn from(listed: ListedSession) -> Self {
        let s = listed.session;
        Self {
            id: s.id.as_uuid(),
            created_at: s.created_at,
            expires_at: s.expires_at,
            last_seen_at: s.last_seen_at,
            user_agent: s.user_agent,
            ip: s.ip,
            current: listed.current,
            method: s.method.as_str().to_owned(),
            authenticated_at: s.authenticated_at,
        }
    }
}

/// The current user's active sessions, newest first.
#[utoipa::path(
    tag = "sessions",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Sessions that have not expired or been revoked", body = Vec<SessionResponse>),
        Unauthenticated, Unavailable,
    )
)]
#[get("/api/auth/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    current: CurrentUser,
) -> Result<web::Json<Vec<SessionResponse>>, ApiError> {
    let listed = state.sessions.list.execute(&current.0).await?;
    Ok(web::Json(listed.into_iter().map(SessionResponse::from).collect()))
}

/// Revoke one of the current user's sessions: its token is refused from the next request on.
///
/// Revoking the current session signs this client out and clears the cookie.
#[utoipa::path(
    tag = "sessions",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = Uuid, Path, description = "The session's id, as listed by `GET /api/auth/sessions`")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such session among the current user's (`not_found`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        Unauthenticated, CsrfRejected, Unavailable,
    )
)]
#[delete("/api/auth/sessions/{id}")]
pub async fn revoke_session(
    state: web::Data<AppState>,
    current: CurrentUser,
    id: web::Path<String>,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    // Not a UUID cannot name a session: the same 404 as someone else's.
    let id = SessionId::parse(&id).ok_or(ApiError::NotFound)?;
    state.sessions.revoke.execute(&current.0, id).await?;
    Audit::new(AuditEvent::SessionRevoked, &client).user(current.0.user.id).session(id).emit();
    let mut response = HttpResponse::NoContent();
    if id == current.0.session.id {
        state.web.cookie.end_session(&mut response);
    }
    Ok(response.finish())
}

/// Sign out everywhere: revoke every session of the current user, this one included.
#[utoipa::path(
    tag = "sessions",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        SignedOut,
        Unauthenticated, CsrfRejected, Unavailable,
    )
)]
#[post("/api/auth/logout-all")]
pub async fn log_out_everywhere(
    state: web::Data<AppState>,
    current: CurrentUser,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    let revoked = state.sessions.log_out_everywhere.execute(&current.0).await?;
    Audit::new(AuditEvent::AllSessionsRevoked, &client)
        .user(current.0.user.id)
        .session(current.0.session.id)
        .count(revoked)
        .emit();
    let mut response = HttpResponse::NoContent();
    state.web.cookie.end_session(&mut response);
    Ok(response.finish())
}
