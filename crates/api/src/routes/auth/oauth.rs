//! Google, Discord and the configured OpenID Connect providers: `GET /api/auth/{provider}` starts a sign-in, `POST
//! /api/auth/{provider}/link` starts linking the provider to the signed-in user, and `GET
//! /api/auth/callback/{provider}` finishes either and returns the browser to the frontend.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, ResponseError, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use yoshikosan_domain::use_cases::{
    CompleteOAuthCommand, CompletedOAuth, FLOW_LIFETIME, OAuthErrorCode, OAuthOutcome, StartOAuthError,
};
use yoshikosan_domain::{FlowPurpose, ProviderCallback, ProviderId, SessionId, UserId};

use super::dto::AuthResponse;
use crate::audit::{Audit, AuditEvent};
use crate::config::BUILT_IN_PROVIDERS;
use crate::error::ApiError;
use crate::http::client_context::ClientContext;
use crate::http::oauth_flow::safe_redirect;
use crate::http::token::AccessToken;
use crate::prometheus::{self, SignInResult};
use crate::routes::docs::Docs;
use crate::routes::fallback::unrouted;
use crate::routes::responses::{CsrfRejected, ProviderNotFound, Unauthenticated};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct StartQuery {
    /// Where on the frontend to land afterwards: a path starting with a single `/`.
    #[param(example = "/dashboard")]
    redirect_to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackQuery {
    code: Option<String>,
    /// OAuth's `state`: the flow's anti-forgery value, checked against the sealed flow cookie.
    state: Option<String>,
    /// Set by the provider instead of `code` when sign-in was refused.
    error: Option<String>,
}

/// A configured provider's id as it appears in paths: the list is configuration, so the
/// document gives the pattern (`GET /api/auth/providers` lists the configured ones).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, pattern = "^[a-z][a-z0-9]{0,31}$", example = "google")]
pub struct ProviderPathId(#[allow(dead_code, reason = "a schema only")] String);

/// The configured provider a path names. A name no provider is configured under is answered as
/// a path nothing serves (404, or 405 where another route has that path), except a built-in
/// provider's: `provider_not_configured` tells an operator what is missing.
pub(super) fn provider_named(
    app: &AppState,
    name: &str,
    request: &HttpRequest,
    routes: &Docs,
) -> Result<ProviderId, Box<HttpResponse>> {
    match app.oauth.providers.find(name) {
        Some(registered) => Ok(registered.id.clone()),
        None if BUILT_IN_PROVIDERS.contains(&name) => Err(Box::new(ApiError::ProviderNotConfigured.error_response())),
        None => Err(Box::new(unrouted(request, routes.routes()))),
    }
}

const QUERY_UNREADABLE: &str = "The query string could not be read: each parameter may be given once";

fn redirect(mut response: HttpResponseBuilder, location: &str) -> HttpResponseBuilder {
    response.insert_header((header::LOCATION, location));
    response
}

/// Starts a flow and sends the browser to the provider with the sealed flow cookie; a flow that
/// cannot start sends it back to the page it came from, saying why.
async fn begin(
    app: &AppState,
    provider: &ProviderId,
    purpose: FlowPurpose,
    redirect_to: String,
    response: HttpResponseBuilder,
) -> Result<HttpResponse, ApiError> {
    let from_account = purpose.returns_to_account();
    let started = match app.oauth.start.execute(provider.clone(), purpose, redirect_to).await {
        Ok(started) => started,
        Err(StartOAuthError::ReauthenticationRequired) => {
            return Ok(redirect(response, &app.oauth.reauthentication_page(provider)).finish());
        }
        Err(error) => {
            let code = match &error {
                StartOAuthError::SessionEnded => OAuthErrorCode::SessionExpired,
                StartOAuthError::Infrastructure(_) => OAuthErrorCode::Unavailable,
                _ => OAuthErrorCode::ProviderError,
            };
            tracing::warn!(%provider, %error, "could not start an OAuth flow");
            return Ok(redirect(response, &app.oauth.error_page(from_account, code)).finish());
        }
    };
    let sealed =
        app.oauth.ciphers.seal(&started.flow).ok_or_else(|| ApiError::Internal("sealing the flow cookie".into()))?;
    Ok(redirect(response, &started.authorization_url)
        .cookie(app.web.cookie.flow(sealed, FLOW_LIFETIME.num_seconds()))
        .finish())
}

/// Start signing in with a provider.
///
/// Redirects the browser to the provider's consent page. This only ever signs in: a successful
/// sign-in replaces the browser's session (the previous one is revoked). To add a provider to
/// the signed-in account, use `POST /api/auth/{provider}/link`.
#[utoipa::path(
    tag = "oauth",
    params(("provider" = ProviderPathId, Path, description = "A configured provider's id (`GET /api/auth/providers`)")),
    responses(
        (status = 302, description = "To the provider; sets the encrypted flow cookie (10 minutes)",
            headers(("location" = String, description = "The provider's authorization URL"))),
        (status = 303, description = "A navigation from another site (`Sec-Fetch-Site: cross-site`): to the frontend's login page, which offers this provider's button",
            headers(("location" = String, description = "`{FRONTEND_URL}/login?provider=<id>&redirect_to=<path>`"))),
        ProviderNotFound,
    )
)]
// Registered after every other `/api/auth/…` route, so that a named route always wins; no
// provider id is one of their names.
#[get("/api/auth/{provider}")]
pub async fn start(
    app: web::Data<AppState>,
    routes: web::Data<Docs>,
    request: HttpRequest,
    provider: web::Path<String>,
    query: Result<web::Query<StartQuery>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    let provider = match provider_named(&app, &provider, &request, &routes) {
        Ok(provider) => provider,
        Err(answer) => return Ok(*answer),
    };
    // Read after the lookup: a path that names no provider is answered as such, whatever its query.
    let query = query.map_err(|_| ApiError::BadRequest(QUERY_UNREADABLE.to_owned()))?;
    let redirect_to = safe_redirect(query.redirect_to.as_deref(), "/");
    if started_by_another_site(&request) {
        // A provider that approves silently would sign the victim in as whoever the other site
        // chose, or claim an account: a person starts a sign-in here, on the login page.
        let location = app.oauth.login_page_for(&provider, &redirect_to);
        return Ok(redirect(HttpResponse::SeeOther(), &location).finish());
    }
    begin(&app, &provider, FlowPurpose::SignIn, redirect_to, HttpResponse::Found()).await
}

