//! Structured logs: JSON lines in production, readable text in development, filtered by
//! `RUST_LOG` (default `info`). Each request's closing line carries its status and duration.

use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// Installs the global subscriber; a second call (as in tests) leaves the first in place.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let installed = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_span_events(FmtSpan::CLOSE),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().with_span_events(FmtSpan::CLOSE)).try_init(),
    };
    drop(installed);
}
