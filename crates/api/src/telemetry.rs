//! Structured logs: JSON lines in production, readable text in development, filtered by
//! `RUST_LOG` (default `info`). Each request ends with a `request finished` line carrying its
//! status and duration: the access log, see [`access_log`].

use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::sync::{Arc, Mutex, PoisonError};

use tracing_appender::non_blocking::{NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::{fmt, prelude::*};

use self::use_case_timings::UseCaseTimings;

pub mod access_log;
mod access_queue;
mod log_filter;
pub mod request_scope;
mod span_fields;
mod use_case_timings;

#[cfg(test)]
pub(crate) mod captured_log;

use crate::config::LogFormat;

/// Keeps the log writer's thread running; dropping it writes out what is still queued.
#[must_use = "logs queued when this is dropped are written out, and later ones are lost"]
#[derive(Debug)]
pub struct LogGuard {
    _writer: WorkerGuard,
    _access: access_queue::AccessWriter,
}

/// Lines waiting for the writer thread before a request that logs has to wait for room: the
/// log is an audit trail, so none is ever dropped.
const QUEUED_LINES: usize = 8_192;
/// Access lines a worker thread holds for the writer before further ones are dropped (and counted).
const QUEUED_ACCESS_LINES: usize = 8_192;

/// Standard output shared by the two writer threads. Each line is written whole under the
/// lock, so lines of the two never interleave; both batch their writes through one buffer.
#[derive(Debug)]
struct Shared<W>(Arc<Mutex<W>>);

impl<W> Clone for Shared<W> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<W: Write> Write for Shared<W> {
    fn write(&mut self, line: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).write_all(line)?;
        Ok(line.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).flush()
    }
}

/// Installs the global subscriber; a second call (as in tests) leaves the first in place.
///
/// Lines are written by a thread of their own, in batches: a write to stdout per request would
/// otherwise cost the request handlers more CPU than the requests themselves.
pub fn init(format: LogFormat, filter: Option<&str>) -> LogGuard {
    let stdout: BufWriter<Stdout> = BufWriter::new(std::io::stdout());
    let (writer, access, guard) = writers(stdout, QUEUED_LINES, QUEUED_ACCESS_LINES);
    access_log::install(format, access);
    let registry = tracing_subscriber::registry().with(log_filter::layer(filter));
    // Requests open spans only where something reads them: the readable format shows them, and
    // a filter on spans selects by them. The JSON lines name their request without one.
    let spans_open = format == LogFormat::Pretty || log_filter::reads_spans(filter);
    // One more line per use case, when it ends, with the time it took (`time.busy`, `time.idle`):
    // a request's lines then show where its time went. The session check's span is at debug level,
    // so the hot path adds no line unless asked to.
    let installed = match format {
        LogFormat::Json => {
            // Every enclosing span after the request's entry; the current one is the list's
            // last, not written a second time.
            let lines = fmt::format().json().flatten_event(true).with_current_span(false).with_span_list(true);
            registry
                .with(
                    fmt::layer()
                        .event_format(request_scope::WithRequest::new(lines, spans_open))
                        .fmt_fields(span_fields::SpanFields)
                        .with_writer(writer),
                )
                .with(UseCaseTimings)
                .try_init()
        }
        // Colour for a person at a terminal, never escape codes in a file or a pipe.
        LogFormat::Pretty => {
            let colour = std::io::stdout().is_terminal();
            registry.with(fmt::layer().with_ansi(colour).with_writer(writer)).with(UseCaseTimings).try_init()
        }
    };
    if installed.is_ok() {
        request_scope::open_spans(spans_open);
    }
    guard
}

/// The lossless writer of every line but the access log's, and the access log's lossy queue,
/// both into `sink`.
fn writers<W: Write + Send + 'static>(
    sink: W,
    lines: usize,
    access_lines: usize,
) -> (NonBlocking, Arc<access_queue::AccessQueue>, LogGuard) {
    let sink = Shared(Arc::new(Mutex::new(sink)));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(lines)
        .thread_name("log-writer")
        .finish(sink.clone());
    let (access, access_writer) = access_queue::start(sink, access_lines);
    (writer, access, LogGuard { _writer: guard, _access: access_writer })
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use tracing_appender::non_blocking::NonBlocking;

    use super::*;

    /// A sink that takes nothing until it is told to: the writer threads fall behind.
    struct Stalled {
        open: mpsc::Receiver<()>,
        opened: bool,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl Write for Stalled {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if !self.opened {
                let _opened = self.open.recv();
                self.opened = true;
            }
            self.written.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn lines_of(written: &Mutex<Vec<u8>>, prefix: &str) -> usize {
        String::from_utf8_lossy(&written.lock().unwrap()).lines().filter(|l| l.starts_with(prefix)).count()
    }

    #[test]
    fn a_stalled_output_drops_and_counts_access_lines_and_keeps_every_other_line() {
        let (open, opened) = mpsc::channel();
        let written = Arc::new(Mutex::new(Vec::new()));
        let sink = Stalled { open: opened, opened: false, written: written.clone() };
        let (writer, access, guard) = writers(sink, 4, 4);
        for n in 0..100 {
            access.push_with(|text| text.extend_from_slice(format!("access {n}\n").as_bytes()));
        }
        // The audit trail's writes wait for room instead: from another thread, since they block.
        let audit = std::thread::spawn(move || {
            let mut writer: NonBlocking = writer;
            for n in 0..100 {
                writer.write_all(format!("audit {n}\n").as_bytes()).unwrap();
            }
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(!audit.is_finished(), "a full lossless queue makes the writer wait");
        open.send(()).unwrap();
        audit.join().unwrap();
        drop(guard);
        assert_eq!(lines_of(&written, "audit "), 100, "no audit line is lost");
        let (kept, dropped) = (lines_of(&written, "access "), access.dropped());
        assert!(dropped > 0, "the access lines beyond the queue are dropped");
        assert_eq!(kept as u64 + dropped, 100, "and every one dropped is counted");
    }
}
