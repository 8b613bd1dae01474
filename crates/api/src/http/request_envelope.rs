//! What every request gets, in one middleware, the outermost: its id (`x-request-id`), its
//! client's address, its log scope (every line written during it carries the id), the CSRF
//! check, the body's deadline, the security headers, its count and time in `/metrics`, and its
//! access-log line. One pass instead of a middleware each: every layer costs a boxed future and
//! a trip through the response, which on a small request added up to more than the request's
//! own work. For the same reason it is a `Transform` with a future of its own, not
//! `middleware::from_fn`, which boxes two futures per request.

use std::future::{Ready, ready};
use std::net::IpAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{Error, HttpMessage, ResponseError};
use pin_project_lite::pin_project;
use tokio::task::futures::TaskLocalFuture;
use tracing::instrument::Instrumented;

use super::client_ip;
use super::request_id::{REQUEST_ID, RequestId};
use super::{body_deadline, csrf, request_metrics, security_headers};
use crate::error::ApiError;
use crate::telemetry::access_log::{self, AccessLine};
use crate::telemetry::request_scope::RequestLog;

/// Kept in the request's extensions for the handlers: one entry rather than one per fact,
/// since each entry is an allocation of its own.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub id: RequestId,
    /// As [`client_ip::of`] resolved it; `None` only when actix-web knows no peer.
    pub client_ip: Option<IpAddr>,
}

/// Wrapped around the whole application, last, so that it runs first.
#[derive(Debug, Clone, Copy, Default)]
pub struct Envelope;

impl<S, B> Transform<S, ServiceRequest> for Envelope
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = EnvelopeService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, inner: S) -> Self::Future {
        ready(Ok(EnvelopeService { inner }))
    }
}

#[derive(Debug)]
pub struct EnvelopeService<S> {
    inner: S,
}

impl<S, B> Service<ServiceRequest> for EnvelopeService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    B: MessageBody,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = Enveloped<S::Future>;

    forward_ready!(inner);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let started = Instant::now();
        let id = RequestId::of_request(req.headers());
        let client_ip = client_ip::of(&req);
        let docs = security_headers::is_docs(req.match_info().as_str());
        let method = req.method().clone();
        req.extensions_mut().insert(RequestContext { id: id.clone(), client_ip });
        // Only the id: the rest of the request is on its access line, found by the id.
        let log = RequestLog::open(id.header_value());
        let stage = match csrf::refusal(&req, &log) {
            Some(refusal) => Stage::Refused { response: Some(req.into_response(refusal.error_response())) },
            None => {
                body_deadline::limit(&mut req);
                Stage::Inner { future: log.around(self.inner.call(req)) }
            }
        };
        Enveloped { stage, answered: Answered { id, method, client_ip, docs, started } }
    }
}

pin_project! {
    /// The request's answer, with its envelope put on when it comes.
    pub struct Enveloped<F> {
        #[pin]
        stage: Stage<F>,
        answered: Answered,
    }
}

pin_project! {
    #[project = StageProjection]
    enum Stage<F> {
        Refused { response: Option<ServiceResponse> },
        // Part of the request whenever it runs: each poll, and its drop when the client goes
        // away before the answer, so that every line written meanwhile carries the id.
        Inner { #[pin] future: Instrumented<TaskLocalFuture<HeaderValue, F>> },
        // Counted and logged: polled again, it answers nothing more.
        Answered,
    }
}

impl<F, B> Future for Enveloped<F>
where
    F: Future<Output = Result<ServiceResponse<B>, Error>>,
    B: MessageBody,
{
    type Output = Result<ServiceResponse<EitherBody<B>>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let outcome = match this.stage.as_mut().project() {
            StageProjection::Refused { response } => response.take().map(|r| Ok(r.map_into_right_body())),
            StageProjection::Inner { future } => {
                Some(std::task::ready!(future.poll(cx)).map(ServiceResponse::map_into_left_body))
            }
            StageProjection::Answered => None,
        };
        this.stage.set(Stage::Answered);
        Poll::Ready(match outcome {
            Some(outcome) => this.answered.answer(outcome),
            None => {
                Err(ApiError::Internal(Box::new(std::io::Error::other("a request polled after its answer"))).into())
            }
        })
    }
}

/// What is known of every answered request, whichever way it was answered.
struct Answered {
    id: RequestId,
    method: Method,
    client_ip: Option<IpAddr>,
    docs: bool,
    started: Instant,
}

impl Answered {
    fn answer<B>(&self, outcome: Result<ServiceResponse<B>, Error>) -> Result<ServiceResponse<B>, Error> {
        let took = self.started.elapsed();
        match outcome {
            Ok(mut response) => {
                self.finish(response.headers_mut());
                // After routing, the matched pattern is read off the request, not searched for.
                let route = response.request().match_pattern();
                self.account(route.as_deref(), Some(response.request().path()), response.status(), took);
                Ok(response)
            }
            // An inner middleware failed: its error response gets the id and headers too.
            Err(error) => {
                let mut response = error.error_response();
                self.finish(response.headers_mut());
                self.account(None, None, response.status(), took);
                Err(InternalError::from_response(error.to_string(), response).into())
            }
        }
    }

