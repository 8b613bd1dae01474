//! A request body must arrive within [`BODY_DEADLINE`] of its headers (whose own deadline is
//! the server's request timeout): a client trickling one byte a second would otherwise hold a
//! connection and a worker's attention forever. Late bodies fail with a timed-out read, which
//! the JSON error handler answers with 408.

use std::io;
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::dev::{Payload, ServiceRequest};
use actix_web::error::PayloadError;
use futures_util::StreamExt;

/// Generous for the bodies of this API (at most 64 KiB), fatal to a slow-body attack.
pub const BODY_DEADLINE: Duration = Duration::from_secs(5);

/// Puts the deadline on the request's body, if it has one.
pub fn limit(req: &mut ServiceRequest) {
    let payload = req.take_payload();
    if matches!(payload, Payload::None) {
        req.set_payload(payload);
        return;
    }
    let deadline = tokio::time::Instant::now() + BODY_DEADLINE;
    let timed = futures_util::stream::unfold(Some(payload), move |payload| async move {
        let mut payload = payload?;
        match tokio::time::timeout_at(deadline, payload.next()).await {
            Ok(Some(chunk)) => Some((chunk, Some(payload))),
            Ok(None) => None,
            // One error, then the stream ends.
            Err(_) => Some((Err(timed_out()), None)),
        }
    });
    req.set_payload(Payload::Stream { payload: Box::pin(timed) });
}

fn timed_out() -> PayloadError {
    PayloadError::Io(io::Error::new(io::ErrorKind::TimedOut, "the request body did not arrive in time"))
}
