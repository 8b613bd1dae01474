//! Failed logins and registrations are limited per email and per client address (429 with
//! `Retry-After`), in memory or shared through Redis, and lifted when the window ends.

use chrono::Duration;
use reqwest::{Response, StatusCode};
use serde_json::json;

use crate::helpers::*;

const WRONG: &str = "not-the-password";

fn retry_after(response: &Response) -> i64 {
    response.headers()["retry-after"].to_str().unwrap().parse().unwrap()
}

async fn login_from(app: &TestApp, ip: &str, email: &str, password: &str) -> Response {
    login_at(&app.address, ip, email, password).await
}

/// A login sent to the instance at `base`, from `ip` through the trusted proxy.
async fn login_at(base: &str, ip: &str, email: &str, password: &str) -> Response {
    plain_client()
        .post(format!("{base}/api/auth/login"))
        .header("x-forwarded-for", ip)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn ten_failures_lock_the_email_until_the_window_ends() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[]).await;
    app.signed_up("ada@example.com").await;
    for _ in 0..10 {
        assert_eq!(app.login("ada@example.com", WRONG).await.status(), StatusCode::UNAUTHORIZED);
        clock.advance(Duration::seconds(10));
    }
    // Even the right password is refused now, and the wait is what is left of 15 minutes.
    let refused = app.login("ADA@example.com", PASSWORD).await;
    assert_eq!(retry_after(&refused), 900 - 100);
    let problem = assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(problem["detail"].as_str().unwrap().contains("800 seconds"), "{problem}");
    // Other accounts are not affected.
    app.signed_up("bob@example.com").await;
    assert_eq!(app.login("bob@example.com", PASSWORD).await.status(), StatusCode::OK);

    clock.advance(Duration::seconds(799));
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
    clock.advance(Duration::seconds(1));
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK, "the window has ended");
}

#[actix_web::test]
async fn a_success_clears_the_emails_failures() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_EMAIL", "3")]).await;
    app.signed_up("ada@example.com").await;
    for _ in 0..2 {
        app.login("ada@example.com", WRONG).await;
    }
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK);
    for _ in 0..2 {
        assert_eq!(app.login("ada@example.com", WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn one_address_guessing_many_emails_is_stopped_and_others_are_not() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_IP", "5"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.signed_up("ada@example.com").await;
    for i in 0..5 {
        let response = login_from(&app, "198.51.100.7", &format!("guess{i}@example.com"), WRONG).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let refused = login_from(&app, "198.51.100.7", "ada@example.com", PASSWORD).await;
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another client, behind the same trusted proxy, signs in.
    assert_eq!(login_from(&app, "203.0.113.50", "ada@example.com", PASSWORD).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_does_not_escape_the_limit() {
    // No trusted proxies: the peer's own address is what counts.
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_IP", "3")]).await;
    for i in 0..3 {
        login_from(&app, &format!("192.0.2.{i}"), &format!("guess{i}@example.com"), WRONG).await;
    }
    let response = login_from(&app, "192.0.2.200", "fresh@example.com", WRONG).await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[actix_web::test]
async fn probing_for_taken_emails_through_registration_is_limited() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_EMAIL", "3")]).await;
    app.signed_up("ada@example.com").await;
    for _ in 0..3 {
        let response = app.register("ada@example.com", PASSWORD, "Probe").await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
    }
    let refused = app.register("ada@example.com", PASSWORD, "Probe").await;
    assert!(retry_after(&refused) > 0);
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[actix_web::test]
async fn instances_sharing_redis_share_the_limits() {
    let Ok(redis) = std::env::var("TEST_REDIS_URL") else {
        eprintln!("note: TEST_REDIS_URL is not set: the shared rate-limit test is skipped");
        return;
    };
    // Redis outlives the test: a fresh email and address keep runs apart.
    let tag = uuid::Uuid::new_v4();
    let [a, b, c, ..] = *tag.as_bytes();
    let (email, ip) = (format!("shared-{}@example.com", tag.simple()), format!("10.{a}.{b}.{c}"));
    let overrides =
        [("REDIS_URL", redis.as_str()), ("RATE_LIMIT_MAX_PER_EMAIL", "4"), ("TRUSTED_PROXIES", "127.0.0.1")];
    let app = spawn_app_with(&overrides).await;
    let other = spawn_server(&app.db.url, &overrides).await;
    // Registered from the test's own address, so no run spends another's budget.
    let registered = plain_client()
        .post(app.url("/api/auth/register"))
        .header("x-forwarded-for", &ip)
        .json(&json!({"email": email, "password": PASSWORD, "name": "Shared"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);

    // Two failures on each instance: four in all, the limit.
    for base in [&app.address, &other, &app.address, &other] {
        assert_eq!(login_at(base, &ip, &email, WRONG).await.status(), StatusCode::UNAUTHORIZED);
    }
    for base in [&app.address, &other] {
        let refused = login_at(base, &ip, &email, PASSWORD).await;
        assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    }
}
