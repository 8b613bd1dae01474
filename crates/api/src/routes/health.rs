use std::time::Duration;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::json_reply::APPLICATION_JSON;
use crate::prometheus;
use crate::state::AppState;

/// How long the database gets to answer before the service reports itself unhealthy.
pub const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "healthy", "database": "ok", "version": "0.1.0", "uptime_seconds": 42, "timestamp": "2026-11-22T16:00:00Z"}))]
pub struct HealthResponse {
    /// `healthy` or `unhealthy`.
    pub status: &'static str,
    /// `ok` or `unavailable`.
    pub database: &'static str,
    pub version: &'static str,
    pub uptime_seconds: u64,
    pub timestamp: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LivenessResponse {
    #[schema(example = "alive")]
    pub status: &'static str,
}

async fn readiness(state: &AppState) -> HttpResponse {
    let database_ok = state.operations.database.ping(DATABASE_TIMEOUT).await;
    prometheus::record_database_up(database_ok);
    let body = HealthResponse {
        status: if database_ok { "healthy" } else { "unhealthy" },
        database: if database_ok { "ok" } else { "unavailable" },
        version: env!("CARGO_PKG_VERSION"),
        uptime_seconds: state.operations.started_at.elapsed().as_secs(),
        timestamp: Utc::now(),
    };
    let mut response = if database_ok { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    response.insert_header(("cache-control", "no-store")).json(body)
}

/// Readiness: the process is up and the database answers `SELECT 1` within 2 s.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthResponse),
        (status = 503, description = "The database is unavailable", body = HealthResponse,
            example = json!({"status": "unhealthy", "database": "unavailable", "version": "0.1.0", "uptime_seconds": 42, "timestamp": "2026-11-22T16:00:00Z"})),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    readiness(&state).await
}

/// Readiness, as `/health`.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthResponse),
        (status = 503, description = "The database is unavailable", body = HealthResponse),
    )
)]
#[get("/health/ready")]
pub async fn health_ready(state: web::Data<AppState>) -> HttpResponse {
    readiness(&state).await
}

/// Liveness: the process answers; the database is not consulted.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = LivenessResponse)))]
#[get("/health/live")]
pub async fn health_live() -> HttpResponse {
    // A const: `ContentType::json()` would build its header value on every request.
    HttpResponse::Ok().insert_header((header::CONTENT_TYPE, APPLICATION_JSON)).body(ALIVE)
}

/// What `web::Json(LivenessResponse { status: "alive" })` writes, written once: probes and load
/// balancers ask for it often, and it never changes.
const ALIVE: &[u8] = br#"{"status":"alive"}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_liveness_body_is_the_documented_response() {
        assert_eq!(serde_json::to_vec(&LivenessResponse { status: "alive" }).unwrap(), ALIVE);
    }
}
