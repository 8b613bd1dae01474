//! Structured logs: JSON lines in production, readable text in development, filtered by
//! `RUST_LOG` (default `info`). Each request ends with a `request finished` line carrying its
//! status and duration.

use std::io::IsTerminal;

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use self::use_case_timings::UseCaseTimings;

mod use_case_timings;

#[cfg(test)]
pub(crate) mod captured_log;

use crate::config::LogFormat;

/// Keeps the log writer's thread running; dropping it writes out what is still queued.
#[must_use = "logs queued when this is dropped are written out, and later ones are lost"]
#[derive(Debug)]
pub struct LogGuard {
    _writer: WorkerGuard,
}

/// Lines waiting for the writer thread before a request that logs has to wait for room: the
/// log is an audit trail, so none is ever dropped.
const QUEUED_LINES: usize = 65_536;

/// Installs the global subscriber; a second call (as in tests) leaves the first in place.
///
/// Lines are written by a thread of their own, in batches: a write to stdout per request would
/// otherwise cost the request handlers more CPU than the requests themselves.
pub fn init(format: LogFormat, filter: Option<&str>) -> LogGuard {
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(QUEUED_LINES)
        .thread_name("log-writer")
        .finish(std::io::BufWriter::new(std::io::stdout()));
    let filter = filter.and_then(|f| EnvFilter::try_new(f).ok()).unwrap_or_else(|| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    // One more line per use case, when it ends, with the time it took (`time.busy`, `time.idle`):
    // a request's lines then show where its time went. The session check's span is at debug level,
    // so the hot path adds no line unless asked to.
    let installed = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    // Every enclosing span, so a use case's lines keep the request's id; the
                    // current one is the list's last, not written a second time.
                    .with_current_span(false)
                    .with_span_list(true)
                    .with_writer(writer),
            )
            .with(UseCaseTimings)
            .try_init(),
        // Colour for a person at a terminal, never escape codes in a file or a pipe.
        LogFormat::Pretty => {
            let colour = std::io::stdout().is_terminal();
            registry.with(fmt::layer().with_ansi(colour).with_writer(writer)).with(UseCaseTimings).try_init()
        }
    };
    drop(installed);
    LogGuard { _writer: guard }
}
