//! Sign-in with Google and Discord: `GET /api/auth/{provider}` sends the browser to the provider;
//! `GET /api/auth/callback/{provider}` finishes, signs in, and returns to the frontend.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::Utc;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use yoshikosan_domain::ports::ProviderError;
use yoshikosan_domain::use_cases::{OAuthOutcome, OAuthSignInCommand, OAuthSignInError, OAuthSignedIn};
use yoshikosan_domain::{OAuthProvider, UserId};

use super::dto::AuthResponse;
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client::Client;
use crate::http::oauth_flow::{FLOW_COOKIE, FLOW_LIFETIME, FlowState, flow_cookie, flow_cookie_removal, safe_redirect};
use crate::http::token::AccessToken;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct StartQuery {
    /// Where on the frontend to land afterwards: a path starting with a single `/`.
    #[param(example = "/dashboard")]
    redirect_to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set by the provider instead of `code` when sign-in was refused.
    error: Option<String>,
}

/// Why a sign-in did not complete, as the frontend's `/login?error=` receives it.
#[derive(Debug, Clone, Copy)]
enum FlowFailure {
    AccessDenied,
    InvalidState,
    ProviderError,
    EmailNotVerified,
    Unavailable,
}

impl FlowFailure {
    fn code(self) -> &'static str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::InvalidState => "invalid_state",
            Self::ProviderError => "provider_error",
            Self::EmailNotVerified => "email_not_verified",
            Self::Unavailable => "unavailable",
        }
    }
}

fn provider_named(state: &AppState, name: &str) -> Result<OAuthProvider, ApiError> {
    let provider = OAuthProvider::parse(name).ok_or(ApiError::NotFound)?;
    if state.oauth.providers.contains_key(&provider) { Ok(provider) } else { Err(ApiError::ProviderNotConfigured) }
}

fn redirect(location: &str) -> actix_web::HttpResponseBuilder {
    let mut response = HttpResponse::Found();
    response.insert_header((header::LOCATION, location));
    response
}

/// The providers' names as they appear in paths (only configured ones answer).
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ProviderName {
    Google,
    Discord,
}

/// Start signing in with a provider.
///
/// Redirects the browser to the provider's consent page. When a user is already signed in, the
/// provider account is linked to them on return.
#[utoipa::path(
    tag = "oauth",
    params(("provider" = ProviderName, Path, description = "`google` or `discord`", example = "google")),
    responses(
        (status = 302, description = "To the provider; sets the encrypted flow cookie (10 minutes)",
            headers(("location" = String, description = "The provider's authorization URL"))),
        (status = 404, description = "Unknown provider (`not_found`) or one that is not configured (`provider_not_configured`)",
            body = Problem, content_type = "application/problem+json", example = json!(ApiError::ProviderNotConfigured.problem())),
    )
)]
// Constrained, so that other `/api/auth/…` paths are not taken for provider names.
#[get("/api/auth/{provider:google|discord}")]
pub async fn start(
    state: web::Data<AppState>,
    provider: web::Path<String>,
    query: web::Query<StartQuery>,
    token: AccessToken,
) -> Result<HttpResponse, ApiError> {
    let provider = provider_named(&state, &provider)?;
    let Some(adapter) = state.oauth.providers.get(&provider) else { return Err(ApiError::ProviderNotConfigured) };
    let request = match adapter.authorization_request().await {
        Ok(request) => request,
        Err(error) => {
            tracing::warn!(%provider, %error, "could not start a sign-in");
            return Ok(redirect(&state.oauth.login_error(FlowFailure::ProviderError.code())).finish());
        }
    };
    // Who is signed in, if anyone, decides whether the provider account is linked to them.
    let signed_in_user = state.authenticate.execute(token.as_deref()).await.ok().map(|a| a.user.id.as_uuid());
    let flow = FlowState {
        provider: provider.as_str().to_owned(),
        state: request.state,
        pkce_verifier: request.pkce_verifier,
        nonce: request.nonce,
        redirect_to: safe_redirect(query.redirect_to.as_deref()),
        signed_in_user,
        expires_at: Utc::now() + FLOW_LIFETIME,
    };
    let sealed = flow.seal(&state.oauth.cipher).ok_or_else(|| ApiError::Internal("sealing the flow cookie".into()))?;
    Ok(redirect(&request.url).cookie(flow_cookie(&state.cookie, sealed)).finish())
}

