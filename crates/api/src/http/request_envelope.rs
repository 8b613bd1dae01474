//! What every request gets, in one middleware, the outermost: its id (`x-request-id`), its
//! client's address, a tracing span carrying the id, the CSRF check, the body's deadline, the
//! security headers, its count and time in `/metrics`, and its access-log line. One pass
//! instead of a middleware each: every layer costs a boxed future and a trip through the
//! response, which on a small request added up to more than the request's own work.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
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
    let outcome = match csrf::refusal(&req, &span) {
        Some(refusal) => Ok(req.into_response(refusal.error_response()).map_into_right_body()),
        None => {
            body_deadline::limit(&mut req);
            next.call(req).instrument(span).await.map(ServiceResponse::map_into_left_body)
        }
    };
    let answered = Answered { id: &id, method: &method, client_ip, took: started.elapsed() };
    match outcome {
        Ok(mut response) => {
            finish(response.headers_mut(), &id, docs);
            // After routing, the matched pattern is read off the request, not searched for.
            let route = response.request().match_pattern();
            answered.account(route.as_deref(), Some(response.request().path()), response.status());
            Ok(response)
        }
        // An inner middleware failed: its error response gets the id and headers too.
        Err(error) => {
            let mut response = error.error_response();
            finish(response.headers_mut(), &id, docs);
            answered.account(None, None, response.status());
            Err(InternalError::from_response(error.to_string(), response).into())
        }
    }
}

/// What is known of every answered request, whichever way it was answered.
struct Answered<'a> {
    id: &'a RequestId,
    method: &'a Method,
    client_ip: Option<IpAddr>,
    took: Duration,
}

impl Answered<'_> {
    /// Counts the answer in `/metrics` and queues its access line.
    fn account(&self, route: Option<&str>, target: Option<&str>, status: StatusCode) {
        request_metrics::record(self.method, route, status, self.took);
        access_log::write(&AccessLine {
            request_id: self.id.as_str(),
            method: self.method,
            route,
            target,
            client_ip: self.client_ip,
            status: status.as_u16(),
            duration: self.took,
        });
    }
}

fn finish(headers: &mut HeaderMap, id: &RequestId, docs: bool) {
    // Room for them all at once, rather than growing the map as they come.
    headers.reserve(8);
    headers.insert(REQUEST_ID, id.header_value());
    security_headers::insert(headers, docs);
}
