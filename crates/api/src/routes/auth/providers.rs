use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"password": true, "email_links": true, "passkeys": true, "providers": [{"id": "google", "name": "Google", "authorize_url": "/api/auth/google", "authorization_origin": "https://accounts.google.com", "avatar_sources": ["https://*.googleusercontent.com"]}]}))]
pub struct ProvidersResponse {
    /// Email/password sign-in is available.
    pub password: bool,
    /// Links by mail (password reset) are sent; when false the mail routes answer 404.
    pub email_links: bool,
    /// Passkeys work on this site; when false their routes answer 404.
    pub passkeys: bool,
    /// The configured OAuth providers only, in the order of the sign-in buttons.
    pub providers: Vec<ProviderResponse>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderResponse {
    #[schema(example = "google")]
    pub id: String,
    #[schema(example = "Google")]
    pub name: String,
    /// Where a browser goes to start signing in with this provider.
    #[schema(example = "/api/auth/google")]
    pub authorize_url: String,
    /// Scheme, host and port of the provider's authorization endpoint, where a sign-in or link
    /// form's redirect goes: a page's CSP `form-action` must allow it.
    #[schema(example = "https://accounts.google.com")]
    pub authorization_origin: String,
    /// CSP source expressions of the hosts this provider's avatars come from: a page's
    /// `img-src` must allow them to show a user's `avatar_url`.
    #[schema(example = json!(["https://*.googleusercontent.com"]))]
    pub avatar_sources: Vec<String>,
}

/// The enabled sign-in methods, so a login page can show the right buttons.
#[utoipa::path(tag = "auth", responses((status = 200, description = "Enabled sign-in methods", body = ProvidersResponse)))]
#[get("/api/auth/providers")]
pub async fn providers(state: web::Data<AppState>) -> web::Json<ProvidersResponse> {
    let providers = state
        .oauth
        .providers
        .iter()
        .map(|p| ProviderResponse {
            id: p.id.to_string(),
            name: p.display_name.clone(),
            authorize_url: format!("/api/auth/{}", p.id),
            authorization_origin: p.authorization_origin.clone(),
            avatar_sources: p.avatar_sources.clone(),
        })
        .collect();
    let passkeys = state.passkeys.is_some();
    web::Json(ProvidersResponse { password: true, email_links: state.mail.enabled, passkeys, providers })
}
