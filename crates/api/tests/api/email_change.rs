//! Moving an account to another address, through a real SMTP server: a link to the new address,
//! used by the account's own session; the old address told.

use std::time::Duration as StdDuration;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ManualClock, PASSWORD, TestApp, assert_problem, spawn_app_on};
use crate::mail_catcher::MailCatcher;

const WAIT: StdDuration = StdDuration::from_secs(10);
const CONFIRM: &str = "Confirm your new address";

async fn change(app: &TestApp, bearer: &str, email: &str) -> reqwest::Response {
    let request = app.client.put(app.url("/api/auth/email")).bearer_auth(bearer).json(&json!({"email": email}));
    request.send().await.unwrap()
}

async fn confirm(app: &TestApp, bearer: &str, token: &str) -> reqwest::Response {
    let request =
        app.client.post(app.url("/api/auth/email/confirm")).bearer_auth(bearer).json(&json!({"token": token}));
    request.send().await.unwrap()
}

async fn setup(catcher: &MailCatcher) -> (TestApp, ManualClock) {
    let clock = ManualClock::starting_now();
    (spawn_app_on(&clock, &[("SMTP_URL", catcher.url().as_str())]).await, clock)
}

#[tokio::test]
async fn the_account_moves_once_the_new_address_confirms_and_the_old_one_is_told() {
    let Some(catcher) = MailCatcher::start() else { return };
    let (app, _) = setup(&catcher).await;
    let session = app.signed_up("ada@example.com").await;
    assert_eq!(change(&app, &session, "Ada@New.example.com").await.status(), StatusCode::ACCEPTED);
    let mails = catcher.wait_for("ada@new.example.com", CONFIRM, 1, WAIT).await;
    assert_eq!(mails.len(), 1, "the link goes to the new address");
    mails[0].link("http://localhost:3000/confirm-email#token=");
    let me: Value = app.me_with_bearer(&session).await.json().await.unwrap();
    assert_eq!(me["email"], "ada@example.com", "nothing changes before the link is used");

    let response = confirm(&app, &session, &mails[0].token()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let user: Value = response.json().await.unwrap();
    assert_eq!((user["email"].as_str(), user["email_verified"].as_bool()), (Some("ada@new.example.com"), Some(true)));
    let told = catcher.wait_for("ada@example.com", "Your address was changed", 1, WAIT).await;
    assert_eq!(told.len(), 1, "the old address is told");
    assert!(told[0].text.contains("ada@new.example.com"), "{}", told[0].text);
    assert_eq!(app.login("ada@new.example.com", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_problem(confirm(&app, &session, &mails[0].token()).await, StatusCode::BAD_REQUEST, "invalid_link").await;
}

#[tokio::test]
async fn a_taken_or_unchanged_address_is_refused_and_a_stale_session_must_prove_itself() {
    let Some(catcher) = MailCatcher::start() else { return };
    let (app, clock) = setup(&catcher).await;
    let session = app.signed_up("ada@example.com").await;
    app.signed_up("bob@example.com").await;
    assert_problem(change(&app, &session, "bob@example.com").await, StatusCode::CONFLICT, "email_taken").await;
    let same = change(&app, &session, "ADA@example.com").await;
    assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    clock.advance(Duration::minutes(11));
    let stale = change(&app, &session, "ada@new.example.com").await;
    assert_problem(stale, StatusCode::FORBIDDEN, "reauthentication_required").await;
}

#[tokio::test]
async fn another_account_s_session_cannot_use_the_link() {
    let Some(catcher) = MailCatcher::start() else { return };
    let (app, _) = setup(&catcher).await;
    let ada = app.signed_up("ada@example.com").await;
    let mallory = app.signed_up("mallory@example.com").await;
    change(&app, &ada, "ada@new.example.com").await;
    let token = catcher.wait_for("ada@new.example.com", CONFIRM, 1, WAIT).await[0].token();
    assert_problem(confirm(&app, &mallory, &token).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let me: Value = app.me_with_bearer(&mallory).await.json().await.unwrap();
    assert_eq!(me["email"], "mallory@example.com");
    assert_eq!(confirm(&app, &ada, &token).await.status(), StatusCode::OK, "the owner still can");
}

#[tokio::test]
async fn a_reset_voids_a_pending_change_of_address() {
    let Some(catcher) = MailCatcher::start() else { return };
    let (app, _) = setup(&catcher).await;
    let session = app.signed_up("ada@example.com").await;
    change(&app, &session, "thief@example.com").await;
    let change_token = catcher.wait_for("thief@example.com", CONFIRM, 1, WAIT).await[0].token();
    app.post_json("/api/auth/password/forgot", &json!({"email": "ada@example.com"})).await;
    let reset_token = catcher.wait_for("ada@example.com", "Reset your", 1, WAIT).await[0].token();
    let body = json!({"token": reset_token, "new_password": "copper-lantern-88"});
    let reset: Value = app.post_json("/api/auth/password/reset", &body).await.json().await.unwrap();
    let fresh = reset["access_token"].as_str().unwrap();
    assert_problem(confirm(&app, fresh, &change_token).await, StatusCode::BAD_REQUEST, "invalid_link").await;
}
