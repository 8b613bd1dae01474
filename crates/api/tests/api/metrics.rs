//! `GET /metrics`: the Prometheus text format, with what the deployment guide's alerts use. The
//! recorder is one per process, shared by every test's service: counts are checked as lower
//! bounds, never as totals.

use reqwest::{StatusCode, header};
use serde_json::json;

use crate::helpers::*;

/// The value of the sample named exactly `series` (name and labels), if it is there.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn at_least(text: &str, series: &str, minimum: f64) {
    let value = sample(text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
    assert!(value >= minimum, "{series} is {value}, expected at least {minimum}");
}

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    response.text().await.unwrap()
}

#[actix_web::test]
async fn metrics_show_requests_sign_ins_the_hash_queue_and_the_database() {
    let app = spawn_app().await;
    app.signed_up("metered@example.com").await;
    assert_eq!(app.login("metered@example.com", "wrong-password-1").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("metered@example.com", PASSWORD).await.status(), StatusCode::OK);

    let text = scrape(&app).await;
    for status in ["200", "401"] {
        let labels = format!(r#"method="POST",route="/api/auth/login",status="{status}""#);
        at_least(&text, &format!("yoshikosan_http_requests_total{{{labels}}}"), 1.0);
        at_least(&text, &format!(r#"yoshikosan_http_request_duration_seconds_bucket{{{labels},le="+Inf"}}"#), 1.0);
    }
    at_least(&text, r#"yoshikosan_sign_ins_total{method="password",result="success"}"#, 1.0);
    at_least(&text, r#"yoshikosan_sign_ins_total{method="password",result="invalid_credentials"}"#, 1.0);
    at_least(&text, r#"yoshikosan_registrations_total{result="success"}"#, 1.0);
    // One hash at registration, one verification per login.
    at_least(&text, "yoshikosan_password_hash_queue_wait_seconds_count", 3.0);
    at_least(&text, r#"yoshikosan_password_hash_queue_wait_seconds_bucket{le="0.001"}"#, 0.0);
    assert!(sample(&text, "yoshikosan_password_hashes_in_flight").is_some(), "{text}");
    assert!(sample(&text, "yoshikosan_access_log_dropped_total").is_some(), "{text}");
    assert_eq!(sample(&text, "yoshikosan_database_up"), Some(1.0));
    at_least(&text, "yoshikosan_database_pool_connections", 1.0);
    at_least(&text, "yoshikosan_database_pool_idle_connections", 0.0);
    at_least(&text, "yoshikosan_database_pool_max_connections", 1.0);
    assert!(text.contains("# TYPE yoshikosan_http_request_duration_seconds histogram"), "{text}");
    assert!(text.contains("# HELP yoshikosan_sign_ins_total "), "{text}");

    // Scrapes are not counted: the second one does not find the first.
    let again = scrape(&app).await;
    assert!(!again.contains(r#"route="/metrics""#), "{again}");
}

#[actix_web::test]
async fn unrouted_paths_and_odd_methods_share_fixed_labels() {
    let app = spawn_app().await;
    let path = format!("/no-such-page-{}", uuid::Uuid::new_v4().simple());
    assert_eq!(app.client.get(app.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    app.client.request(odd, app.url("/health/live")).send().await.unwrap();

    let text = scrape(&app).await;
    at_least(&text, r#"yoshikosan_http_requests_total{method="GET",route="unmatched",status="404"}"#, 1.0);
    assert!(text.contains(r#"yoshikosan_http_requests_total{method="other",route="/health/live""#), "{text}");
    assert!(!text.contains(&path) && !text.contains("BREW"), "{text}");
}

#[actix_web::test]
async fn rate_limit_refusals_are_counted_by_route() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_EMAIL", "1")]).await;
    app.signed_up("limited@example.com").await;
    let body = json!({"email": "limited@example.com", "password": "wrong-password-1"});
    let mut refused = false;
    for _ in 0..3 {
        refused |= app.post_json("/api/auth/login", &body).await.status() == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(refused, "the limit never refused");

    let text = scrape(&app).await;
    at_least(&text, r#"yoshikosan_rate_limited_total{route="/api/auth/login"}"#, 1.0);
    at_least(&text, r#"yoshikosan_sign_ins_total{method="password",result="rate_limited"}"#, 1.0);
}
