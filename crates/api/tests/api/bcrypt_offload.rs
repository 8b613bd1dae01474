//! bcrypt runs off the HTTP workers: a burst of logins at the production cost leaves the rest
//! of the service responsive, and unknown emails cost as much as wrong passwords.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::*;

#[actix_web::test]
async fn twenty_concurrent_logins_do_not_stall_liveness() {
    // Twenty clients, each its own address, none of them near a limit.
    let overrides = [("BCRYPT_COST", "12"), ("RATE_LIMIT_MAX_PER_EMAIL", "100"), ("TRUSTED_PROXIES", "127.0.0.1")];
    let app = spawn_app_with(&overrides).await;
    app.signed_up("busy@example.com").await;

    let started = Instant::now();
    let logins: Vec<_> = (0..20)
        .map(|i| {
            let (client, url) = (app.client.clone(), app.url("/api/auth/login"));
            tokio::spawn(async move {
                let body = serde_json::json!({"email": "busy@example.com", "password": PASSWORD});
                let address = format!("198.51.100.{}", i + 1);
                client.post(url).header("x-forwarded-for", address).json(&body).send().await.unwrap().status()
            })
        })
        .collect();

    let mut slowest = Duration::ZERO;
    let mut probes = 0;
    while logins.iter().any(|login| !login.is_finished()) {
        let probe = Instant::now();
        let response = app.client.get(app.url("/health/live")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        slowest = slowest.max(probe.elapsed());
        probes += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let burst = started.elapsed();
    for login in logins {
        assert_eq!(login.await.unwrap(), StatusCode::OK);
    }
    eprintln!("20 logins at cost 12 took {burst:?}; {probes} liveness probes meanwhile, slowest {slowest:?}");
    assert!(probes >= 5, "the burst was too short to measure anything ({burst:?})");
    assert!(slowest < Duration::from_millis(500), "liveness stalled for {slowest:?} during a {burst:?} login burst");
}

#[actix_web::test]
async fn an_unknown_email_takes_about_as_long_as_a_wrong_password() {
    let app = spawn_app_with(&[("BCRYPT_COST", "10")]).await;
    app.signed_up("timing@example.com").await;
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(app.login("timing@example.com", "wrong-password-1").await.status(), StatusCode::UNAUTHORIZED);
        known.push(started.elapsed());
        let started = Instant::now();
        assert_eq!(app.login("nobody@example.com", "wrong-password-1").await.status(), StatusCode::UNAUTHORIZED);
        unknown.push(started.elapsed());
    }
    let (known, unknown) = (median(known), median(unknown));
    let ratio = unknown.as_secs_f64() / known.as_secs_f64();
    assert!((0.5..2.0).contains(&ratio), "unknown email {unknown:?} vs wrong password {known:?}");
}
