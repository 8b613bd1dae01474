//! The Redis counter against a real Redis (`TEST_REDIS_URL`, e.g. redis://127.0.0.1:6379).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use std::io::Write;

use chrono::{DateTime, Duration, TimeZone, Utc};
use yoshikosan_domain::ports::{FailureCounter, FailureWindow};
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

#[tokio::test]
async fn two_instances_share_one_count_and_one_window() {
    let Some(url) = redis_url() else { return };
    let (a, b) = (RedisFailureCounter::new(&url).unwrap(), RedisFailureCounter::new(&url).unwrap());
    let (key, window) = (fresh_key(), Duration::seconds(900));

    a.record(&key, t0(), window).await.unwrap();
    let second = b.record(&key, t0() + Duration::seconds(5), window).await.unwrap();
    assert_eq!(second, FailureWindow { failures: 2, ends_at: t0() + window });
    assert_eq!(a.current(&key, t0() + Duration::seconds(6)).await.unwrap(), Some(second));

    // Judged on the caller's clock: at the window's end it is over, and the next failure opens a new one.
    assert_eq!(b.current(&key, t0() + window).await.unwrap(), None);
    let fresh = a.record(&key, t0() + window, window).await.unwrap();
    assert_eq!(fresh.failures, 1);

    b.clear(&key).await.unwrap();
    assert_eq!(a.current(&key, t0() + window).await.unwrap(), None);
}

#[tokio::test]
async fn concurrent_failures_are_all_counted() {
    let Some(url) = redis_url() else { return };
    let counter = std::sync::Arc::new(RedisFailureCounter::new(&url).unwrap());
    let key = fresh_key();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (counter, key) = (counter.clone(), key.clone());
            tokio::spawn(async move { counter.record(&key, t0(), Duration::seconds(60)).await.unwrap() })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(counter.current(&key, t0()).await.unwrap().unwrap().failures, 50);
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_to_counting_in_memory() {
    // Port 1 refuses connections: the counter must start, and keep counting locally.
    let counter = RedisFailureCounter::new("redis://127.0.0.1:1").unwrap();
    let key = fresh_key();
    for _ in 0..3 {
        counter.record(&key, t0(), Duration::seconds(60)).await.unwrap();
    }
    assert_eq!(counter.current(&key, t0()).await.unwrap().unwrap().failures, 3);
}

#[test]
fn a_malformed_url_is_refused_at_once() {
    assert!(RedisFailureCounter::new("http://not-redis").is_err());
}
