//! Answers for requests no route took: 405 with `Allow` when the path exists under other
//! methods, else 404. The known routes are read from the OpenAPI document, which every handler
//! is declared in, so this table cannot drift from the real routes.

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::docs::Docs;
use crate::error::ApiError;

#[derive(Debug)]
pub struct RouteTable(Vec<(Vec<String>, Vec<Method>)>);

impl RouteTable {
    /// The routes of the OpenAPI document, which lists every route of the service.
    pub fn from_docs(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    (Method::GET, &item.get),
                    (Method::POST, &item.post),
                    (Method::PUT, &item.put),
                    (Method::PATCH, &item.patch),
                    (Method::DELETE, &item.delete),
                ];
                let methods = operations.into_iter().filter(|(_, op)| op.is_some()).map(|(m, _)| m).collect();
                (segments(path).map(str::to_owned).collect(), methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods of the documented route that best matches `path`: `{param}` segments match
    /// anything, and the route with the most fixed segments wins.
    pub fn methods_for(&self, path: &str) -> Option<&[Method]> {
        let wanted: Vec<&str> = segments(path).collect();
        let is_param = |segment: &str| segment.starts_with('{') && segment.ends_with('}');
        self.0
            .iter()
            .filter(|(pattern, _)| {
                pattern.len() == wanted.len() && pattern.iter().zip(&wanted).all(|(p, w)| p == w || is_param(p))
            })
            .max_by_key(|(pattern, _)| pattern.iter().filter(|p| !is_param(p)).count())
            .map(|(_, methods)| methods.as_slice())
    }
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// A 404 answered without a body (the embedded Swagger UI's, for a file it does not have)
/// becomes the same problem document as every other 404.
pub async fn empty_not_found_as_problem(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let empty = matches!(response.response().body().size(), BodySize::None | BodySize::Sized(0));
    if response.status() == StatusCode::NOT_FOUND && empty {
        let (req, _) = response.into_parts();
        return Ok(ServiceResponse::new(req, ApiError::NotFound.error_response()));
    }
    Ok(response.map_into_boxed_body())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_documented_routes_and_their_methods() {
        let table = RouteTable::from_docs(&crate::routes::openapi());
        assert_eq!(table.methods_for("/api/auth/login"), Some(&[Method::POST][..]));
        assert_eq!(table.methods_for("/health/live/"), Some(&[Method::GET][..]));
        assert_eq!(table.methods_for("/api/auth/callback/google"), Some(&[Method::GET][..]));
        assert_eq!(table.methods_for("/api/auth/nope/deeper"), None);
        assert_eq!(table.methods_for("/"), Some(&[Method::GET][..]));
    }
}
