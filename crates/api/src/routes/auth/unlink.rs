//! `DELETE /api/auth/{provider}/link`: unlinking a provider from the signed-in account.

use actix_web::{HttpRequest, HttpResponse, delete, web};
use yoshikosan_domain::ports::RemovedMethod;
use yoshikosan_domain::use_cases::RemoveSignInMethodCommand;

use super::oauth::provider_named;
use crate::audit::{Audit, AuditEvent};
use crate::error::ApiError;
use crate::http::client_context::ClientContext;
use crate::http::token::AccessToken;
use crate::routes::auth::ProviderPathId;
use crate::routes::docs::Docs;
use crate::routes::responses::{
    MethodNotRemovable, ProviderNotFound, ReauthenticationRequired, Unauthenticated, Unavailable,
};
use crate::state::AppState;

/// Unlink a provider from the signed-in account.
///
/// Removes every link of the account to that provider, with a recent proof of identity
/// (`REAUTH_WINDOW_SECS`), unless it is the account's last way in. The account's other sessions
/// that signed in with that provider are revoked; this one stays. A later sign-in with the
/// unlinked identity is not linked back by its email (`identity_unlinked`); only a link flow
/// started from the account links it again.
#[utoipa::path(
    tag = "oauth",
    security(("bearer" = []), ("cookie" = [])),
    params(("provider" = ProviderPathId, Path, description = "A configured provider's id (`GET /api/auth/providers`)")),
    responses(
        (status = 204, description = "Unlinked; the sessions it opened elsewhere are revoked"),
        Unauthenticated, ReauthenticationRequired, MethodNotRemovable, ProviderNotFound, Unavailable,
    )
)]
#[delete("/api/auth/{provider}/link")]
pub async fn unlink(
    app: web::Data<AppState>,
    routes: web::Data<Docs>,
    request: HttpRequest,
    provider: web::Path<String>,
    token: AccessToken,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    // An unknown or unconfigured provider is a 404 for everyone, signed in or not.
    let provider = match provider_named(&app, &provider, &request, &routes) {
        Ok(provider) => provider,
        Err(answer) => return Ok(*answer),
    };
    let current = app.authenticate.execute(token.as_deref()).await?;
    let command = RemoveSignInMethodCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        method: RemovedMethod::Provider(provider.clone()),
        client: client.info.clone(),
    };
    app.accounts.remove_sign_in_method.execute(&command).await?;
    Audit::new(AuditEvent::OAuthUnlinked, &client)
        .user(current.user.id)
        .session(current.session.id)
        .provider(provider.as_str())
        .emit();
    Ok(HttpResponse::NoContent().finish())
}
