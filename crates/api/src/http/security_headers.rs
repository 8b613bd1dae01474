//! Headers every response gets, and the stricter ones of auth answers and the docs page.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// Swagger UI needs its own inline styles and images from data: URIs; nothing else.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path().to_owned();
    match next.call(req).await {
        Ok(mut response) => {
            insert(response.headers_mut(), &path);
            Ok(response)
        }
        // An inner middleware failed: its error response gets the headers too.
        Err(error) => {
            let mut response: HttpResponse = error.error_response();
            insert(response.headers_mut(), &path);
            Err(InternalError::from_response(error.to_string(), response).into())
        }
    }
}

fn insert(headers: &mut HeaderMap, path: &str) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let csp = if path == "/docs" || path.starts_with("/docs/") { DOCS_CSP } else { API_CSP };
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    if path.starts_with("/api/") {
        // Tokens and user data must never sit in a shared or browser cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}
