//! One address sending many sign-ups at once gets its share of the bcrypt pool and a short
//! queue, then 429: another address's login does not wait behind the flood.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

async fn login_from(app: &TestApp, address: &str) -> (StatusCode, Duration) {
    let started = Instant::now();
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", address)
        .json(&json!({"email": "calm@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    (response.status(), started.elapsed())
}

#[actix_web::test]
async fn a_flood_of_sign_ups_from_one_address_does_not_starve_another_addresss_login() {
    let overrides = [("BCRYPT_COST", "10"), ("RATE_LIMIT_MAX_PER_IP", "1000"), ("TRUSTED_PROXIES", "127.0.0.1")];
    let app = spawn_app_with(&overrides).await;
    app.signed_up("calm@example.com").await;
    let (status, idle) = login_from(&app, "203.0.113.1").await;
    assert_eq!(status, StatusCode::OK);

    let flood: Vec<_> = (0..60)
        .map(|i| {
            let request = app
                .client
                .post(app.url("/api/auth/register"))
                .header("x-forwarded-for", "198.51.100.66")
                .json(&json!({"email": format!("flood{i}@example.com"), "password": PASSWORD, "name": "Flood"}));
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                (response.status(), response.headers().contains_key("retry-after"))
            })
        })
        .collect();
    // Let the flood fill the pool's queue before the other client arrives.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, during) = login_from(&app, "203.0.113.2").await;
    assert_eq!(status, StatusCode::OK);

    let answers: Vec<_> = join_all(flood).await.into_iter().map(Result::unwrap).collect();
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused = answers.iter().filter(|(s, retry)| *s == StatusCode::TOO_MANY_REQUESTS && *retry).count();
    eprintln!("login idle {idle:?}, during the flood {during:?}; flood: {created} created, {refused} refused");
    assert_eq!(created + refused, answers.len(), "{answers:?}");
    assert!(refused > 0, "the flood's queue is bounded");
    // Unfair, the login would wait behind some 50 hashes; fair, behind at most a few.
    assert!(during < idle * 8 + Duration::from_millis(200), "login took {during:?} during the flood, {idle:?} idle");
}
