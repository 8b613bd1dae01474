//! The Redis counter against a real Redis (`TEST_REDIS_URL`, e.g. redis://127.0.0.1:6379).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use yoshikosan_domain::ports::{FailureCounter, FailureWindow, Reservation};
use yoshikosan_ratelimit::RedisFailureCounter;

fn redis_url() -> Option<String> {
    let url = std::env::var("TEST_REDIS_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        let _ = writeln!(std::io::stderr(), "note: TEST_REDIS_URL is not set: Redis counter tests skipped");
    }
    url
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// A key no other test run uses; Redis is shared.
fn fresh_key() -> String {
    format!("test:{}", uuid::Uuid::new_v4())
}

const MAX: u32 = 10;

async fn reserve(counter: &RedisFailureCounter, key: &str, at: DateTime<Utc>) -> Reservation {
    counter.reserve(key, at, Duration::seconds(900), MAX).await.unwrap()
}

fn granted(reservation: Reservation) -> bool {
    matches!(reservation, Reservation::Granted(_))
}

#[tokio::test]
async fn two_instances_share_one_budget_and_one_window() {
    let Some(url) = redis_url() else { return };
    let (a, b) = (RedisFailureCounter::new(&url).unwrap(), RedisFailureCounter::new(&url).unwrap());
    let (key, ends_at) = (fresh_key(), t0() + Duration::seconds(900));

    for i in 0..MAX {
        let on = if i % 2 == 0 { &a } else { &b };
        assert!(granted(reserve(on, &key, t0() + Duration::seconds(i64::from(i))).await));
    }
    let refused = reserve(&b, &key, t0() + Duration::seconds(20)).await;
    assert_eq!(refused, Reservation::Refused(FailureWindow { failures: MAX, ends_at }));

    // A unit given back on one instance can be taken on the other, once.
    a.release(&key, ends_at).await.unwrap();
    assert!(granted(reserve(&b, &key, t0() + Duration::seconds(21)).await));
    assert!(!granted(reserve(&a, &key, t0() + Duration::seconds(22)).await));

    // Judged on the caller's clock: at the window's end a new one opens, which an old unit cannot enter.
    let fresh = reserve(&a, &key, ends_at).await;
    assert_eq!(fresh, Reservation::Granted(FailureWindow { failures: 1, ends_at: ends_at + Duration::seconds(900) }));
    b.release(&key, ends_at).await.unwrap();
    assert!(matches!(reserve(&b, &key, ends_at).await, Reservation::Granted(w) if w.failures == 2));

    b.clear(&key).await.unwrap();
    assert!(matches!(reserve(&a, &key, ends_at).await, Reservation::Granted(w) if w.failures == 1));
}

#[tokio::test]
async fn reservations_sent_at_once_from_two_instances_never_exceed_the_maximum() {
    let Some(url) = redis_url() else { return };
    let instances =
        [Arc::new(RedisFailureCounter::new(&url).unwrap()), Arc::new(RedisFailureCounter::new(&url).unwrap())];
    let key = fresh_key();
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let (counter, key) = (instances[i % 2].clone(), key.clone());
            tokio::spawn(async move { reserve(&counter, &key, t0()).await })
        })
        .collect();
    let mut granted_count = 0;
    for task in tasks {
        granted_count += usize::from(granted(task.await.unwrap()));
    }
    assert_eq!(granted_count, MAX as usize);
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_to_counting_in_memory() {
    // Port 1 refuses connections: the counter must start, and keep counting locally.
    let counter = RedisFailureCounter::new("redis://127.0.0.1:1").unwrap();
    let key = fresh_key();
    for _ in 0..MAX {
        assert!(granted(reserve(&counter, &key, t0()).await));
    }
    assert!(!granted(reserve(&counter, &key, t0()).await));
}

#[test]
fn a_malformed_url_is_refused_at_once() {
    assert!(RedisFailureCounter::new("http://not-redis").is_err());
}
