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

/// Whether requests open spans: until the subscriber is installed they do, and after, only
/// where it reads them.
static REQUEST_SPANS: AtomicBool = AtomicBool::new(true);

pub(super) fn open_spans(open: bool) {
    REQUEST_SPANS.store(open, Ordering::Relaxed);
}

/// The request a log line belongs to: its id, and its span when spans are open.
#[derive(Debug)]
pub struct RequestLog {
    id: HeaderValue,
    span: Span,
}

impl RequestLog {
    pub fn open(id: HeaderValue) -> Self {
        Self::new(id, REQUEST_SPANS.load(Ordering::Relaxed))
    }

    fn new(id: HeaderValue, with_span: bool) -> Self {
        let span = match with_span {
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
/// JSON format) written inside a request, when requests open no span to give them one.
#[derive(Debug)]
pub struct WithRequest<F> {
    lines: F,
    spans_open: bool,
}

impl<F> WithRequest<F> {
    /// `spans_open` as requests will be told by [`open_spans`]: then the spans name them.
    pub fn new(lines: F, spans_open: bool) -> Self {
        Self { lines, spans_open }
    }
}

impl<S, N, F> FormatEvent<S, N> for WithRequest<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(&self, ctx: &FmtContext<'_, S, N>, mut writer: Writer<'_>, event: &Event<'_>) -> fmt::Result {
        let id = REQUEST_ID.try_with(HeaderValue::clone).ok().filter(|_| !self.spans_open);
        let Some(id) = id else {
            return self.lines.format_event(ctx, writer, event);
        };
        let mut line = String::new();
        self.lines.format_event(ctx, Writer::new(&mut line), event)?;
        let joined = with_request(&line, id.to_str().unwrap_or_default());
        writer.write_str(joined.as_deref().unwrap_or(&line))
    }
}

/// `line` (one JSON object and a newline) with the request's entry first under `spans`.
/// `,"spans":[` is found as text: it can only be that key, since every value before it is a
/// string (where a quote is escaped), a number or a boolean, never an array.
fn with_request(line: &str, id: &str) -> Option<String> {
    const SPANS_KEY: &str = r#","spans":["#;
    let id = serde_json::to_string(id).ok()?;
    let entry = format!(r#"{{"request_id":{id},"name":"request"}}"#);
    if let Some(at) = line.find(SPANS_KEY) {
        let (before, after) = line.split_at(at + SPANS_KEY.len());
        // The list can be empty: an event whose explicit parent is not the current span.
        let comma = if after.starts_with(']') { "" } else { "," };
        return Some(format!("{before}{entry}{comma}{after}"));
    }
    let object = line.strip_suffix("}\n")?;
    Some(format!("{object}{SPANS_KEY}{entry}]}}\n"))
}

#[cfg(test)]
mod tests {
    use std::task::{Context, Poll, Waker};

    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::telemetry::captured_log::CapturedLog;
    use crate::telemetry::span_fields::SpanFields;
    use crate::telemetry::use_case_timings::UseCaseTimings;

    const REQUEST: &str = r#"{"request_id":"r-1","name":"request"}"#;

    #[test]
    fn the_entry_goes_first_under_spans_or_makes_the_list() {
        let line = |spans: &str| format!("{{\"message\":\"a \\\",\\\"spans\\\":[ b\",\"target\":\"t\"{spans}}}\n");
        let cases = [
            (
                line(r#","spans":[{"name":"use_case"}]"#),
                line(&format!(r#","spans":[{REQUEST},{{"name":"use_case"}}]"#)),
            ),
            (line(r#","spans":[]"#), line(&format!(r#","spans":[{REQUEST}]"#))),
            (line(""), line(&format!(r#","spans":[{REQUEST}]"#))),
        ];
        for (before, after) in cases {
            assert_eq!(with_request(&before, "r-1").as_deref(), Some(after.as_str()), "{before}");
        }
        assert_eq!(with_request("not a line", "r-1"), None);
        let odd = with_request("{\"message\":\"m\"}\n", "a\"b").unwrap_or_default();
        let odd: serde_json::Value = serde_json::from_str(&odd).unwrap();
        assert_eq!(odd["spans"][0]["request_id"], "a\"b");
    }

    /// A future that is never ready and logs when it is dropped, as a request does whose
    /// client went away.
    struct LogsWhenDropped;

    impl Future for LogsWhenDropped {
        type Output = ();
        fn poll(self: std::pin::Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }

    impl Drop for LogsWhenDropped {
        fn drop(&mut self) {
            tracing::info!("dropped");
        }
    }

    /// The lines written during a request, with spans open or not, read as JSON.
    fn lines_of(spans_open: bool) -> Vec<serde_json::Value> {
        let log = CapturedLog::default();
        let writer = log.clone();
        let format =
            tracing_subscriber::fmt::format().json().flatten_event(true).with_current_span(false).with_span_list(true);
        let layer = tracing_subscriber::fmt::layer()
            .event_format(WithRequest::new(format, spans_open))
            .fmt_fields(SpanFields)
            .with_writer(move || writer.clone());
        let subscriber = tracing_subscriber::registry().with(layer).with(UseCaseTimings);
        tracing::subscriber::with_default(subscriber, || {
            let request = RequestLog::new(HeaderValue::from_static("r-1"), spans_open);
            request.in_scope(|| {
                tracing::info!(hostile = "\",\"spans\":[", "alone");
                let use_case =
                    tracing::info_span!(target: "yoshikosan_domain::use_cases::log_in", "log_in", user = "u-1");
                use_case.in_scope(|| tracing::info!("in a use case"));
            });
            let mut pending =
                Box::pin(RequestLog::new(HeaderValue::from_static("r-1"), spans_open).around(LogsWhenDropped));
            assert!(pending.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
            drop(pending);
            tracing::info!("outside");
        });
        log.text().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }

    #[test]
    fn lines_in_a_request_name_it_as_its_span_did() {
        let (without, with) = (lines_of(false), lines_of(true));
        let messages: Vec<&str> = without.iter().filter_map(|l| l["message"].as_str()).collect();
        assert_eq!(messages, ["alone", "in a use case", "use case finished", "dropped", "outside"]);
        for (line, spanned) in without.iter().zip(&with) {
            let mut spanned = spanned.clone();
            spanned["timestamp"] = line["timestamp"].clone();
            if let Some(elapsed) = line.get("elapsed_ms") {
                spanned["elapsed_ms"] = elapsed.clone();
            }
            assert_eq!(line, &spanned);
        }
        let request: serde_json::Value = serde_json::from_str(REQUEST).unwrap();
        let use_case = serde_json::json!({"user": "u-1", "name": "log_in"});
        assert_eq!(without[0]["spans"], serde_json::json!([request]));
        assert_eq!(without[0]["hostile"], "\",\"spans\":[");
        assert_eq!(without[1]["spans"], serde_json::json!([request, use_case]));
        // The timing line of the use case, and the line of a request dropped unanswered.
        assert_eq!(without[2]["spans"][0], request, "{}", without[2]);
        assert_eq!(without[3]["spans"], serde_json::json!([request]));
        assert!(without[4].get("spans").is_none(), "{}", without[4]);
    }
}