/// A navigation from another site, as the browser says (`Sec-Fetch-Site: cross-site`). Our own
/// pages (`same-origin`, `same-site`), a typed address or bookmark (`none`) and clients that send
/// no such header go on.
fn started_by_another_site(request: &HttpRequest) -> bool {
    request.headers().get("sec-fetch-site").is_some_and(|site| site.as_bytes().eq_ignore_ascii_case(b"cross-site"))
}

/// Start linking a provider to the signed-in account.
///
/// For a top-level form post from the frontend: answers 303 to the provider's consent page. The
/// session needs a recent proof of identity (`REAUTH_WINDOW_SECS`); without one the browser goes
/// to `/account?error=reauthentication_required&provider=<id>`. At the callback the provider
/// account is linked to this user only, only while this session is still valid, and never moved
/// from another user; the browser then returns to `redirect_to` (default `/account`), or to
/// `/account?error=` (`session_expired`, `already_linked`, ...).
#[utoipa::path(
    tag = "oauth",
    security(("bearer" = []), ("cookie" = [])),
    params(("provider" = ProviderPathId, Path, description = "A configured provider's id (`GET /api/auth/providers`)")),
    responses(
        (status = 303, description = "To the provider, setting the encrypted flow cookie (10 minutes); or, without a recent proof, to the account page",
            headers(("location" = String, description = "The provider's authorization URL, or `{FRONTEND_URL}/account?error=reauthentication_required&provider=<id>`"))),
        Unauthenticated, CsrfRejected, ProviderNotFound,
    )
)]
#[post("/api/auth/{provider}/link")]
pub async fn start_link(
    app: web::Data<AppState>,
    routes: web::Data<Docs>,
    request: HttpRequest,
    provider: web::Path<String>,
    query: Result<web::Query<StartQuery>, actix_web::Error>,
    token: AccessToken,
) -> Result<HttpResponse, ApiError> {
    let link = |user_id, session_id| FlowPurpose::Link { user_id, session_id };
    begin_for_session(&app, &routes, &request, &provider, query, token, link).await
}

/// Starts a flow of the signed-in session from the account page (a link, a re-authentication):
/// `purpose` names what it is for that session; the browser returns to `/account` by default.
pub(super) async fn begin_for_session(
    app: &AppState,
    routes: &Docs,
    request: &HttpRequest,
    provider: &str,
    query: Result<web::Query<StartQuery>, actix_web::Error>,
    token: AccessToken,
    purpose: impl FnOnce(UserId, SessionId) -> FlowPurpose,
) -> Result<HttpResponse, ApiError> {
    // An unknown or unconfigured provider is a 404 for everyone, signed in or not.
    let provider = match provider_named(app, provider, request, routes) {
        Ok(provider) => provider,
        Err(answer) => return Ok(*answer),
    };
    // Read after the lookup: a path that names no provider is answered as such, whatever its query.
    let query = query.map_err(|_| ApiError::BadRequest(QUERY_UNREADABLE.to_owned()))?;
    let current = app.authenticate.execute(token.as_deref()).await?;
    let purpose = purpose(current.user.id, current.session.id);
    let redirect_to = safe_redirect(query.redirect_to.as_deref(), "/account");
    begin(app, &provider, purpose, redirect_to, HttpResponse::SeeOther()).await
}

