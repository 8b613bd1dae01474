use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"password": true, "providers": [{"id": "google", "name": "Google", "authorize_url": "/api/auth/google"}]}))]
pub struct ProvidersResponse {
    /// Email/password sign-in is available.
    pub password: bool,
    /// The configured OAuth providers only.
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
}

/// The enabled sign-in methods, so a login page can show the right buttons.
#[utoipa::path(tag = "auth", responses((status = 200, description = "Enabled sign-in methods", body = ProvidersResponse)))]
#[get("/api/auth/providers")]
pub async fn providers(state: web::Data<AppState>) -> web::Json<ProvidersResponse> {
    let providers = state
        .oauth
        .start
        .configured()
        .into_iter()
        .map(|p| ProviderResponse {
            id: p.as_str().to_owned(),
            name: p.display_name().to_owned(),
            authorize_url: format!("/api/auth/{}", p.as_str()),
        })
        .collect();
    web::Json(ProvidersResponse { password: true, providers })
}
