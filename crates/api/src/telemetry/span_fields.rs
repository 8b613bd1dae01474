//! The fields of a span as the JSON lines show them, written straight out as a JSON object.
//! tracing-subscriber's `JsonFields` gathers them in a map of JSON values first, then writes
//! the map: for the one-field span every request opens, that was a tenth of the request's CPU.

use std::cell::RefCell;
use std::fmt;
use std::io;

use tracing::field::{Field, Visit};
use tracing::span::Record;
use tracing_subscriber::field::{RecordFields, VisitOutput};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FormatFields, FormattedFields};

/// Formats span fields as one JSON object, as `JsonFields` does, for the JSON event format.
#[derive(Debug, Clone, Copy, Default)]
pub struct SpanFields;

impl<'writer> FormatFields<'writer> for SpanFields {
    /// Written whole, from a scratch buffer the thread keeps: the span's text then grows once
    /// instead of a few bytes at a time, each growth a reallocation.
    fn format_fields<R: RecordFields>(&self, mut writer: Writer<'writer>, fields: R) -> fmt::Result {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut text) => {
                text.clear();
                let written = object(&mut Writer::new(&mut *text), &fields).and_then(|()| writer.write_str(&text));
                if text.capacity() > SCRATCH_KEPT {
                    *text = String::new();
                }
                written
            }
            // A field whose formatting opens a span of its own.
            Err(_) => object(&mut writer, &fields),
        })
    }

    /// Fields recorded after the span opened: rare, so merged the slow way, as `JsonFields` does.
    fn add_fields(&self, current: &'writer mut FormattedFields<Self>, fields: &Record<'_>) -> fmt::Result {
        let mut added = String::new();
        self.format_fields(Writer::new(&mut added), fields)?;
        if current.fields.is_empty() {
            current.fields = added;
            return Ok(());
        }
        let mut merged: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&current.fields).map_err(|_| fmt::Error)?;
        let added: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&added).map_err(|_| fmt::Error)?;
        merged.extend(added);
        current.fields = serde_json::to_string(&merged).map_err(|_| fmt::Error)?;
        Ok(())
    }
}

thread_local! {
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Above this, a thread's scratch buffer is given back rather than kept.
const SCRATCH_KEPT: usize = 4096;

fn object<R: RecordFields>(out: &mut Writer<'_>, fields: &R) -> fmt::Result {
    let mut object = Object { out, first: true, result: Ok(()) };
    fields.record(&mut object);
    object.finish()
}

/// Writes `{"name":value,…}`, the opening brace with the first field.
struct Object<'a, 'writer> {
    out: &'a mut Writer<'writer>,
    first: bool,
    result: fmt::Result,
}

impl Object<'_, '_> {
    fn name(&mut self, field: &Field) -> fmt::Result {
        let name = field.name();
        // Field names are Rust identifiers: nothing in them needs escaping.
        let name = name.strip_prefix("r#").unwrap_or(name);
        self.out.write_str(if self.first { "{\"" } else { ",\"" })?;
        self.first = false;
        self.out.write_str(name)?;
        self.out.write_str("\":")
    }

    fn field(&mut self, field: &Field, value: impl serde::Serialize) {
        if self.result.is_ok() {
            self.result = self
                .name(field)
                .and_then(|()| serde_json::to_writer(Utf8(&mut *self.out), &value).map_err(|_| fmt::Error));
        }
    }

    /// A string with nothing to escape (a request id, a route) is written as it is.
    fn string(&mut self, field: &Field, value: &str) {
        let plain = value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
        if !plain {
            return self.field(field, value);
        }
        if self.result.is_ok() {
            self.result = self.name(field).and_then(|()| {
                self.out.write_char('"')?;
                self.out.write_str(value)?;
                self.out.write_char('"')
            });
        }
    }
}

impl VisitOutput<fmt::Result> for Object<'_, '_> {
    fn finish(self) -> fmt::Result {
        self.result?;
        self.out.write_str(if self.first { "{}" } else { "}" })
    }
}

impl Visit for Object<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.string(field, value);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.field(field, value);
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.field(field, value);
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        self.field(field, value);
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        self.field(field, value);
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.field(field, value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.field(field, value);
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.string(field, &format!("{value:?}"));
    }
}

/// serde_json writes to `io::Write`; the span's text is a `fmt::Write`. serde_json only ever
/// writes whole characters, so every piece is valid UTF-8.
struct Utf8<'a, W: fmt::Write>(&'a mut W);

impl<W: fmt::Write> io::Write for Utf8<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let text = std::str::from_utf8(bytes).map_err(io::Error::other)?;
        self.0.write_str(text).map_err(io::Error::other)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;
    use crate::telemetry::captured_log::CapturedLog;

    fn lines_of(run: impl FnOnce()) -> Vec<serde_json::Value> {
        let log = CapturedLog::default();
        let writer = log.clone();
        let layer = tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(true)
            .fmt_fields(SpanFields)
            .with_writer(move || writer.clone());
        tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), run);
        log.text().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }

    #[test]
    fn span_fields_read_as_json_whatever_they_hold() {
        let hostile = "a\"b\\c\n\u{1F9D1}\u{200D}\u{1F4BB} パスワード";
        let lines = lines_of(|| {
            let span = tracing::info_span!("request", request_id = "r-1", count = 3_u64, ok = true, text = hostile, debug = ?("x", 1), r#type = "raw");
            span.in_scope(|| tracing::info!("inside"));
        });
        let span = &lines[0]["spans"][0];
        assert_eq!(span["name"], "request");
        assert_eq!(span["request_id"], "r-1");
        assert_eq!((span["count"].as_u64(), span["ok"].as_bool()), (Some(3), Some(true)));
        assert_eq!(span["text"], hostile);
        assert_eq!(span["debug"], "(\"x\", 1)");
        assert_eq!(span["type"], "raw");
    }

    #[test]
    fn fields_recorded_later_join_the_others() {
        let lines = lines_of(|| {
            let span = tracing::info_span!("use_case", user = "u-1", outcome = tracing::field::Empty);
            span.record("outcome", "done");
            span.in_scope(|| tracing::info!("inside"));
            let empty = tracing::info_span!("bare", later = tracing::field::Empty);
            empty.record("later", 7_i64);
            empty.in_scope(|| tracing::info!("inside"));
        });
        assert_eq!(lines[0]["spans"][0]["user"], "u-1");
        assert_eq!(lines[0]["spans"][0]["outcome"], "done");
        assert_eq!(lines[1]["spans"][0]["later"], 7);
    }
}