/// Where the provider sends the browser back.
///
/// Always redirects: to `FRONTEND_URL` + the requested path with the session cookie set, or to
/// `FRONTEND_URL/login?error=` one of `access_denied`, `invalid_state`, `provider_error`,
/// `email_not_verified`, `unavailable`.
#[utoipa::path(
    tag = "oauth",
    params(("provider" = ProviderName, Path, description = "`google` or `discord`", example = "google")),
    responses(
        (status = 302, description = "To the frontend, signed in, or to its login page with `error`",
            headers(("location" = String), ("set-cookie" = String, description = "The session cookie, on success"))),
        (status = 404, description = "Unknown or unconfigured provider", body = Problem, content_type = "application/problem+json",
            example = json!(ApiError::ProviderNotConfigured.problem())),
    )
)]
#[get("/api/auth/callback/{provider}")]
pub async fn callback(
    state: web::Data<AppState>,
    provider: web::Path<String>,
    query: web::Query<CallbackQuery>,
    req: HttpRequest,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    let provider = provider_named(&state, &provider)?;
    let flow = req.cookie(FLOW_COOKIE).and_then(|c| FlowState::open(&state.oauth.cipher, c.value()));
    let outcome = finish(&state, provider, flow, query.into_inner(), &client).await;
    // The flow cookie is spent whatever happened.
    let mut response = match outcome {
        Ok((location, OAuthSignedIn { signed_in, outcome })) => {
            let event = match outcome {
                OAuthOutcome::SignedIn => AuditEvent::OAuthSignedIn,
                OAuthOutcome::Linked => AuditEvent::OAuthLinked,
                OAuthOutcome::Created => AuditEvent::OAuthUserCreated,
            };
            Audit::new(event, &client)
                .user(signed_in.user.id)
                .session(signed_in.session_id)
                .provider(provider.as_str())
                .emit();
            let mut response = redirect(&location);
            response.cookie(AuthResponse::session_cookie(&signed_in, &state.cookie, state.access_token_ttl));
            response
        }
        Err(failure) => {
            Audit::new(AuditEvent::OAuthFailed, &client).provider(provider.as_str()).reason(failure.code()).emit();
            redirect(&state.oauth.login_error(failure.code()))
        }
    };
    Ok(response.cookie(flow_cookie_removal(&state.cookie)).finish())
}

async fn finish(
    state: &AppState,
    provider: OAuthProvider,
    flow: Option<FlowState>,
    query: CallbackQuery,
    client: &Client,
) -> Result<(String, OAuthSignedIn), FlowFailure> {
    if let Some(error) = query.error {
        return Err(if error == "access_denied" { FlowFailure::AccessDenied } else { FlowFailure::ProviderError });
    }
    let flow = flow.ok_or(FlowFailure::InvalidState)?;
    let given = query.state.ok_or(FlowFailure::InvalidState)?;
    let state_matches = yoshikosan_domain::TokenHash::of(&given) == yoshikosan_domain::TokenHash::of(&flow.state);
    if flow.provider != provider.as_str() || !state_matches || flow.expires_at <= Utc::now() {
        return Err(FlowFailure::InvalidState);
    }
    // Single use, across instances: a replayed cookie with its state is refused here.
    match state.oauth.states.consume(&flow.state, flow.expires_at).await {
        Ok(true) => {}
        Ok(false) => return Err(FlowFailure::InvalidState),
        Err(error) => {
            tracing::warn!(%error, "could not record the OAuth state");
            return Err(FlowFailure::Unavailable);
        }
    }
    let code = query.code.ok_or(FlowFailure::ProviderError)?;
    let adapter = state.oauth.providers.get(&provider).ok_or(FlowFailure::ProviderError)?;
    let identity = adapter.exchange(&code, &flow.pkce_verifier, flow.nonce).await.map_err(|error| {
        tracing::warn!(%provider, %error, "provider exchange failed");
        match error {
            ProviderError::AccessDenied => FlowFailure::AccessDenied,
            ProviderError::Failed(_) => FlowFailure::ProviderError,
        }
    })?;
    let command = OAuthSignInCommand {
        identity,
        signed_in_user: flow.signed_in_user.map(UserId::from_uuid),
        client: client.info.clone(),
    };
    let signed_in = state.oauth.sign_in.execute(&command).await.map_err(|error| match error {
        OAuthSignInError::EmailNotVerified => FlowFailure::EmailNotVerified,
        OAuthSignInError::EmailMissing => FlowFailure::ProviderError,
        other => {
            tracing::error!(cause = %other, "oauth sign-in could not be stored");
            FlowFailure::Unavailable
        }
    })?;
    Ok((state.oauth.frontend_location(&flow.redirect_to), signed_in))
}
