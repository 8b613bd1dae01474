//! Login-CSRF and cookie-CSRF protection: a state-changing request that a browser sends with an
//! `Origin` we do not serve, and without an `Authorization` header (so authenticated, if at all,
//! by the ambient cookie), is refused. Clients that send no `Origin` are not browsers acting
//! cross-site and pass. Every path is guarded, whatever it is: the router decodes
//! percent-encoding (`/%61pi/` is `/api/`), so any test of the path could be walked around.

use std::sync::Arc;

use actix_web::dev::ServiceRequest;
use actix_web::http::{Method, header};

use crate::error::ApiError;
use crate::telemetry::request_scope::RequestLog;

#[derive(Debug, Clone)]
pub struct AllowedOrigins(pub Arc<Vec<String>>);

fn is_state_changing(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE)
}

/// The refusal of a cross-site state-changing request, if this is one, logged as part of the
/// request.
pub fn refusal(req: &ServiceRequest, request: &RequestLog) -> Option<ApiError> {
    let guarded = is_state_changing(req.method()) && !req.headers().contains_key(header::AUTHORIZATION);
    let origin = req.headers().get(header::ORIGIN).filter(|_| guarded)?;
    let allowed = req.app_data::<AllowedOrigins>().is_some_and(|allowed| {
        origin.to_str().is_ok_and(|o| allowed.0.iter().any(|a| a.eq_ignore_ascii_case(o.trim_end_matches('/'))))
    });
    if allowed {
        return None;
    }
    request.in_scope(|| tracing::warn!(origin = ?origin, "refused a cross-site state-changing request"));
    Some(ApiError::CsrfRejected)
}
