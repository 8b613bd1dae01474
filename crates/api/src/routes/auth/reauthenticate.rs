//! Proving again who holds a session, before a change to how the account signs in: with the
//! password (`POST /api/auth/reauthenticate`) or with a linked provider
//! (`POST /api/auth/{provider}/reauthenticate`). Neither creates a session.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::FlowPurpose;
use yoshikosan_domain::use_cases::ReauthenticateCommand;

use super::current_user::CurrentUser;
use super::oauth::{StartQuery, begin_for_session};
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::http::token::AccessToken;
use crate::routes::auth::ProviderPathId;
use crate::routes::docs::Docs;
use crate::routes::responses::{
    BodyRejected, CsrfRejected, ProviderNotFound, RateLimited, Unauthenticated, Unavailable,
};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReauthenticateRequest {
    /// The account's password.
    #[serde(default)]
    #[schema(required = true, format = Password, example = "violet-harbour-42")]
    pub password: String,
}

/// Confirm it's you, with the password.
///
/// Checks the signed-in account's password as a login does (the same budgets, the same share of
/// the hashing pool) and records a fresh proof on this session, for the changes that need one
/// (`REAUTH_WINDOW_SECS`). Creates no session.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    request_body = ReauthenticateRequest,
    responses(
        (status = 204, description = "Proven: this session may change how the account signs in for the next `REAUTH_WINDOW_SECS`"),
        (status = 401, description = "The password is wrong, or the account has none (`invalid_credentials`); or not signed in (`unauthenticated`, `token_expired`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::WrongPassword.problem())),
        (status = 422, description = "No password given", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("password", FieldErrorCode::Required, "password is required").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/reauthenticate")]
pub async fn reauthenticate(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<ReauthenticateRequest>,
) -> Result<HttpResponse, ApiError> {
    let command = ReauthenticateCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        password: body.into_inner().password,
        client_ip: client.info.ip.clone(),
    };
    let audit = |event| Audit::new(event, &client).user(current.user.id).session(current.session.id);
    match state.accounts.reauthenticate.execute(&command).await {
        Ok(()) => {
            audit(AuditEvent::Reauthenticated).provider("password").emit();
            Ok(HttpResponse::NoContent().finish())
        }
        Err(error) => {
            let error = ApiError::from(error);
            audit(AuditEvent::ReauthenticationFailed).reason(error.problem().code.as_str()).emit();
            Err(error)
        }
    }
}

/// Confirm it's you, with a linked provider.
///
/// For a top-level form post from the frontend: answers 303 to the provider, asking for a fresh
/// login where the provider can force one (OpenID Connect: `prompt=login`, `max_age=0`; Discord asks its
/// approval again). The callback records a fresh proof on this session only when the identity
/// that returns is already linked to this user (and, for Google, logged in after the flow
/// started), then returns to `redirect_to` (default `/account`); otherwise to
/// `/account?error=reauthentication_failed`, changing nothing. Creates no session.
#[utoipa::path(
    tag = "oauth",
    security(("bearer" = []), ("cookie" = [])),
    params(
        ("provider" = ProviderPathId, Path, description = "A configured provider's id (`GET /api/auth/providers`)"),
        ("redirect_to" = Option<String>, Query, description = "Where on the frontend to land afterwards: a path starting with a single `/` (default `/account`)"),
    ),
    responses(
        (status = 303, description = "To the provider; sets the encrypted flow cookie (10 minutes)",
            headers(("location" = String, description = "The provider's authorization URL"))),
        Unauthenticated, CsrfRejected, ProviderNotFound,
    )
)]
#[post("/api/auth/{provider}/reauthenticate")]
pub async fn reauthenticate_with_provider(
    app: web::Data<AppState>,
    routes: web::Data<Docs>,
    request: HttpRequest,
    provider: web::Path<String>,
    query: Result<web::Query<StartQuery>, actix_web::Error>,
    token: AccessToken,
) -> Result<HttpResponse, ApiError> {
    let proof = |user_id, session_id| FlowPurpose::Reauthenticate { user_id, session_id };
    begin_for_session(&app, &routes, &request, &provider, query, token, proof).await
}
