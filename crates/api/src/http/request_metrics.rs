//! Counts and times every answered request for `/metrics`, by method, route pattern and status.
//!
//! The label set of a request is looked up once per worker thread, then its counter and
//! histogram are kept: building the labels and finding the series in the recorder's registry
//! cost more than the rest of a small request. The patterns are the service's own, so they are
//! hashed with a fast hash rather than one that resists chosen keys.

use std::cell::RefCell;
use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use foldhash::HashMap;
use metrics::{Counter, Histogram};

use crate::prometheus::{self, METRICS_PATH, UNMATCHED};

/// One series of a route: its method, status and handles.
struct Series {
    method: &'static str,
    status: u16,
    count: Counter,
    time: Histogram,
}

thread_local! {
    /// By route pattern; the patterns are the routes' (and `unmatched`), a fixed set.
    static SERIES: RefCell<HashMap<String, Vec<Series>>> = RefCell::new(HashMap::default());
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
    SERIES.with_borrow_mut(|series| {
        let of_route = match series.get_mut(route) {
            Some(of_route) => of_route,
            None => series.entry(route.to_owned()).or_default(),
        };
        let position = of_route.iter().position(|s| s.method == method && s.status == status_code);
        let one = match position {
            Some(at) => &of_route[at],
            None => {
                let (count, time) = prometheus::request_series(method, route, status);
                of_route.push(Series { method, status: status_code, count, time });
                &of_route[of_route.len() - 1]
            }
        };
        one.count.increment(1);
        one.time.record(took.as_secs_f64());
    });
    if status == StatusCode::TOO_MANY_REQUESTS {
        prometheus::record_rate_limited(route);
    }
}
