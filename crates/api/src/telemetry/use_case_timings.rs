//! One line when a use case ends, as part of its request, with the time it took: a request's
//! lines then show where its time went. Only the use cases' spans are timed, and the session
//! check's is at debug level, so the hot path adds no line unless asked to.

use std::time::Instant;

use tracing::span;
use tracing::{Subscriber, field};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;

/// The target of the use cases' spans.
const USE_CASES: &str = "yoshikosan_domain::use_cases";

#[derive(Debug, Clone, Copy)]
pub struct UseCaseTimings;

/// When the span was created, kept in its extensions.
struct Started(Instant);

impl<S> Layer<S> for UseCaseTimings
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if attrs.metadata().target().starts_with(USE_CASES)
            && let Some(span) = ctx.span(id)
        {
            span.extensions_mut().insert(Started(Instant::now()));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else { return };
        // Before the extensions' lock: most spans closing (every request's) are not timed.
        if !span.metadata().target().starts_with(USE_CASES) {
            return;
        }
        let Some(started) = span.extensions().get::<Started>().map(|s| s.0) else { return };
        // Microsecond precision is plenty; more digits are noise in a log line.
        let elapsed_ms = (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0;
        let parent = span.parent().map(|parent| parent.id());
        let use_case = field::display(span.name());
        tracing::info!(target: "yoshikosan_api::use_cases", parent: parent, use_case, elapsed_ms, "use case finished");
    }
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::telemetry::captured_log::CapturedLog;

    #[test]
    fn a_use_case_ends_with_a_line_in_its_requests_span() {
        let log = CapturedLog::default();
        let writer = log.clone();
        let lines = tracing_subscriber::fmt::layer().json().with_writer(move || writer.clone());
        let subscriber = tracing_subscriber::registry().with(lines).with(UseCaseTimings);
        tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!("request", request_id = "r-1");
            let _in_request = request.enter();
            let use_case = tracing::info_span!(target: "yoshikosan_domain::use_cases::log_in", "log_in");
            use_case.in_scope(|| tracing::info!("working"));
            // Another crate's span is not a use case: no line for it.
            drop(tracing::info_span!(target: "yoshikosan_persistence", "query"));
        });
        let logged = log.text();
        let finished: Vec<&str> = logged.lines().filter(|line| line.contains("use case finished")).collect();
        assert_eq!(finished.len(), 1, "{logged}");
        assert!(finished[0].contains(r#""use_case":"log_in""#) && finished[0].contains("elapsed_ms"), "{logged}");
        assert!(finished[0].contains(r#""request_id":"r-1""#), "the request's id is on the line: {logged}");
    }
}
