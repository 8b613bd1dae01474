//! Requests sent at once cannot spend more than the budget: each reserves its unit before any
//! password is hashed or checked, in memory and through Redis, on one instance or several.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

const WRONG: &str = "not-the-password";

/// Sends `bodies` to `path` all at once, the i-th to `bases[i % len]` from `addresses(i)` behind
/// the trusted proxy; returns how many were answered with each of `statuses`, in order.
async fn at_once(
    bases: &[&str],
    path: &str,
    bodies: Vec<Value>,
    addresses: impl Fn(usize) -> String,
    statuses: &[StatusCode],
) -> Vec<usize> {
    let requests = bodies.into_iter().enumerate().map(|(i, body)| {
        let request = plain_client()
            .post(format!("{}{path}", bases[i % bases.len()]))
            .header("x-forwarded-for", addresses(i))
            .json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS {
                assert!(response.headers().contains_key("retry-after"));
            }
            status
        }
    });
    let answered = join_all(requests).await;
    let unexpected: Vec<_> = answered.iter().filter(|s| !statuses.contains(s)).collect();
    assert!(unexpected.is_empty(), "unexpected answers: {unexpected:?}");
    statuses.iter().map(|wanted| answered.iter().filter(|s| *s == wanted).count()).collect()
}

fn wrong_logins(email: &str, n: usize) -> Vec<Value> {
    (0..n).map(|_| json!({"email": email, "password": WRONG})).collect()
}

fn registrations(tag: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"email": format!("{tag}-{i}@example.com"), "password": PASSWORD, "name": "At Once"}))
        .collect()
}

/// Each request from its own address, so that only the email's budget is in play.
fn many_addresses(i: usize) -> String {
    format!("198.18.{}.{}", i / 250, i % 250 + 1)
}

const STATUS_401_429: [StatusCode; 2] = [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS];
const STATUS_201_429: [StatusCode; 2] = [StatusCode::CREATED, StatusCode::TOO_MANY_REQUESTS];

#[actix_web::test]
async fn sixty_wrong_passwords_at_once_for_one_email_get_ten_checks() {
    let app = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1")]).await;
    app.signed_up("ada@example.com").await;
    let counts = at_once(
        &[&app.address],
        "/api/auth/login",
        wrong_logins("ada@example.com", 60),
        many_addresses,
        &STATUS_401_429,
    )
    .await;
    assert_eq!(counts, [10, 50], "checked, refused");
}

#[actix_web::test]
async fn registrations_at_once_from_one_address_stop_at_its_limit() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_IP", "5"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let one_address = |_| "203.0.113.77".to_owned();
    let counts =
        at_once(&[&app.address], "/api/auth/register", registrations("flood", 20), one_address, &STATUS_201_429).await;
    assert_eq!(counts, [5, 15], "created, refused");
    // Another address still registers.
    let elsewhere = |_| "203.0.113.78".to_owned();
    let counts =
        at_once(&[&app.address], "/api/auth/register", registrations("other", 1), elsewhere, &STATUS_201_429).await;
    assert_eq!(counts, [1, 0]);
}

fn redis_url() -> Option<String> {
    let url = std::env::var("TEST_REDIS_URL").ok().filter(|u| !u.is_empty());
    if url.is_none() {
        eprintln!("note: TEST_REDIS_URL is not set: the Redis rate-limit tests are skipped");
    }
    url
}

/// Redis outlives the test: a fresh tag, and addresses derived from it, keep runs apart.
fn fresh_tag() -> (String, impl Fn(usize) -> String + Clone) {
    let tag = uuid::Uuid::new_v4();
    let [a, b, ..] = *tag.as_bytes();
    (tag.simple().to_string(), move |i: usize| format!("10.{a}.{b}.{}", i % 250 + 1))
}

/// Two instances sharing one database and `redis`, the first as a [`TestApp`].
async fn two_instances(redis: &str, overrides: &[(&str, &str)]) -> (TestApp, String) {
    let mut all = vec![("REDIS_URL", redis), ("TRUSTED_PROXIES", "127.0.0.1")];
    all.extend_from_slice(overrides);
    let app = spawn_app_with(&all).await;
    let other = spawn_server(&app.db.url, &all).await;
    (app, other)
}

#[actix_web::test]
async fn through_redis_sixty_wrong_passwords_at_once_on_two_instances_get_ten_checks() {
    let Some(redis) = redis_url() else { return };
    let (app, other) = two_instances(&redis, &[]).await;
    let (tag, addresses) = fresh_tag();
    let email = format!("shared-{tag}@example.com");
    let created = at_once(
        &[&app.address],
        "/api/auth/register",
        vec![json!({"email": email, "password": PASSWORD, "name": "A"})],
        addresses.clone(),
        &STATUS_201_429,
    )
    .await;
    assert_eq!(created, [1, 0]);

    let both = [app.address.as_str(), other.as_str()];
    let counts = at_once(&both, "/api/auth/login", wrong_logins(&email, 60), addresses, &STATUS_401_429).await;
    assert_eq!(counts, [10, 50], "checked, refused");
}

#[actix_web::test]
async fn through_redis_registrations_at_once_on_two_instances_stop_at_the_address_limit() {
    let Some(redis) = redis_url() else { return };
    let (app, other) = two_instances(&redis, &[("RATE_LIMIT_MAX_PER_IP", "5")]).await;
    let (tag, addresses) = fresh_tag();
    let one_address = move |_| addresses(0);
    let counts =
        at_once(&[&app.address, &other], "/api/auth/register", registrations(&tag, 20), one_address, &STATUS_201_429)
            .await;
    assert_eq!(counts, [5, 15], "created, refused");
}
