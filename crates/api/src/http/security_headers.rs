//! Headers every response gets, and the looser ones of the docs pages.

use actix_web::http::header::{self, HeaderMap, HeaderValue};

/// Swagger UI needs its own inline styles and images from data: URIs; nothing else.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// `path` as the router sees it, percent-encoding decoded: `/%64ocs` is `/docs`.
pub fn is_docs(path: &str) -> bool {
    path == "/docs" || path.starts_with("/docs/")
}

// Consts, not `HeaderValue::from_static` in `insert`: called at run time, it checks every
// byte of its string again on every response.
const NOSNIFF: HeaderValue = HeaderValue::from_static("nosniff");
const NO_REFERRER: HeaderValue = HeaderValue::from_static("no-referrer");
const DENY: HeaderValue = HeaderValue::from_static("DENY");
const DOCS_CSP_VALUE: HeaderValue = HeaderValue::from_static(DOCS_CSP);
const API_CSP_VALUE: HeaderValue = HeaderValue::from_static(API_CSP);
const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");

pub fn insert(headers: &mut HeaderMap, docs: bool) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, NOSNIFF);
    headers.insert(header::REFERRER_POLICY, NO_REFERRER);
    headers.insert(header::X_FRAME_OPTIONS, DENY);
    headers.insert(header::CONTENT_SECURITY_POLICY, if docs { DOCS_CSP_VALUE } else { API_CSP_VALUE });
    if !docs {
        // Tokens and user data must never sit in a shared or browser cache: every answer but
        // the documentation's pages is kept out of them, whatever its path.
        headers.insert(header::CACHE_CONTROL, NO_STORE);
    }
}
