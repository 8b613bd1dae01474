//! The request counter and histogram in Prometheus's text exposition format (version 0.0.4),
//! as the recorder writes its own families: `# HELP`, `# TYPE`, then one line per series.

use std::fmt::Write;

use crate::prometheus::{HTTP_REQUEST_DURATION, HTTP_REQUESTS};

/// The histogram's upper bounds: as written in `le`, and in nanoseconds.
pub(super) const BOUNDS: [(&str, u64); 11] = [
    ("0.005", 5_000_000),
    ("0.01", 10_000_000),
    ("0.025", 25_000_000),
    ("0.05", 50_000_000),
    ("0.1", 100_000_000),
    ("0.25", 250_000_000),
    ("0.5", 500_000_000),
    ("1", 1_000_000_000),
    ("2.5", 2_500_000_000),
    ("5", 5_000_000_000),
    ("10", 10_000_000_000),
];

pub(super) const REQUESTS_HELP: &str = "HTTP requests answered, by method, route pattern and status";
pub(super) const DURATION_HELP: &str = "Time to answer an HTTP request (until its head)";

/// A series' labels; sorted by route, then method, then status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Labels {
    pub route: String,
    pub method: &'static str,
    pub status: u16,
}

/// One series' counts, every thread's summed. Buckets are not cumulative: `buckets[i]` counts
/// the requests above bound `i - 1` and within bound `i`; the last, those above every bound.
#[derive(Debug, Default)]
pub(super) struct Totals {
    pub buckets: [u64; BOUNDS.len() + 1],
    pub nanos: u64,
}

impl Totals {
    fn count(&self) -> u64 {
        self.buckets.iter().fold(0, |sum, &count| sum.saturating_add(count))
    }
}

/// Appends both families; nothing before the first request, as for the recorder's own.
pub(super) fn write(series: &[(Labels, Totals)], out: &mut String) {
    if series.is_empty() {
        return;
    }
    // Writing into a String cannot fail.
    let _ = writeln!(out, "# HELP {HTTP_REQUESTS} {REQUESTS_HELP}\n# TYPE {HTTP_REQUESTS} counter");
    for (labels, totals) in series {
        let _ = writeln!(out, "{HTTP_REQUESTS}{{{}}} {}", Text(labels), totals.count());
    }
    let _ = writeln!(out, "\n# HELP {HTTP_REQUEST_DURATION} {DURATION_HELP}\n# TYPE {HTTP_REQUEST_DURATION} histogram");
    for (labels, totals) in series {
        let labels = Text(labels);
        // Cumulative, and `+Inf` and `_count` from the same sum, so one scrape always agrees
        // with itself even while requests are being counted.
        let mut below = 0;
        for ((le, _), count) in BOUNDS.iter().zip(&totals.buckets) {
            below = count.saturating_add(below);
            let _ = writeln!(out, "{HTTP_REQUEST_DURATION}_bucket{{{labels},le=\"{le}\"}} {below}");
        }
        let count = totals.count();
        let seconds = totals.nanos as f64 / 1e9;
        let _ = writeln!(out, "{HTTP_REQUEST_DURATION}_bucket{{{labels},le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{HTTP_REQUEST_DURATION}_sum{{{labels}}} {seconds}");
        let _ = writeln!(out, "{HTTP_REQUEST_DURATION}_count{{{labels}}} {count}");
    }
    out.push('\n');
}

/// The labels as written between the braces.
struct Text<'a>(&'a Labels);

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Labels { route, method, status } = self.0;
        write!(f, "method=\"{method}\",route=\"")?;
        // The format's escapes; route patterns are the service's own, but a label must never
        // end early whatever it holds.
        for c in route.chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                '"' => f.write_str("\\\"")?,
                '\n' => f.write_str("\\n")?,
                c => f.write_char(c)?,
            }
        }
        write!(f, "\",status=\"{status}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bound_is_written_as_its_nanoseconds_in_seconds() {
        for (le, nanos) in BOUNDS {
            assert_eq!(le, (nanos as f64 / 1e9).to_string());
        }
    }

    #[test]
    fn label_values_are_escaped_as_the_format_defines() {
        let labels = Labels { route: "/a\"b\\c\nd\\".into(), method: "GET", status: 200 };
        assert_eq!(Text(&labels).to_string(), r#"method="GET",route="/a\"b\\c\nd\\",status="200""#);
    }

    #[test]
    fn no_request_writes_nothing() {
        let mut text = String::new();
        write(&[], &mut text);
        assert!(text.is_empty());
    }
}
