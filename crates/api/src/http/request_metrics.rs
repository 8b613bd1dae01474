//! Counts and times every answered request for `/metrics`, by method, route pattern and status.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::prometheus::METRICS_PATH;
use crate::prometheus::{self, UNMATCHED};

pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // The pattern (`/api/auth/callback/{provider}`), never the path: paths are the client's to
    // choose, and each label value is a series kept for the life of the process.
    let route = req.match_pattern();
    // Scrapes are not the service's traffic.
    if route.as_deref() == Some(METRICS_PATH) {
        return next.call(req).await;
    }
    let route = route.unwrap_or_else(|| UNMATCHED.to_owned());
    let method = req.method().clone();
    let started = Instant::now();
    let result = next.call(req).await;
    let status = match &result {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    prometheus::record_request(&method, route, status, started.elapsed());
    result
}
