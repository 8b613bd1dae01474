//! Credentialed CORS for the configured origins, run only where it can decide anything.
//!
//! Only a browser's cross-origin request carries `Origin` (and a preflight is an `OPTIONS`).
//! For every other request actix-cors adds the same three headers (`Vary`, the exposed headers,
//! credentials) at the price of a boxed future and a pass over the response, paid on every
//! request. Of those, a request without `Origin` needs only `Vary: Origin`, so that no cache
//! hands its answer to a request that has one: a browser reads the credentials and
//! exposed-headers headers only in answer to a CORS request, which always carries `Origin`.
//! actix-cors's `Vary` also names `Access-Control-Request-Method` and `-Headers`, which a browser
//! sends only on a preflight (an `OPTIONS`, always answered by actix-cors): these answers do not
//! depend on them, and each would carry 63 bytes more for nothing.

use std::rc::Rc;

use actix_cors::{Cors, CorsMiddleware};
use actix_web::Error;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use futures_util::future::{Either, FutureExt, LocalBoxFuture, Map};

use super::request_id::REQUEST_ID;

/// Other origins simply get no CORS headers (the browser then withholds the response);
/// refusing them is the CSRF check's job.
pub fn for_origins(origins: &[String]) -> OriginOnly {
    OriginOnly(Rc::new(configured(origins)))
}

fn configured(origins: &[String]) -> Cors {
    origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin))
        .allowed_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, REQUEST_ID])
        .expose_headers([REQUEST_ID, header::WWW_AUTHENTICATE, header::RETRY_AFTER])
        .supports_credentials()
        .block_on_origin_mismatch(false)
        .max_age(3600)
}

/// The `Vary` of an answer to a request that is neither cross-origin nor a preflight.
const VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");

#[derive(Debug)]
pub struct OriginOnly(Rc<Cors>);

impl<S, B> Transform<S, ServiceRequest> for OriginOnly
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = OriginOnlyService<S>;
    type InitError = ();
    type Future = LocalBoxFuture<'static, Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let inner = Rc::new(service);
        let cors = Rc::clone(&self.0);
        let shared = Shared { inner: Rc::clone(&inner) };
        Box::pin(async move {
            let cors = cors.new_transform(shared).await?;
            Ok(OriginOnlyService { inner, cors })
        })
    }
}

#[derive(Debug)]
pub struct OriginOnlyService<S> {
    inner: Rc<S>,
    cors: CorsMiddleware<Shared<S>>,
}

type Answer<B> = Result<ServiceResponse<EitherBody<B>>, Error>;

impl<S, B> Service<ServiceRequest> for OriginOnlyService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future =
        Either<LocalBoxFuture<'static, Answer<B>>, Map<S::Future, fn(Result<ServiceResponse<B>, Error>) -> Answer<B>>>;

    forward_ready!(inner);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        if req.headers().contains_key(header::ORIGIN) || req.method() == Method::OPTIONS {
            return Either::Left(self.cors.call(req));
        }
        Either::Right(self.inner.call(req).map(without_origin as fn(_) -> _))
    }
}

fn without_origin<B>(answer: Result<ServiceResponse<B>, Error>) -> Answer<B> {
    match answer {
        Ok(mut response) => {
            add_headers(response.headers_mut());
            Ok(response.map_into_left_body())
        }
        Err(mut error) => {
            error.add_response_mapper(|mut response| {
                add_headers(response.headers_mut());
                response
            });
            Err(error)
        }
    }
}

fn add_headers(headers: &mut HeaderMap) {
    match headers.get(header::VARY) {
        // As actix-cors does: a `Vary` the answer already has is extended, not replaced.
        Some(existing) => {
            let mut joined = existing.as_bytes().to_vec();
            joined.extend_from_slice(b", Origin");
            if let Ok(joined) = HeaderValue::from_bytes(&joined) {
                headers.insert(header::VARY, joined);
            }
        }
        None => drop(headers.insert(header::VARY, VARY_ORIGIN)),
    }
}

/// The service behind both paths: actix-cors's and the direct one.
#[derive(Debug)]
pub struct Shared<S> {
    inner: Rc<S>,
}

