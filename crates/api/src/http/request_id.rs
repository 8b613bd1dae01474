//! `x-request-id` on every response: the client's own when it sent a sane one, else a new
//! UUID; and a tracing span per request that carries it, so every log line of a request can
//! be found from the id a user reports.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

use super::client_ip::ClientIp;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const MAX_LENGTH: usize = 128;

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// When the request reached the service, for the access log's duration.
#[derive(Debug, Clone, Copy)]
struct Started(Instant);

/// Only short, printable, shell- and log-safe ids are taken from clients.
fn accept(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_.:".contains(c);
    (!text.is_empty() && text.len() <= MAX_LENGTH && text.chars().all(safe)).then(|| text.to_owned())
}

/// Outermost middleware: runs before the tracing span opens and sets the header on every
/// response, error responses of inner middleware included.
pub async fn assign(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req.headers().get(&REQUEST_ID).and_then(accept).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let value = HeaderValue::from_str(&id).ok();
    req.extensions_mut().insert(RequestId(id));
    req.extensions_mut().insert(Started(Instant::now()));
    match next.call(req).await {
        Ok(mut response) => {
            if let Some(value) = value {
                response.headers_mut().insert(REQUEST_ID, value);
            }
            Ok(response)
        }
        // An inner middleware failed; its error response must carry the id too.
        Err(error) => {
            let mut response = error.error_response();
            if let Some(value) = value {
                response.headers_mut().insert(REQUEST_ID, value);
            }
            Err(InternalError::from_response(error.to_string(), response).into())
        }
    }
}

/// The root span of each request, named by our request id rather than tracing-actix-web's.
#[derive(Debug)]
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();
        let route = request.match_pattern().unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            http.method = %request.method(),
            http.route = %route,
            http.target = %request.uri().path(),
            http.client_ip = %request.extensions().get::<ClientIp>().map(|c| c.0.to_string()).unwrap_or_default(),
        )
    }

    /// The access-log line: status and time taken, inside the request's span. An event rather
    /// than fields recorded into the span and printed when it closes: re-recording a span's
    /// fields re-serialises all of them, which cost more than the rest of a small request.
    /// Causes of failures are logged once, by `ApiError`.
    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, started) = match outcome {
            Ok(response) => (response.status(), response.request().extensions().get::<Started>().map(|s| s.0)),
            Err(error) => (error.as_response_error().status_code(), None),
        };
        // Unknown when a middleware refused the request: then the field is left out, not 0.
        let duration_us = started.map(|at| u64::try_from(at.elapsed().as_micros()).unwrap_or(u64::MAX));
        span.in_scope(|| {
            tracing::info!(http.status_code = status.as_u16(), duration_us, "request finished");
        });
    }
}
