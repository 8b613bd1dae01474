//! The OpenAPI document at `/openapi.json` and Swagger UI at `/docs`, both served from the
//! binary (the UI's files are embedded at build time; no CDN).

use std::sync::{Arc, OnceLock};

use actix_web::ResponseError;
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpResponse, get, http::header, web};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_swagger_ui::{Config, SwaggerUi};

use super::auth;
use super::route_table::RouteTable;
use crate::error::{ApiError, FieldErrorCodes, FieldProblem, OAuthErrorCodes, Problem, ProblemCode};

/// What the OpenAPI document says besides its paths, which [`super::table`] adds.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Yoshikosan auth API",
        description = "Email/password, passkey and OAuth sign-in, revocable JWT sessions, health checks and metrics. \
            Errors are RFC 9457 problem documents (`application/problem+json`) with a stable `code`.",
    ),
    components(schemas(Problem, FieldProblem, ProblemCode, FieldErrorCodes, OAuthErrorCodes, auth::ProviderPathId, auth::AuthResponse)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Accounts, sign-in and sign-out"),
        (name = "sessions", description = "The signed-in user's sessions (devices): list, revoke one, revoke all"),
        (name = "oauth", description = "Sign-in with Google, Discord and the configured OpenID Connect providers (browser redirects)"),
        (name = "passkeys", description = "Passkeys (WebAuthn): sign in without a password, add, name and remove them"),
        (name = "health", description = "Liveness and readiness probes"),
        (name = "operations", description = "For operators on the internal network: Prometheus metrics"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

#[derive(Debug)]
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components
            .add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("access_token"))));
    }
}

const SPEC_URL: &str = "/openapi.json";

/// `/docs` itself, served with a `<base>` so the UI's relative asset links resolve under
/// `/docs/` (the embedded UI otherwise only answers at `/docs/`).
#[get("/docs")]
async fn docs_index() -> HttpResponse {
    let config = Arc::new(Config::from(SPEC_URL));
    match utoipa_swagger_ui::serve("index.html", config) {
        Ok(Some(file)) => {
            let html = String::from_utf8_lossy(&file.bytes).replacen("<head>", r#"<head><base href="/docs/">"#, 1);
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "no-cache"))
                .body(html)
        }
        _ => HttpResponse::NotFound().finish(),
    }
}

/// The OpenAPI document as served, and the table of routes read from it: built at the first
/// request that needs either, then shared by the workers. Building the document runs a great
/// deal of code once and takes megabytes; a service that is never asked for it keeps neither.
#[derive(Debug, Default)]
pub struct Docs(OnceLock<Built>);

#[derive(Debug)]
struct Built {
    spec: web::Bytes,
    routes: RouteTable,
}

impl Docs {
    fn built(&self) -> &Built {
        self.0.get_or_init(|| {
            let openapi = super::openapi();
            let spec = serde_json::to_vec(&openapi).unwrap_or_else(|error| {
                tracing::error!(%error, "the OpenAPI document could not be written");
                b"{}".to_vec()
            });
            Built { spec: web::Bytes::from(spec), routes: RouteTable::from_docs(&openapi) }
        })
    }

    /// The document's JSON.
    pub fn spec(&self) -> web::Bytes {
        self.built().spec.clone()
    }

    /// Every documented route and its methods.
    pub fn routes(&self) -> &RouteTable {
        &self.built().routes
    }
}

async fn document(docs: web::Data<Docs>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(docs.spec())
}

/// `/docs` and `/openapi.json`, serving the document of the [`Docs`] in the app's data. The UI
/// answers a file it does not have with an empty 404, made the problem every other 404 is.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(docs_index).route(SPEC_URL, web::get().to(document)).service(
        web::scope("/docs")
            .wrap(from_fn(empty_not_found_as_problem))
            .service(SwaggerUi::new("/{_:.*}").config(Config::from(SPEC_URL))),
    );
}

/// A 404 answered without a body (the embedded Swagger UI's, for a file it does not have)
/// becomes the same problem document as every other 404.
pub async fn empty_not_found_as_problem(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let empty = matches!(response.response().body().size(), BodySize::None | BodySize::Sized(0));
    if response.status() == StatusCode::NOT_FOUND && empty {
        let (req, _) = response.into_parts();
        return Ok(ServiceResponse::new(req, ApiError::NotFound.error_response()));
    }
    Ok(response.map_into_boxed_body())
}
