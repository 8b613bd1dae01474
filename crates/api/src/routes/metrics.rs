//! `GET /metrics`: Prometheus metrics for operators, on the service's own listener.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use super::health::DATABASE_TIMEOUT;
use crate::http::request_metrics;
use crate::prometheus;
use crate::state::AppState;
use crate::telemetry::access_log;

/// The Prometheus text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Prometheus metrics, in the text exposition format.
///
/// Requests by route and status with their latency, sign-ins and registrations by result,
/// rate-limit refusals, the bcrypt queue, and the database (checked with `SELECT 1` within 2 s at
/// each scrape) with its pool. Not authenticated: it is for scrapers on the internal network,
/// and the public proxy does not pass it on.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The metrics", body = String, content_type = "text/plain; version=0.0.4",
            example = "# TYPE yoshikosan_database_up gauge\nyoshikosan_database_up 1\n"),
    )
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    // Gauges of the moment: read now rather than whenever something last touched the database.
    prometheus::record_database_up(state.operations.database.ping(DATABASE_TIMEOUT).await);
    prometheus::record_access_log_dropped(access_log::dropped_lines());
    if let Some(stats) = state.operations.database.pool_stats() {
        prometheus::record_pool(stats);
    }
    // The requests' families are kept apart from the recorder (see `request_metrics`).
    let mut text = String::new();
    request_metrics::render(&mut text);
    text.push_str(&state.operations.metrics.render());
    HttpResponse::Ok().content_type(CONTENT_TYPE).insert_header((header::CACHE_CONTROL, "no-store")).body(text)
}
