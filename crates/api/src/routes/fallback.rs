//! Answers for requests no route took: 405 with `Allow` when the path exists under other
//! methods, else 404. The known routes are read from the OpenAPI document, which every handler
//! is declared in, so this table cannot drift from the real routes.

use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::docs::Docs;
use super::route_table::RouteTable;
use crate::error::ApiError;

pub async fn not_routed(req: HttpRequest, docs: web::Data<Docs>) -> HttpResponse {
    unrouted(&req, docs.routes())
}

/// The answer for a path no route serves: 405 with `Allow` where another method has it, else 404.
pub fn unrouted(req: &HttpRequest, table: &RouteTable) -> HttpResponse {
    match table.methods_for(req.path()) {
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
            let mut response = ApiError::MethodNotAllowed.error_response();
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        _ => ApiError::NotFound.error_response(),
    }
}
