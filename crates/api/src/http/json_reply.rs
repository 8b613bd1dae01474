//! JSON answers on the busiest route: what `web::Json` writes, with its content type a const
//! rather than a header value parsed and copied into a new allocation for every response.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};
use serde::Serialize;

use crate::error::ApiError;

/// `application/json`, checked once when compiled: `HeaderValue::from_static` called at run
/// time checks its bytes again on every response.
pub const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// `T` as a `200 OK` JSON body.
#[derive(Debug)]
pub struct JsonReply<T>(pub T);

impl<T: Serialize> Responder for JsonReply<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        match serde_json::to_vec(&self.0) {
            Ok(body) => HttpResponse::Ok().insert_header((header::CONTENT_TYPE, APPLICATION_JSON)).body(body),
            Err(error) => ApiError::Internal(Box::new(error)).error_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;
    use actix_web::test::TestRequest;

    #[derive(Serialize)]
    struct Named<'a> {
        name: &'a str,
    }

    #[actix_web::test]
    async fn writes_what_web_json_writes() {
        let request = TestRequest::default().to_http_request();
        let value = || Named {
            name: "Zoë 李小龍 Ωμέγα محمد हिन्दी 👩🏽‍💻 \"quoted\" \\ \u{7}"
        };
        let ours = JsonReply(value()).respond_to(&request);
        let theirs = actix_web::web::Json(value()).respond_to(&request);
        assert_eq!(ours.status(), theirs.status());
        assert_eq!(ours.headers().get(header::CONTENT_TYPE), theirs.headers().get(header::CONTENT_TYPE));
        assert_eq!(to_bytes(ours.into_body()).await.unwrap(), to_bytes(theirs.into_body()).await.unwrap());
    }

    #[actix_web::test]
    async fn a_value_that_cannot_be_written_is_a_500_problem_without_its_cause() {
        struct Broken;
        impl Serialize for Broken {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("secret detail"))
            }
        }
        let response = JsonReply(Broken).respond_to(&TestRequest::default().to_http_request());
        assert_eq!(response.status(), actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers().get(header::CONTENT_TYPE).unwrap(), "application/problem+json");
        let body = to_bytes(response.into_body()).await.unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("secret detail"));
    }
}