impl<S: Service<ServiceRequest>> Service<ServiceRequest> for Shared<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    forward_ready!(inner);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        self.inner.call(req)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use actix_web::http::StatusCode;
    use actix_web::middleware::{Next, from_fn};
    use actix_web::test::{TestRequest, init_service, try_call_service};
    use actix_web::{App, HttpResponse, web};

    use super::*;

    const SITE: &str = "https://app.example";

    /// A middleware that fails on `/broken`, as actix-cors does on a refused preflight: its
    /// error is answered on the way out.
    pub(crate) async fn fails_on_broken(
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, Error> {
        if req.path() == "/broken" {
            return Err(actix_web::error::ErrorServiceUnavailable("broken"));
        }
        next.call(req).await
    }

    /// Every header of the answer, in a stable order.
    async fn answer_headers(only_with_origin: bool, request: TestRequest) -> (StatusCode, Vec<(String, String)>) {
        let origins = [SITE.to_owned()];
        let routes = |app: &mut web::ServiceConfig| {
            app.route("/ok", web::get().to(|| async { HttpResponse::Ok().body("ok") }))
                .route(
                    "/varies",
                    web::get().to(|| async { HttpResponse::Ok().insert_header((header::VARY, "Accept")).finish() }),
                )
                .route("/fails", web::post().to(|| async { HttpResponse::Conflict().finish() }));
        };
        let answer = if only_with_origin {
            let app = App::new().wrap(from_fn(fails_on_broken)).wrap(for_origins(&origins)).configure(routes);
            let app = init_service(app).await;
            try_call_service(&app, request.to_request()).await.map(|answer| answer.into_parts().1.map_into_boxed_body())
        } else {
            let app = App::new().wrap(from_fn(fails_on_broken)).wrap(configured(&origins)).configure(routes);
            let app = init_service(app).await;
            try_call_service(&app, request.to_request()).await.map(|answer| answer.into_parts().1.map_into_boxed_body())
        };
        // An error reaches the server as an error; the server answers with its response.
        let response = answer.unwrap_or_else(|error| error.error_response());
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_owned()))
            .map(|(name, value)| {
                // actix-cors writes its lists in a hash set's order, new with each instance.
                let mut items: Vec<&str> = value.split(", ").collect();
                if name.starts_with("access-control-") {
                    items.sort_unstable();
                }
                let value = items.join(", ");
                (name, value)
            })
            .collect();
        headers.sort();
        (response.status(), headers)
    }

    /// What actix-cors gives a request, less what only a CORS request reads when it has no
    /// `Origin`, and less what only a preflight can vary by.
    async fn expected_headers(request: TestRequest, cross_origin: bool) -> (StatusCode, Vec<(String, String)>) {
        let (status, mut headers) = answer_headers(false, request).await;
        if !cross_origin {
            headers.retain(|(name, _)| !name.starts_with("access-control-"));
            for (name, value) in &mut headers {
                if name == "vary" {
                    *value = value.replace(", Access-Control-Request-Method, Access-Control-Request-Headers", "");
                }
            }
        }
        (status, headers)
    }

    #[actix_web::test]
    async fn every_request_is_answered_as_actix_cors_answers_it() {
        let requests = || {
            [
                TestRequest::get().uri("/ok"),
                TestRequest::get().uri("/varies"),
                TestRequest::post().uri("/fails"),
                TestRequest::get().uri("/nowhere"),
                TestRequest::get().uri("/broken"),
                TestRequest::get().uri("/broken").insert_header((header::ORIGIN, SITE)),
                TestRequest::get().uri("/ok").insert_header((header::ORIGIN, SITE)),
                TestRequest::get().uri("/varies").insert_header((header::ORIGIN, SITE)),
                TestRequest::get().uri("/ok").insert_header((header::ORIGIN, "https://evil.example")),
                TestRequest::post().uri("/fails").insert_header((header::ORIGIN, SITE)),
                TestRequest::default()
                    .method(Method::OPTIONS)
                    .uri("/ok")
                    .insert_header((header::ORIGIN, SITE))
                    .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, "GET")),
                TestRequest::default().method(Method::OPTIONS).uri("/ok"),
            ]
        };
        let heads = requests().map(|request| request.to_http_request());
        for ((plain, ours), head) in requests().into_iter().zip(requests()).zip(heads) {
            let cross_origin = head.headers().contains_key(header::ORIGIN) || head.method() == Method::OPTIONS;
            let label = format!("{:?}", head.head());
            let expected = expected_headers(plain, cross_origin).await;
            assert_eq!(answer_headers(true, ours).await, expected, "for {label}");
        }
    }

    #[actix_web::test]
    async fn a_request_without_origin_gets_vary_origin_and_no_other_cors_header() {
        for (path, status, vary) in [
            ("/ok", StatusCode::OK, "Origin"),
            ("/broken", StatusCode::SERVICE_UNAVAILABLE, "Origin"),
            ("/varies", StatusCode::OK, "Accept, Origin"),
        ] {
            let (answered, headers) = answer_headers(true, TestRequest::get().uri(path)).await;
            assert_eq!(answered, status);
            let varies = headers.iter().find(|(name, _)| name == "vary").map(|(_, value)| value.as_str());
            assert_eq!(varies, Some(vary), "{path}");
            let names: Vec<&str> = headers.iter().map(|(name, _)| name.as_str()).collect();
            assert!(!names.iter().any(|name| name.starts_with("access-control-")), "{path}: {names:?}");
        }
        let (_, with_origin) =
            answer_headers(true, TestRequest::get().uri("/ok").insert_header((header::ORIGIN, SITE))).await;
        let names: Vec<&str> = with_origin.iter().map(|(name, _)| name.as_str()).collect();
        let cors = ["access-control-allow-credentials", "access-control-allow-origin", "access-control-expose-headers"];
        assert!(cors.iter().all(|name| names.contains(name)), "with Origin: {names:?}");
    }
}
