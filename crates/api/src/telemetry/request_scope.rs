//! Which request a log line belongs to, without a tracing span per request.
//!
//! A span per request cost the smallest requests a fair part of their time (its slot in the
//! registry, its field formatted and stored, its entry and exit on every poll), and on most
//! requests no line is ever written inside it. Instead the request's id is kept for the
//! request's future in a task-local, a swap on each poll, and each JSON line written meanwhile
//! gets the entry the span gave it, first under `spans`: `{"request_id":…,"name":"request"}`.
//!
//! A real span is still opened when something reads it: the readable format, which shows it
//! before each line, and `RUST_LOG` directives on spans or fields (`[request]=debug`).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::http::header::HeaderValue;
use tokio::task::futures::TaskLocalFuture;
use tracing::instrument::Instrumented;
use tracing::{Event, Instrument, Span, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

tokio::task_local! {
    static REQUEST_ID: HeaderValue;
}

/// Whether requests open spans; until the subscriber is installed, and whenever it cannot do
/// without them, they do.
static SPANS: AtomicBool = AtomicBool::new(true);

pub(super) fn open_spans(open: bool) {
    SPANS.store(open, Ordering::Relaxed);
}

/// The request a log line belongs to: its id, and its span when spans are open.
#[derive(Debug)]
pub struct RequestLog {
    id: HeaderValue,
    span: Span,
}

impl RequestLog {
    /// `id` is written into JSON as it is: it must need no escaping, as request ids do not.
    pub fn open(id: HeaderValue) -> Self {
        let span = match SPANS.load(Ordering::Relaxed) {
            // Always a root: a request is never inside another.
            true => tracing::info_span!(parent: None, "request", request_id = id.to_str().unwrap_or_default()),
            false => Span::none(),
        };
        Self { id, span }
    }

    /// Runs `work` as part of the request: its lines carry the request's id.
    pub fn in_scope<R>(&self, work: impl FnOnce() -> R) -> R {
        self.span.in_scope(|| REQUEST_ID.sync_scope(self.id.clone(), work))
    }

    /// `future` as part of the request, on every poll and when it is dropped.
    pub fn around<F: Future>(self, future: F) -> Instrumented<TaskLocalFuture<HeaderValue, F>> {
        REQUEST_ID.scope(self.id, future).instrument(self.span)
    }
}

/// An event format that adds the request's entry to the lines of `F` (tracing-subscriber's
/// JSON format) written inside a request, when no span gave them one.
#[derive(Debug)]
pub struct WithRequest<F>(pub F);

impl<S, N, F> FormatEvent<S, N> for WithRequest<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let id = REQUEST_ID.try_with(HeaderValue::clone).ok();
        let Some(id) = id.filter(|_| !SPANS.load(Ordering::Relaxed)) else {
            return self.0.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.0.format_event(ctx, Writer::new(&mut line), event)?;
        let joined = with_request(&line, id.to_str().unwrap_or_default());
        writer.write_str(joined.as_deref().unwrap_or(&line))
    }
}

/// `line` (one JSON object and a newline) with the request's entry first under `spans`.
/// `"spans":[` is found as text: it can only be that key, since every value before it is a
/// string (where a quote is escaped), a number or a boolean, never an array.
fn with_request(line: &str, id: &str) -> Option<String> {
    const SPANS_KEY: &str = r#","spans":["#;
    let entry = format!(r#"{{"request_id":"{id}","name":"request"}}"#);
    if let Some(at) = line.find(SPANS_KEY) {
        let at = at + SPANS_KEY.len();
        return Some(format!("{}{entry},{}", &line[..at], &line[at..]));
    }
    let object = line.strip_suffix("}\n")?;
    Some(format!("{object}{SPANS_KEY}{entry}]}}\n"))
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::telemetry::captured_log::CapturedLog;
    use crate::telemetry::span_fields::SpanFields;

    #[test]
    fn the_entry_goes_first_under_spans_or_makes_the_list() {
        let inside =
            "{\"message\":\"a \\\",\\\"spans\\\":[ b\",\"target\":\"t\",\"spans\":[{\"name\":\"use_case\"}]}\n";
        let expected = "{\"message\":\"a \\\",\\\"spans\\\":[ b\",\"target\":\"t\",\"spans\":[{\"request_id\":\"r-1\",\"name\":\"request\"},{\"name\":\"use_case\"}]}\n";
        assert_eq!(with_request(inside, "r-1").as_deref(), Some(expected));
        let alone = "{\"message\":\"m\",\"target\":\"t\"}\n";
        let expected =
            "{\"message\":\"m\",\"target\":\"t\",\"spans\":[{\"request_id\":\"r-1\",\"name\":\"request\"}]}\n";
        assert_eq!(with_request(alone, "r-1").as_deref(), Some(expected));
        assert_eq!(with_request("not a line", "r-1"), None);
    }

    /// The lines written in a request's scope, spans closed and open, read as JSON.
    fn lines_of(spans: bool) -> Vec<serde_json::Value> {
        let log = CapturedLog::default();
        let writer = log.clone();
        let format =
            tracing_subscriber::fmt::format().json().flatten_event(true).with_current_span(false).with_span_list(true);
        let layer = tracing_subscriber::fmt::layer()
            .event_format(WithRequest(format))
            .fmt_fields(SpanFields)
            .with_writer(move || writer.clone());
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
            open_spans(spans);
            let request = RequestLog::open(HeaderValue::from_static("r-1"));
            request.in_scope(|| {
                tracing::info!(hostile = "\",\"spans\":[", "alone");
                let use_case = tracing::info_span!("use_case", user = "u-1");
                use_case.in_scope(|| tracing::info!("in a use case"));
            });
            tracing::info!("outside");
            open_spans(true);
        });
        log.text().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }

    #[test]
    fn lines_in_a_request_name_it_as_its_span_did() {
        let (without, with) = (lines_of(false), lines_of(true));
        assert_eq!(without, with.iter().map(|l| without_timestamp(l, &without)).collect::<Vec<_>>());
        assert_eq!(without[0]["spans"], serde_json::json!([{"request_id": "r-1", "name": "request"}]));
        assert_eq!(without[0]["hostile"], "\",\"spans\":[");
        let in_use_case =
            serde_json::json!([{"request_id": "r-1", "name": "request"}, {"user": "u-1", "name": "use_case"}]);
        assert_eq!(without[1]["spans"], in_use_case);
        assert!(without[2].get("spans").is_none(), "{}", without[2]);
    }

    /// `line` with the timestamp of the line at the same place in `other`.
    fn without_timestamp(line: &serde_json::Value, other: &[serde_json::Value]) -> serde_json::Value {
        let mut line = line.clone();
        let at = other.iter().position(|o| o["message"] == line["message"]).unwrap();
        line["timestamp"] = other[at]["timestamp"].clone();
        line
    }
}
