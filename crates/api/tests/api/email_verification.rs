//! Proving an address by mail, through a real SMTP server: the link registration sends, a new
//! one on request, and the rule that only the link's own account may use it.

use std::time::Duration as StdDuration;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ManualClock, PASSWORD, TestApp, assert_problem, spawn_app_on, spawn_app_with};
use crate::mail_catcher::MailCatcher;
use yoshikosan_domain::mail::MailOutbox as _;

const WAIT: StdDuration = StdDuration::from_secs(10);
const VERIFY: &str = "Confirm your address";

async fn verify(app: &TestApp, bearer: Option<&str>, token: &str) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/auth/email/verify")).json(&json!({"token": token}));
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer);
    }
    request.send().await.unwrap()
}

async fn send_again(app: &TestApp, bearer: &str) -> reqwest::Response {
    app.client.post(app.url("/api/auth/email/verification")).bearer_auth(bearer).send().await.unwrap()
}

async fn with_mail(catcher: &MailCatcher) -> TestApp {
    spawn_app_with(&[("SMTP_URL", catcher.url().as_str())]).await
}

#[tokio::test]
async fn registration_mails_a_link_that_verifies_the_address_once() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher).await;
    let session = app.signed_up("ada@example.com").await;
    let mails = catcher.wait_for("ada@example.com", VERIFY, 1, WAIT).await;
    assert_eq!(mails.len(), 1, "registration sends the link");
    let link = mails[0].link("http://localhost:3000/verify-email#token=");
    assert!(mails[0].html.contains(&link));
    let token = mails[0].token();

    let response = verify(&app, Some(&session), &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["email_verified"], true);
    let me: Value = app.me_with_bearer(&session).await.json().await.unwrap();
    assert_eq!(me["email_verified"], true, "seen at once by the session's own checks");
    assert_problem(verify(&app, Some(&session), &token).await, StatusCode::BAD_REQUEST, "invalid_link").await;
    assert_problem(send_again(&app, &session).await, StatusCode::CONFLICT, "already_verified").await;
}

#[tokio::test]
async fn the_link_a_squatter_s_sign_up_sent_verifies_nothing_from_the_owner_s_session_or_none() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher).await;
    // Someone signs up with the owner's address; the owner gets the mail.
    let squatter = app.signed_up("owner@example.com").await;
    let token = catcher.wait_for("owner@example.com", VERIFY, 1, WAIT).await[0].token();
    let owner_elsewhere = app.signed_up("owner.other@example.com").await;

    let refused = verify(&app, Some(&owner_elsewhere), &token).await;
    assert_problem(refused, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_problem(verify(&app, None, &token).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let squatted: Value = app.me_with_bearer(&squatter).await.json().await.unwrap();
    assert_eq!(squatted["email_verified"], false, "still claimable by its address's owner");
    let other: Value = app.me_with_bearer(&owner_elsewhere).await.json().await.unwrap();
    assert_eq!(other["email_verified"], false);
}

#[tokio::test]
async fn a_new_link_can_be_asked_for_once_a_minute_and_voids_the_older_one() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher).await;
    let session = app.signed_up("ada@example.com").await;
    let first = catcher.wait_for("ada@example.com", VERIFY, 1, WAIT).await[0].token();
    let response = send_again(&app, &session).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let refused = send_again(&app, &session).await;
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let mails = catcher.wait_for("ada@example.com", VERIFY, 2, WAIT).await;
    let second = mails.iter().map(|m| m.token()).find(|t| *t != first).expect("a second link");
    assert_problem(verify(&app, Some(&session), &first).await, StatusCode::BAD_REQUEST, "invalid_link").await;
    assert_eq!(verify(&app, Some(&session), &second).await.status(), StatusCode::OK);
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK, "the login budget is untouched");
}

#[tokio::test]
async fn a_verification_link_expires_after_a_day() {
    let Some(catcher) = MailCatcher::start() else { return };
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[("SMTP_URL", catcher.url().as_str())]).await;
    let session = app.signed_up("ada@example.com").await;
    let token = catcher.wait_for("ada@example.com", VERIFY, 1, WAIT).await[0].token();
    clock.advance(Duration::hours(24));
    assert_problem(verify(&app, Some(&session), &token).await, StatusCode::BAD_REQUEST, "link_expired").await;
}

#[tokio::test]
async fn without_mail_in_production_nothing_is_sent_and_the_routes_are_off() {
    let app = spawn_app_with(&[("APP_ENV", "production"), ("BCRYPT_COST", "10")]).await;
    let session = app.signed_up("ada@example.com").await;
    assert_problem(send_again(&app, &session).await, StatusCode::NOT_FOUND, "not_found").await;
    let token = "A".repeat(43);
    assert_problem(verify(&app, Some(&session), &token).await, StatusCode::NOT_FOUND, "not_found").await;
    let outbox: Value = json!(app.db.database.mail_outbox().stats().await.unwrap().pending);
    assert_eq!(outbox, json!(0), "registration enqueued no mail");
}
