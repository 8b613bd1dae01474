//! Security notices: the account's owner is told by mail of each change to how it signs in,
//! with when, from which browser and from which address.

use std::time::Duration as StdDuration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, spawn_app_with};
use crate::mail_catcher::MailCatcher;

const WAIT: StdDuration = StdDuration::from_secs(10);
const AGENT: &str = "Notice-Test/1.0 (X11; Linux)";

async fn with_mail(catcher: &MailCatcher) -> TestApp {
    spawn_app_with(&[("SMTP_URL", catcher.url().as_str())]).await
}

async fn change_password(app: &TestApp, token: &str, current: &str, new: &str) -> reqwest::Response {
    app.client
        .put(app.url("/api/auth/password"))
        .bearer_auth(token)
        .header("user-agent", AGENT)
        .json(&json!({"current_password": current, "new_password": new}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_password_change_is_told_to_the_account_address_with_the_browser_and_address() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher).await;
    let token = app.signed_up("ada@example.com").await;
    let refused = change_password(&app, &token, "not-the-password-1", "copper-lantern-88").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = change_password(&app, &token, PASSWORD, "copper-lantern-88").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let mails = catcher.wait_for("ada@example.com", "Your password was changed", 1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let text = &mails[0].text;
    assert!(text.contains(AGENT) && text.contains("127.0.0.1"), "browser and address: {text}");
    assert!(text.contains("If this was not you") && text.contains("/forgot-password"), "{text}");
    assert!(mails[0].html.contains("127.0.0.1"));
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    let notices = catcher.mails_to("ada@example.com", "Your password was changed");
    assert_eq!(notices.len(), 1, "the refused change was not told");
}

#[tokio::test]
async fn a_reset_is_told_and_a_reset_of_an_unverified_account_says_what_it_took() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher).await;
    app.signed_up("ada@example.com").await;
    app.post_json("/api/auth/password/forgot", &json!({"email": "ada@example.com"})).await;
    let token = catcher.wait_for("ada@example.com", "Reset your", 1, WAIT).await[0].token();
    let body = json!({"token": token, "new_password": "copper-lantern-88"});
    assert_eq!(app.post_json("/api/auth/password/reset", &body).await.status(), StatusCode::OK);
    let mails = catcher.wait_for("ada@example.com", "Your account was secured", 1, WAIT).await;
    assert_eq!(mails.len(), 1, "an unverified account's reset is a claim, told as one");
    assert!(mails[0].text.contains("its password"), "{}", mails[0].text);

    app.post_json("/api/auth/password/forgot", &json!({"email": "ada@example.com"})).await;
    let mails = catcher.wait_for("ada@example.com", "Reset your", 2, WAIT).await;
    let second = mails.iter().map(|m| m.token()).find(|t| *t != token).expect("a second link");
    let body = json!({"token": second, "new_password": "amber-harbour-77"});
    assert_eq!(app.post_json("/api/auth/password/reset", &body).await.status(), StatusCode::OK);
    let told = catcher.wait_for("ada@example.com", "Your password was reset", 1, WAIT).await;
    assert_eq!(told.len(), 1, "a verified account's reset is told as a reset");
}

#[tokio::test]
async fn without_mail_in_production_no_notice_is_written() {
    use yoshikosan_domain::mail::MailOutbox as _;
    let app = spawn_app_with(&[("APP_ENV", "production"), ("BCRYPT_COST", "10")]).await;
    let token = app.signed_up("ada@example.com").await;
    assert_eq!(change_password(&app, &token, PASSWORD, "copper-lantern-88").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.db.database.mail_outbox().stats().await.unwrap().pending, 0);
}

#[tokio::test]
async fn linking_and_unlinking_a_provider_and_a_claim_by_one_are_told() {
    use crate::oauth_support::{Browser, FakeGoogle};
    let Some(catcher) = MailCatcher::start() else { return };
    let google = FakeGoogle::start().await;
    let mut settings: Vec<(&str, String)> = google.app_settings();
    settings.push(("SMTP_URL", catcher.url()));
    let overrides: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = spawn_app_with(&overrides).await;
    let claims = |email: &str| json!({"email": email, "email_verified": true, "name": "Ada"});

    // A link from the account page (a fresh session: a recent proof).
    let browser = Browser::new();
    browser.register(&app, "ada@example.com").await;
    let authorize = browser.start_link(&app, "google").await;
    google.finish(&app, &browser, &authorize, "ada-sub", claims("ada@example.com")).await;
    let linked = catcher.wait_for("ada@example.com", "Sign-in with Google was added", 1, WAIT).await;
    assert_eq!(linked.len(), 1);
    let unlinked = browser.client.delete(app.url("/api/auth/google/link")).send().await.unwrap();
    assert_eq!(unlinked.status(), StatusCode::NO_CONTENT);
    assert_eq!(catcher.wait_for("ada@example.com", "Sign-in with Google was removed", 1, WAIT).await.len(), 1);

    // A squatted password account, claimed by the address's owner signing in with Google.
    Browser::new().register(&app, "owner@example.com").await;
    let owner = Browser::new();
    let authorize = owner.start(&app, "google", None).await;
    google.finish(&app, &owner, &authorize, "owner-sub", claims("owner@example.com")).await;
    let claimed = catcher.wait_for("owner@example.com", "Your account was secured", 1, WAIT).await;
    assert_eq!(claimed.len(), 1);
    assert!(claimed[0].text.contains("its password"), "{}", claimed[0].text);
}

#[tokio::test]
async fn reset_requests_filling_the_address_s_hour_do_not_silence_a_notice() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher).await;
    let token = app.signed_up("ada@example.com").await;
    for _ in 0..6 {
        app.post_json("/api/auth/password/forgot", &json!({"email": "ada@example.com"})).await;
    }
    catcher.wait_for("ada@example.com", "Reset your", 4, WAIT).await;
    assert_eq!(change_password(&app, &token, PASSWORD, "copper-lantern-88").await.status(), StatusCode::NO_CONTENT);
    let told = catcher.wait_for("ada@example.com", "Your password was changed", 1, WAIT).await;
    assert_eq!(told.len(), 1, "notices have a share of their own");
}