/// Where the provider sends the browser back.
///
/// Always redirects. A sign-in: to `FRONTEND_URL` + the requested path with the session cookie
/// set, or to `FRONTEND_URL/login?error=` one of `access_denied`, `invalid_state`,
/// `provider_error`, `email_not_verified`, `identity_unlinked`, `issuer_changed`, `unavailable`. A link or a
/// re-authentication: to the requested path (default `/account`), or to
/// `FRONTEND_URL/account?error=` one of those or `session_expired`, `already_linked`,
/// `reauthentication_failed`.
#[utoipa::path(
    tag = "oauth",
    params(("provider" = ProviderPathId, Path, description = "A configured provider's id (`GET /api/auth/providers`)")),
    responses(
        (status = 302, description = "To the frontend, signed in or linked, or to its error page with `error`",
            headers(("location" = String), ("set-cookie" = String, description = "The session cookie, after a sign-in"))),
        ProviderNotFound,
    )
)]
#[get("/api/auth/callback/{provider}")]
pub async fn callback(
    app: web::Data<AppState>,
    routes: web::Data<Docs>,
    provider: web::Path<String>,
    query: Result<web::Query<CallbackQuery>, actix_web::Error>,
    req: HttpRequest,
    token: AccessToken,
    client: ClientContext,
) -> Result<HttpResponse, ApiError> {
    let provider = match provider_named(&app, &provider, &req, &routes) {
        Ok(provider) => provider,
        Err(answer) => return Ok(*answer),
    };
    // Read after the lookup: a path that names no provider is answered as such, whatever its query.
    let query = query.map_err(|_| ApiError::BadRequest(QUERY_UNREADABLE.to_owned()))?;
    let flow = app.web.cookie.read_flow(&req).and_then(|sealed| app.oauth.ciphers.open(&sealed));
    let from_account = flow.as_ref().is_some_and(|f| f.purpose.returns_to_account());
    let reauthentication = flow.as_ref().is_some_and(|f| matches!(f.purpose, FlowPurpose::Reauthenticate { .. }));
    let CallbackQuery { code, state: flow_state, error } = query.into_inner();
    let command = CompleteOAuthCommand {
        provider: provider.clone(),
        flow,
        callback: ProviderCallback { code, state: flow_state, error },
        client: client.info.clone(),
        browser_token: token.as_deref().map(str::to_owned),
    };
    let audit = |event| Audit::new(event, &client).provider(provider.as_str());
    let mut response = match app.oauth.complete.execute(command).await {
        Ok(CompletedOAuth::SignedIn { signed_in, redirect_to, .. }) => {
            prometheus::record_sign_in(provider.as_str(), SignInResult::Success);
            let (signed_in, outcome) = (signed_in.signed_in, signed_in.outcome);
            let event = match outcome {
                OAuthOutcome::SignedIn => AuditEvent::OAuthSignedIn,
                OAuthOutcome::Linked => AuditEvent::OAuthLinked,
                OAuthOutcome::Claimed => AuditEvent::AccountClaimed,
                OAuthOutcome::Created => AuditEvent::OAuthUserCreated,
            };
            audit(event).user(signed_in.user.id).session(signed_in.session_id).emit();
            let mut response = redirect(HttpResponse::Found(), &app.oauth.frontend_location(&redirect_to));
            response.cookie(AuthResponse::session_cookie(&signed_in, &app.web.cookie, app.web.access_token_ttl));
            response
        }
        Ok(CompletedOAuth::Linked { linked, redirect_to }) => {
            if linked.newly_linked {
                audit(AuditEvent::OAuthLinked).user(linked.user_id).session(linked.session_id).emit();
            }
            redirect(HttpResponse::Found(), &app.oauth.frontend_location(&redirect_to))
        }
        Ok(CompletedOAuth::Reauthenticated { user_id, session_id, redirect_to }) => {
            audit(AuditEvent::Reauthenticated).user(user_id).session(session_id).emit();
            redirect(HttpResponse::Found(), &app.oauth.frontend_location(&redirect_to))
        }
        Err(error) => {
            // A link or re-authentication flow is not a sign-in.
            if let Some(result) = SignInResult::of_oauth(&error).filter(|_| !from_account) {
                prometheus::record_sign_in(provider.as_str(), result);
            }
            let code = error.code();
            if error.is_internal() {
                tracing::error!(cause = %error, "an OAuth flow could not be completed");
            } else {
                tracing::warn!(%provider, %error, "an OAuth flow failed");
            }
            let event = if reauthentication { AuditEvent::ReauthenticationFailed } else { AuditEvent::OAuthFailed };
            audit(event).reason(code.as_str()).emit();
            redirect(HttpResponse::Found(), &app.oauth.error_page(from_account, code))
        }
    };
    // The flow cookie is spent whatever happened.
    Ok(response.cookie(app.web.cookie.flow_removal()).finish())
}
