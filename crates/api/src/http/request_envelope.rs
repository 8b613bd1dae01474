//! What every request gets, in one middleware, the outermost: its id (`x-request-id`), its
//! client's address, a tracing span carrying the id, the CSRF check, the body's deadline, the
//! security headers, its count and time in `/metrics`, and its access-log line. One pass
//! instead of a middleware each: every layer costs a boxed future and a trip through the
//! response, which on a small request added up to more than the request's own work.

use std::time::Instant;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::HeaderMap;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError};
use tracing::Instrument;

use super::client_ip::{self, ClientIp};
use super::request_id::{REQUEST_ID, RequestId};
use super::{body_deadline, csrf, request_metrics, security_headers};
use crate::telemetry::access_log::{self, AccessLine};

pub async fn wrap<B: MessageBody + 'static>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let started = Instant::now();
    let id = RequestId::of_request(req.headers());
    let client_ip = client_ip::of(&req);
    let docs = security_headers::is_docs(req.match_info().as_str());
    let method = req.method().clone();
    {
        let mut extensions = req.extensions_mut();
        extensions.insert(id.clone());
        if let Some(ip) = client_ip {
            extensions.insert(ClientIp(ip));
        }
    }
    // Only the id: the rest of the request is on its access line, found by the id. A field
    // costs its formatting on every request, whether or not a line is ever written inside it.
    let span = tracing::info_span!("request", request_id = id.as_str());
    let outcome = match span.in_scope(|| csrf::refusal(&req)) {
        Some(refusal) => Ok(req.into_response(refusal.error_response()).map_into_right_body()),
        None => {
            body_deadline::limit(&mut req);
            next.call(req).instrument(span).await.map(ServiceResponse::map_into_left_body)
        }
    };
    let took = started.elapsed();
    match outcome {
        Ok(mut response) => {
            let status = response.status();
            finish(response.headers_mut(), &id, docs);
            // After routing, the matched pattern is read off the request, not searched for.
            let route = response.request().match_pattern();
            request_metrics::record(&method, route.as_deref(), status, took);
            let line = AccessLine {
                request_id: id.as_str(),
                method: &method,
                route: route.as_deref(),
                target: Some(response.request().path()),
                client_ip,
                status: status.as_u16(),
                duration: took,
            };
            access_log::write(&line);
            Ok(response)
        }
        // An inner middleware failed: its error response gets the id and headers too.
        Err(error) => {
            let mut response = error.error_response();
            let status = response.status();
            finish(response.headers_mut(), &id, docs);
            request_metrics::record(&method, None, status, took);
            let line = AccessLine {
                request_id: id.as_str(),
                method: &method,
                route: None,
                target: None,
                client_ip,
                status: status.as_u16(),
                duration: took,
            };
            access_log::write(&line);
            Err(InternalError::from_response(error.to_string(), response).into())
        }
    }
}

fn finish(headers: &mut HeaderMap, id: &RequestId, docs: bool) {
    // Room for them all at once, rather than growing the map as they come.
    headers.reserve(8);
    headers.insert(REQUEST_ID, id.header_value());
    security_headers::insert(headers, docs);
}
