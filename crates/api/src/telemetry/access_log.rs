//! The access log: one line per answered request, in the format of the other log lines (JSON,
//! or text for a person), written by a thread of its own.
//!
//! It is the one log that may drop lines. When its queue is full the line is dropped and
//! counted (`yoshikosan_access_log_dropped_total`) rather than making the request wait: under a
//! flood the service keeps answering. Audit and error lines go through the lossless log, which
//! never drops one. The line is put together here, not by `tracing`'s formatter, which
//! serialised the request's span again for every line and cost more than a small request.

use std::cell::RefCell;
use std::io::Write;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use actix_web::http::Method;

use super::access_queue::AccessQueue;
use crate::config::LogFormat;

/// `RUST_LOG` selects access lines by this target (`RUST_LOG=info,access=off` turns them off).
pub const TARGET: &str = "access";

/// What the line says of one request.
#[derive(Debug)]
pub struct AccessLine<'a> {
    pub request_id: &'a str,
    pub method: &'a Method,
    /// The route's pattern; none when no route took the request.
    pub route: Option<&'a str>,
    /// The path asked for; none when a middleware failed before the request reached a route.
    pub target: Option<&'a str>,
    pub client_ip: Option<IpAddr>,
    pub status: u16,
    pub duration: Duration,
}

struct AccessLog {
    format: LogFormat,
    queue: Arc<AccessQueue>,
}

static ACCESS_LOG: OnceLock<AccessLog> = OnceLock::new();

thread_local! {
    /// The text of the second this thread last wrote.
    static SECOND: RefCell<Second> = RefCell::new(Second::default());
}

/// Starts queueing access lines for `queue`. A second call is ignored, as tests make.
pub(super) fn install(format: LogFormat, queue: Arc<AccessQueue>) {
    drop(ACCESS_LOG.set(AccessLog { format, queue }));
}

/// Lines dropped so far because the queue was full.
pub fn dropped_lines() -> u64 {
    ACCESS_LOG.get().map_or(0, |log| log.queue.dropped())
}

