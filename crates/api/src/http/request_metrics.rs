//! Counts and times every answered request for `/metrics`, by method, route pattern and status.
//!
//! Each worker thread keeps its own counts, one shard per label set, which only that thread
//! writes and the scrape reads and sums. Recording a request is then a lookup in the thread's
//! own map and a load and a store for its bucket and for the sum: no count is written by two
//! cores, and no sample is kept until a scrape (the recorder's histograms queue every sample
//! with its time until they are drained).

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use foldhash::HashMap;

use super::request_metrics_text::{self, BOUNDS, Labels, Totals};
use crate::prometheus::{self, METRICS_PATH, UNMATCHED};

/// One thread's counts of one label set, on cache lines of its own: two workers' shards side
/// by side would make each worker's stores take the line from the other core.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard {
    /// Requests by bucket, as [`Totals`] holds them.
    buckets: [AtomicU64; BOUNDS.len() + 1],
    nanos: AtomicU64,
}

impl Shard {
    fn add(&self, took: Duration) {
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX);
        let bucket = BOUNDS.iter().position(|&(_, bound)| nanos <= bound).unwrap_or(BOUNDS.len());
        if let Some(count) = self.buckets.get(bucket) {
            bump(count, 1);
        }
        bump(&self.nanos, nanos);
    }

    fn add_to(&self, totals: &mut Totals) {
        for (total, count) in totals.buckets.iter_mut().zip(&self.buckets) {
            *total = total.saturating_add(count.load(Ordering::Relaxed));
        }
        totals.nanos = totals.nanos.saturating_add(self.nanos.load(Ordering::Relaxed));
    }
}

/// A load and a store, not one atomic add: only the shard's own thread writes it, so no count
/// can be lost between them, and the scrape reads whole values either way.
fn bump(cell: &AtomicU64, by: u64) {
    cell.store(cell.load(Ordering::Relaxed).saturating_add(by), Ordering::Relaxed);
}

/// Every shard of every thread that ever answered a request. A thread's shards outlive it, so
/// that counts never go back.
static SHARDS: Mutex<Vec<(Labels, Arc<Shard>)>> = Mutex::new(Vec::new());

/// This thread's shards, by route pattern then method and status; the patterns are the
/// routes' (and `unmatched`), a fixed set, so they are hashed with a fast hash.
type Own = HashMap<String, Vec<(&'static str, u16, Arc<Shard>)>>;

thread_local! {
    static OWN: RefCell<Own> = RefCell::new(HashMap::default());
}

/// `route` is the pattern the router matched (`/api/auth/callback/{provider}`), never the path:
/// paths are the client's to choose, and each label value is a series kept for the life of the
/// process. Scrapes of `/metrics` are not the service's traffic and are left out.
pub fn record(method: &Method, route: Option<&str>, status: StatusCode, took: Duration) {
    let route = route.unwrap_or(UNMATCHED);
    if route == METRICS_PATH {
        return;
    }
    let method = prometheus::method_label(method);
    let status_code = status.as_u16();
    // A thread already tearing itself down has no map left; its request goes uncounted.
    let _ = OWN.try_with(|own| {
        let mut own = own.borrow_mut();
        let of_route = match own.get_mut(route) {
            Some(of_route) => of_route,
            None => own.entry(route.to_owned()).or_default(),
        };
        match of_route.iter().find(|(m, s, _)| *m == method && *s == status_code) {
            Some((_, _, shard)) => shard.add(took),
            None => {
                let shard = Arc::new(Shard::default());
                shard.add(took);
                let labels = Labels { route: route.to_owned(), method, status: status_code };
                SHARDS.lock().unwrap_or_else(PoisonError::into_inner).push((labels, Arc::clone(&shard)));
                of_route.push((method, status_code, shard));
            }
        }
    });
    if status == StatusCode::TOO_MANY_REQUESTS {
        prometheus::record_rate_limited(route);
    }
}

/// Appends the request counter and histogram, every thread's shards summed, in the text format.
pub fn render(out: &mut String) {
    let mut totals: Vec<(Labels, Totals)> = Vec::new();
    for (labels, shard) in SHARDS.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        let at = match totals.binary_search_by(|(l, _)| l.cmp(labels)) {
            Ok(at) => at,
            Err(at) => {
                totals.insert(at, (labels.clone(), Totals::default()));
                at
            }
        };
        if let Some((_, total)) = totals.get_mut(at) {
            shard.add_to(total);
        }
    }
    request_metrics_text::write(&totals, out);
}