    fn finish(&self, headers: &mut HeaderMap) {
        // Room for them all at once, rather than growing the map as they come.
        headers.reserve(8);
        headers.insert(REQUEST_ID, self.id.header_value());
        security_headers::insert(headers, self.docs);
    }

    /// Counts the answer in `/metrics` and queues its access line.
    fn account(&self, route: Option<&str>, target: Option<&str>, status: StatusCode, took: Duration) {
        request_metrics::record(&self.method, route, status, took);
        access_log::write(&AccessLine {
            request_id: self.id.as_str(),
            method: &self.method,
            route,
            target,
            client_ip: self.client_ip,
            status: status.as_u16(),
            duration: took,
        });
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{self, HeaderValue};
    use actix_web::middleware::from_fn;
    use actix_web::test::{TestRequest, init_service, try_call_service};
    use actix_web::{App, HttpRequest, HttpResponse, web};

    use super::*;
    use crate::http::cors::tests::fails_on_broken;

    /// The request's id and client address as a handler finds them.
    async fn context(req: HttpRequest) -> HttpResponse {
        let extensions = req.extensions();
        let context = extensions.get::<RequestContext>();
        let id = context.map(|c| c.id.as_str().to_owned()).unwrap_or_default();
        let ip = context.and_then(|c| c.client_ip).map(|ip| ip.to_string()).unwrap_or_default();
        HttpResponse::Ok().body(format!("{id} {ip}"))
    }

    async fn answer(request: TestRequest) -> HttpResponse {
        let app = App::new().wrap(from_fn(fails_on_broken)).wrap(Envelope).route("/context", web::get().to(context));
        let app = init_service(app).await;
        match try_call_service(&app, request.to_request()).await {
            Ok(answer) => answer.into_parts().1.map_into_boxed_body(),
            // The server answers an error with its response.
            Err(error) => error.error_response(),
        }
    }

    fn assert_enveloped(response: &HttpResponse) -> String {
        let headers = response.headers();
        assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).map(HeaderValue::as_bytes), Some(&b"nosniff"[..]));
        assert_eq!(headers.get(header::CACHE_CONTROL).map(HeaderValue::as_bytes), Some(&b"no-store"[..]));
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
        let id = headers.get(REQUEST_ID).and_then(|id| id.to_str().ok()).unwrap_or_default().to_owned();
        assert!(!id.is_empty(), "{headers:?}");
        id
    }

    #[actix_web::test]
    async fn handlers_find_the_id_sent_back_and_the_clients_address() {
        let request = TestRequest::get().uri("/context").peer_addr("192.0.2.7:4000".parse().unwrap());
        let response = answer(request).await;
        assert_eq!(response.status(), StatusCode::OK);
        let id = assert_enveloped(&response);
        let body = actix_web::body::to_bytes(response.into_body()).await.unwrap();
        assert_eq!(body, format!("{id} 192.0.2.7"));
        let kept = answer(TestRequest::get().uri("/context").insert_header((REQUEST_ID, "trace-1"))).await;
        assert_eq!(assert_enveloped(&kept), "trace-1");
    }

    #[actix_web::test]
    async fn an_answer_polled_again_is_an_error_not_a_second_answer() {
        let app = App::new().wrap(Envelope).route("/context", web::get().to(context));
        let app = init_service(app).await;
        for request in [
            TestRequest::get().uri("/context"),
            TestRequest::post().uri("/context").insert_header((header::ORIGIN, "https://evil.example")),
        ] {
            let mut answer = std::pin::pin!(app.call(request.to_request()));
            let first = std::future::poll_fn(|cx| answer.as_mut().poll(cx)).await;
            assert!(first.is_ok());
            let again = std::future::poll_fn(|cx| answer.as_mut().poll(cx)).await;
            let status = again.err().map(|error| error.as_response_error().status_code());
            assert_eq!(status, Some(StatusCode::INTERNAL_SERVER_ERROR));
        }
    }

    #[actix_web::test]
    async fn every_answer_is_enveloped_whichever_way_it_was_given() {
        // No route, a failing middleware, and a refused cross-site request.
        let missing = answer(TestRequest::get().uri("/nowhere")).await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_enveloped(&missing);
        let broken = answer(TestRequest::get().uri("/broken")).await;
        assert_eq!(broken.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_enveloped(&broken);
        let cross_site = TestRequest::post().uri("/context").insert_header((header::ORIGIN, "https://evil.example"));
        let refused = answer(cross_site).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_enveloped(&refused);
    }
}