/// Queues the line, unless `RUST_LOG` leaves access lines out or logging was never set up.
pub fn write(line: &AccessLine<'_>) {
    let Some(log) = ACCESS_LOG.get() else { return };
    if !tracing::enabled!(target: TARGET, tracing::Level::INFO) {
        return;
    }
    log.queue.push_with(|text| {
        SECOND.with_borrow_mut(|second| {
            let now = SystemTime::now();
            match log.format {
                LogFormat::Json => {
                    text.extend_from_slice(br#"{"timestamp":""#);
                    second.write_timestamp(now, text);
                    json(line, text);
                }
                LogFormat::Pretty => {
                    second.write_timestamp(now, text);
                    pretty(line, text);
                }
            }
        });
    });
}

/// The JSON of every other line, with the request's fields where the span list puts them.
fn json(line: &AccessLine<'_>, out: &mut Vec<u8>) {
    // Strings with anything to escape go through serde_json; the usual ones are copied.
    let string = |out: &mut Vec<u8>, value: &str| {
        if needs_no_escape(value.as_bytes()) {
            out.push(b'"');
            out.extend_from_slice(value.as_bytes());
            out.push(b'"');
        } else {
            // Writing into a Vec cannot fail.
            drop(serde_json::to_writer(&mut *out, value));
        }
    };
    let mut number = itoa::Buffer::new();
    out.extend_from_slice(br#"","level":"INFO","message":"request finished","http.status_code":"#);
    out.extend_from_slice(number.format(line.status).as_bytes());
    out.extend_from_slice(br#","duration_us":"#);
    out.extend_from_slice(number.format(micros(line.duration)).as_bytes());
    out.extend_from_slice(br#","target":"access","spans":[{"#);
    if let Some(ip) = line.client_ip {
        out.extend_from_slice(br#""http.client_ip":""#);
        write_ip(ip, out);
        out.extend_from_slice(br#"","#);
    }
    out.extend_from_slice(br#""http.method":"#);
    string(out, line.method.as_str());
    if let Some(route) = line.route {
        out.extend_from_slice(br#","http.route":"#);
        string(out, route);
    }
    if let Some(target) = line.target {
        out.extend_from_slice(br#","http.target":"#);
        string(out, target);
    }
    out.extend_from_slice(br#","request_id":"#);
    string(out, line.request_id);
    out.extend_from_slice(b",\"name\":\"request\"}]}\n");
}

/// True when no byte of `value` needs escaping in a JSON string. Every byte is looked at, with
/// no early exit, so that the compiler checks them many at a time: a line's strings are short
/// and almost never need escaping.
fn needs_no_escape(value: &[u8]) -> bool {
    let escaped = value.iter().fold(false, |any, &b| any | (b < 0x20) | (b == b'"') | (b == b'\\'));
    !escaped
}

/// As tracing's text lines read: time, level, message, then the fields.
fn pretty(line: &AccessLine<'_>, out: &mut Vec<u8>) {
    drop(writeln!(
        out,
        "  INFO access: request finished http.status_code={} duration_us={} http.method={} http.route={} \
         http.target={:?} http.client_ip={} request_id={}",
        line.status,
        micros(line.duration),
        line.method,
        line.route.unwrap_or("-"),
        line.target.unwrap_or("-"),
        line.client_ip.map_or_else(|| "-".to_owned(), |ip| ip.to_string()),
        line.request_id
    ));
}

/// An IPv4 address octet by octet: `Display` pads and measures first, and cost more than the
/// rest of the line.
fn write_ip(ip: IpAddr, out: &mut Vec<u8>) {
    match ip {
        IpAddr::V4(v4) => {
            let mut octet = itoa::Buffer::new();
            for (n, byte) in v4.octets().into_iter().enumerate() {
                if n > 0 {
                    out.push(b'.');
                }
                out.extend_from_slice(octet.format(byte).as_bytes());
            }
        }
        IpAddr::V6(v6) => drop(write!(out, "{v6}")),
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// `2026-12-06T21:22:55`, formatted once a second per thread rather than for every line.
#[derive(Default)]
struct Second {
    unix: u64,
    text: String,
}

impl Second {
    /// `2026-12-06T21:22:55.821247Z`: UTC to the microsecond, as tracing writes its times.
    fn write_timestamp(&mut self, now: SystemTime, out: &mut Vec<u8>) {
        let since = now.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        if self.text.is_empty() || self.unix != since.as_secs() {
            self.unix = since.as_secs();
            let at = chrono::DateTime::<chrono::Utc>::from(SystemTime::UNIX_EPOCH + Duration::from_secs(self.unix));
            self.text = at.format("%Y-%m-%dT%H:%M:%S").to_string();
        }
        out.extend_from_slice(self.text.as_bytes());
        // `.` and six digits, zero-padded: 1,000,000 + µs written by itoa, its leading 1 replaced.
        let mut digits = itoa::Buffer::new();
        let padded = digits.format(1_000_000 + since.subsec_micros()).as_bytes();
        out.push(b'.');
        out.extend_from_slice(padded.get(1..).unwrap_or_default());
        out.push(b'Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(target: Option<&'static str>) -> AccessLine<'static> {
        static GET: Method = Method::GET;
        AccessLine {
            request_id: "r-1",
            method: &GET,
            route: Some("/api/auth/callback/{provider}"),
            target,
            client_ip: Some("2001:db8::1".parse().unwrap()),
            status: 302,
            duration: Duration::from_micros(1234),
        }
    }

    fn json_of(line: &AccessLine<'_>, at: SystemTime) -> serde_json::Value {
        let mut text = br#"{"timestamp":""#.to_vec();
        Second::default().write_timestamp(at, &mut text);
        json(line, &mut text);
        assert_eq!(text.last(), Some(&b'\n'), "one line");
        serde_json::from_slice(&text).unwrap()
    }

    #[test]
    fn the_json_line_has_the_shape_of_every_other_line() {
        let at = SystemTime::UNIX_EPOCH + Duration::new(1_796_592_175, 821_247_000);
        let value = json_of(&line(Some("/api/auth/callback/google")), at);
        assert_eq!(value["timestamp"], "2026-12-06T21:22:55.821247Z");
        assert_eq!(value["level"], "INFO");
        assert_eq!(value["message"], "request finished");
        assert_eq!(value["target"], "access");
        assert_eq!(value["http.status_code"], 302);
        assert_eq!(value["duration_us"], 1234);
        let span = &value["spans"][0];
        assert_eq!(span["name"], "request");
        assert_eq!(span["request_id"], "r-1");
        assert_eq!(span["http.method"], "GET");
        assert_eq!(span["http.route"], "/api/auth/callback/{provider}");
        assert_eq!(span["http.target"], "/api/auth/callback/google");
        assert_eq!(span["http.client_ip"], "2001:db8::1");
    }

    #[test]
    fn a_path_a_client_chose_cannot_break_the_line() {
        let hostile = "/a\"b\\c\n{\"level\":\"ERROR\"}\u{1F9D1}\u{200D}\u{1F4BB}";
        let value = json_of(&line(Some(hostile)), SystemTime::now());
        assert_eq!(value["spans"][0]["http.target"], hostile);
        assert_eq!(value["level"], "INFO");
    }

    #[test]
    fn only_control_characters_quotes_and_backslashes_need_escaping() {
        let plain = b"/api/auth/callback/google?state=".repeat(3);
        assert!(needs_no_escape(&plain));
        for byte in 0..=u8::MAX {
            let must_escape = byte < 0x20 || byte == b'"' || byte == b'\\';
            assert_eq!(needs_no_escape(&[byte]), !must_escape, "{byte:#04x} alone");
            // At every place of a string long enough to be checked many bytes at a time.
            for at in 0..plain.len() {
                let mut value = plain.clone();
                value[at] = byte;
                assert_eq!(needs_no_escape(&value), !must_escape, "{byte:#04x} at {at}");
            }
        }
        assert!(needs_no_escape("/caf\u{e9}/\u{1F9D1}\u{200D}\u{1F4BB}".as_bytes()));
    }

    #[test]
    fn addresses_are_written_as_display_writes_them() {
        for ip in ["127.0.0.1", "0.0.0.0", "255.255.255.255", "10.200.3.45", "2001:db8::1", "::ffff:1.2.3.4"] {
            let ip: IpAddr = ip.parse().unwrap();
            let mut out = Vec::new();
            write_ip(ip, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), ip.to_string());
        }
    }

    #[test]
    fn a_request_no_route_took_has_no_route_field() {
        let mut unrouted = line(None);
        unrouted.route = None;
        unrouted.client_ip = None;
        let span = &json_of(&unrouted, SystemTime::now())["spans"][0];
        assert!(span.get("http.route").is_none() && span.get("http.target").is_none(), "{span}");
        assert!(span.get("http.client_ip").is_none(), "{span}");
    }

    #[test]
    fn the_second_is_formatted_again_when_it_changes() {
        let mut second = Second::default();
        let mut text = Vec::new();
        let at = SystemTime::UNIX_EPOCH + Duration::new(1_796_592_175, 5_000);
        second.write_timestamp(at, &mut text);
        second.write_timestamp(at + Duration::from_secs(1), &mut text);
        assert_eq!(String::from_utf8(text).unwrap(), "2026-12-06T21:22:55.000005Z2026-12-06T21:22:56.000005Z");
    }
}