#[cfg(test)]
mod tests {
    use metrics::{Unit, counter, describe_counter, describe_histogram, histogram};
    use metrics_exporter_prometheus::PrometheusBuilder;

    use super::*;
    use crate::http::request_metrics_text::{DURATION_HELP, REQUESTS_HELP};
    use crate::prometheus::{HTTP_REQUEST_DURATION, HTTP_REQUESTS};

    #[test]
    fn a_time_falls_in_the_first_bucket_whose_bound_holds_it() {
        let shard = Shard::default();
        for took in [Duration::ZERO, Duration::from_millis(5), Duration::from_micros(5_001), Duration::from_secs(11)] {
            shard.add(took);
        }
        let counts: Vec<u64> = shard.buckets.iter().map(|b| b.load(Ordering::Relaxed)).collect();
        assert_eq!(counts, [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(shard.nanos.load(Ordering::Relaxed), 11_010_001_000);
    }

    /// Byte for byte what metrics-exporter-prometheus, which kept these families before, writes
    /// for the same requests: dashboards and alerts read its names, labels and `le` values.
    #[test]
    fn the_families_read_as_the_recorder_wrote_them() {
        let seconds: Vec<f64> = BOUNDS.iter().map(|&(_, nanos)| nanos as f64 / 1e9).collect();
        let recorder = PrometheusBuilder::new().set_buckets(&seconds).unwrap().build_recorder();
        // A pattern as routes have them: the recorder's escapes differ from the format's for
        // a backslash before a line feed, which no pattern holds (see the text's own test).
        let route = "/api/auth/callback/{provider}";
        // Binary fractions, so that both sums are exact; one on a bound, one above them all.
        let took = [0.003_906_25, 0.25, 0.5, 2.0, 5.0, 12.0];
        metrics::with_local_recorder(&recorder, || {
            describe_counter!(HTTP_REQUESTS, REQUESTS_HELP);
            describe_histogram!(HTTP_REQUEST_DURATION, Unit::Seconds, DURATION_HELP);
            let labels = [("method", "GET".to_owned()), ("route", route.to_owned()), ("status", "200".to_owned())];
            counter!(HTTP_REQUESTS, &labels).increment(took.len() as u64);
            let time = histogram!(HTTP_REQUEST_DURATION, &labels);
            took.iter().for_each(|&seconds| time.record(seconds));
        });

        let shard = Shard::default();
        took.iter().for_each(|&seconds| shard.add(Duration::from_secs_f64(seconds)));
        let mut totals = Totals::default();
        shard.add_to(&mut totals);
        let mut ours = String::new();
        let labels = Labels { route: route.to_owned(), method: "GET", status: 200 };
        request_metrics_text::write(&[(labels, totals)], &mut ours);
        assert_eq!(ours, recorder.handle().render());
    }

    #[test]
    fn the_counts_of_every_thread_are_summed() {
        let route = format!("/summed-{}", uuid::Uuid::new_v4().simple());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let route = route.clone();
                std::thread::spawn(move || {
                    for _ in 0..250 {
                        record(&Method::GET, Some(&route), StatusCode::OK, Duration::from_millis(1));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let mut text = String::new();
        render(&mut text);
        let labels = format!(r#"method="GET",route="{route}",status="200""#);
        for series in [
            format!("yoshikosan_http_requests_total{{{labels}}} 1000"),
            format!(r#"yoshikosan_http_request_duration_seconds_bucket{{{labels},le="0.005"}} 1000"#),
            format!(r#"yoshikosan_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} 1000"#),
            format!("yoshikosan_http_request_duration_seconds_sum{{{labels}}} 1"),
            format!("yoshikosan_http_request_duration_seconds_count{{{labels}}} 1000"),
        ] {
            assert!(text.lines().any(|line| line == series), "no {series} in\n{text}");
        }
    }
}
