//! What a request tells us about its client, recorded on the sessions it opens and in the
//! audit trail.

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload};
use yoshikosan_domain::ClientInfo;

use super::request_envelope::RequestContext;

const MAX_USER_AGENT_CHARS: usize = 512;

/// The client of one request: its user agent and address (as `client_ip` resolved it), and the
/// request id that ties its audit events to the access log.
#[derive(Debug, Clone)]
pub struct ClientContext {
    pub info: ClientInfo,
    pub request_id: String,
}

impl FromRequest for ClientContext {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect());
        let extensions = req.extensions();
        let context = extensions.get::<RequestContext>();
        let ip = context.and_then(|c| c.client_ip).map(|ip| ip.to_string());
        let request_id = context.map(|c| c.id.as_str().to_owned()).unwrap_or_default();
        ready(Ok(Self { info: ClientInfo { user_agent, ip }, request_id }))
    }
}
