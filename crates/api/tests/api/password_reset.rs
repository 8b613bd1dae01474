//! A forgotten password, through a real SMTP server: the mail, the link, the reset, and the
//! rules around them (single use, expiry, superseded links, claims, caps, budgets, outages).

use std::time::Duration as StdDuration;

use chrono::Duration;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{
    ManualClock, PASSWORD, TestApp, assert_problem, spawn_app_on, spawn_app_with, spawn_server, token_of,
};
use crate::mail_catcher::MailCatcher;

const NEW_PASSWORD: &str = "copper-lantern-88";
const WAIT: StdDuration = StdDuration::from_secs(10);
/// The subject of a reset mail (registration also sends one that verifies the address).
const RESET: &str = "Reset your";

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/auth/password/forgot", &json!({"email": email})).await
}

async fn reset(app: &TestApp, token: &str, password: &str) -> reqwest::Response {
    app.post_json("/api/auth/password/reset", &json!({"token": token, "new_password": password})).await
}

async fn with_mail(catcher: &MailCatcher, extra: &[(&str, &str)]) -> TestApp {
    let url = catcher.url();
    let mut vars = vec![("SMTP_URL", url.as_str()), ("MAIL_FROM", "Yoshikosan <no-reply@example.com>")];
    vars.extend_from_slice(extra);
    spawn_app_with(&vars).await
}

/// Runs a statement on the app's database.
async fn sql(app: &TestApp, statement: &str) -> u64 {
    let conn = app.db.database.connection();
    conn.execute_raw(Statement::from_string(conn.get_database_backend(), statement)).await.unwrap().rows_affected()
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_mailed_link_and_every_other_session_ends() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[]).await;
    let old_token = app.signed_up("ada@example.com").await;

    let response = forgot(&app, "Ada@Example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({}));
    let mails = catcher.wait_for("ada@example.com", RESET, 1, WAIT).await;
    assert_eq!(mails.len(), 1, "one mail");
    let mail = &mails[0];
    assert_eq!(mail.subject, "Reset your Yoshikosan password");
    assert!(mail.from.contains("no-reply@example.com"), "{mail:?}");
    let link = mail.link("http://localhost:3000/reset-password#token=");
    assert!(mail.html.contains(&link), "the HTML part has the same link: {}", mail.html);
    assert!(mail.text.contains("If this was not you"), "{}", mail.text);
    let token = mail.token();
    assert_eq!(token.len(), 43);

    // A weak password is refused and leaves the link usable.
    assert_problem(reset(&app, &token, "short").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let response = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get("set-cookie").is_some(), "this browser is signed in");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email_verified"], true, "the reset proved the address");
    let new_token = body["access_token"].as_str().unwrap().to_owned();

    assert_eq!(app.me_with_bearer(&old_token).await.status(), StatusCode::UNAUTHORIZED, "the old session ended");
    let sessions: Value = app.get_with_bearer("/api/auth/sessions", &new_token).await.json().await.unwrap();
    assert_eq!(sessions.as_array().unwrap().len(), 1);
    assert_eq!(sessions[0]["method"], "password_reset");
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ada@example.com", NEW_PASSWORD).await.status(), StatusCode::OK);
    // A reset session counts as a recent proof: it may remove the password right away (409:
    // the last way in, asked after the proof would have been).
    let removal = app.client.delete(app.url("/api/auth/password")).bearer_auth(&new_token).send().await.unwrap();
    assert_problem(removal, StatusCode::CONFLICT, "last_sign_in_method").await;

    assert_problem(reset(&app, &token, NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "invalid_link").await;
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_mail() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[]).await;
    app.signed_up("ada@example.com").await;
    let response = forgot(&app, "nobody@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({}));
    forgot(&app, "ada@example.com").await;
    assert_eq!(catcher.wait_for("ada@example.com", RESET, 1, WAIT).await.len(), 1);
    assert!(catcher.mails_to("nobody@example.com", RESET).is_empty());
    let malformed = forgot(&app, "not an address").await;
    assert_problem(malformed, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn a_newer_link_voids_the_older_one() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[]).await;
    app.signed_up("ada@example.com").await;
    forgot(&app, "ada@example.com").await;
    let first = catcher.wait_for("ada@example.com", RESET, 1, WAIT).await[0].token();
    forgot(&app, "ada@example.com").await;
    let mails = catcher.wait_for("ada@example.com", RESET, 2, WAIT).await;
    let second = mails.iter().map(|m| m.token()).find(|t| *t != first).expect("a second link");
    assert_problem(reset(&app, &first, NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "invalid_link").await;
    assert_eq!(reset(&app, &second, NEW_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_link_expires_30_minutes_after_it_was_asked_for() {
    let Some(catcher) = MailCatcher::start() else { return };
    let clock = ManualClock::starting_now();
    let url = catcher.url();
    let app = spawn_app_on(&clock, &[("SMTP_URL", url.as_str())]).await;
    app.signed_up("ada@example.com").await;
    forgot(&app, "ada@example.com").await;
    let token = catcher.wait_for("ada@example.com", RESET, 1, WAIT).await[0].token();
    clock.advance(Duration::minutes(30));
    assert_problem(reset(&app, &token, NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "link_expired").await;
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK, "nothing changed");
}

/// Links a Google identity to the user by writing the row, as a link flow would.
async fn link_google(app: &TestApp, email: &str, n: u8) {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use yoshikosan_persistence::entities::{oauth_accounts, users};
    let conn = app.db.database.connection();
    let user = users::Entity::find().filter(users::Column::Email.eq(email)).one(conn).await.unwrap().unwrap();
    let link = oauth_accounts::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        user_id: Set(user.id),
        provider: Set("google".into()),
        provider_user_id: Set(format!("google-sub-{n}")),
        issuer: Set(None),
        access_token: Set(None),
        refresh_token: Set(None),
        expires_at: Set(None),
        created_at: Set(user.created_at),
        updated_at: Set(user.updated_at),
    };
    link.insert(conn).await.unwrap();
}

#[tokio::test]
async fn a_reset_of_an_unverified_account_claims_it_and_a_verified_one_keeps_its_links() {
    let Some(catcher) = MailCatcher::start() else { return };
    let google = [("GOOGLE_CLIENT_ID", "id"), ("GOOGLE_CLIENT_SECRET", "secret")];
    let app = with_mail(&catcher, &google).await;
    for (n, email) in [(1, "squatted@example.com"), (2, "verified@example.com")] {
        app.signed_up(email).await;
        link_google(&app, email, n).await;
    }
    sql(&app, "UPDATE users SET email_verified = true WHERE email = 'verified@example.com'").await;
    for email in ["squatted@example.com", "verified@example.com"] {
        forgot(&app, email).await;
        let token = catcher.wait_for(email, RESET, 1, WAIT).await[0].token();
        let body: Value = reset(&app, &token, NEW_PASSWORD).await.json().await.unwrap();
        // As stored, not as the answer computed it.
        let session = body["access_token"].as_str().unwrap();
        let me: Value = app.me_with_bearer(session).await.json().await.unwrap();
        let providers = me["providers"].clone();
        assert_eq!(providers, body["user"]["providers"]);
        if email.starts_with("squatted") {
            assert_eq!(providers, json!(["password"]), "claimed: the squatter's link is gone");
        } else {
            assert_eq!(providers, json!(["password", "google"]), "verified: never claimed");
        }
    }
}

#[tokio::test]
async fn ten_requests_for_an_address_do_not_lock_its_owner_out_and_at_most_five_mails_go() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[("RATE_LIMIT_MAX_PER_EMAIL", "2")]).await;
    app.signed_up("ada@example.com").await;
    for _ in 0..10 {
        assert_eq!(forgot(&app, "ada@example.com").await.status(), StatusCode::ACCEPTED);
    }
    // The email's budget (2 here) is untouched: its owner signs in.
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK);
    // At most MAIL_MAX_PER_ADDRESS (5) mails of every kind went to the address this hour: the
    // registration's verification and four resets.
    catcher.wait_for("ada@example.com", RESET, 4, WAIT).await;
    tokio::time::sleep(StdDuration::from_secs(3)).await;
    assert_eq!(catcher.mails_to("ada@example.com", RESET).len(), 4);
    assert_eq!(catcher.mails_to("ada@example.com", "").len(), 5);
}

#[tokio::test]
async fn requests_for_links_spend_the_client_address_budget() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[("RATE_LIMIT_MAX_PER_IP", "2")]).await;
    for email in ["a@example.com", "b@example.com"] {
        assert_eq!(forgot(&app, email).await.status(), StatusCode::ACCEPTED);
    }
    let refused = forgot(&app, "c@example.com").await;
    assert!(refused.headers().get("retry-after").is_some());
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn a_wrong_link_spends_the_address_budget() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[("RATE_LIMIT_MAX_PER_IP", "3")]).await;
    for token in ["x", "A".repeat(43).as_str(), "not a token at all"] {
        assert_problem(reset(&app, token, NEW_PASSWORD).await, StatusCode::BAD_REQUEST, "invalid_link").await;
    }
    assert_problem(reset(&app, "x", NEW_PASSWORD).await, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

#[tokio::test]
async fn mail_enqueued_while_the_mail_server_is_down_arrives_once_it_is_back() {
    let Some(mut catcher) = MailCatcher::start() else { return };
    catcher.stop();
    let clock = ManualClock::starting_now();
    let url = catcher.url();
    let app = spawn_app_on(&clock, &[("SMTP_URL", url.as_str())]).await;
    app.signed_up("ada@example.com").await;
    forgot(&app, "ada@example.com").await;
    // The first attempt fails and is left for 30 s later.
    let deadline = std::time::Instant::now() + WAIT;
    while sql(&app, "UPDATE mail_outbox SET attempts = attempts WHERE attempts >= 1 AND locked_until IS NULL").await
        == 0
    {
        assert!(std::time::Instant::now() < deadline, "the first attempt was not made");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
    catcher.resume();
    clock.advance(Duration::seconds(31));
    let mails = catcher.wait_for("ada@example.com", RESET, 1, WAIT).await;
    assert_eq!(mails.len(), 1, "the mail arrived after the outage");
    assert_eq!(reset(&app, &mails[0].token(), NEW_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_instances_on_one_database_send_a_mail_once() {
    let Some(catcher) = MailCatcher::start() else { return };
    let app = with_mail(&catcher, &[]).await;
    let url = catcher.url();
    let _second = spawn_server(&app.db.url, &[("SMTP_URL", url.as_str())]).await;
    let _third = spawn_server(&app.db.url, &[("SMTP_URL", url.as_str())]).await;
    app.signed_up("ada@example.com").await;
    for _ in 0..3 {
        forgot(&app, "ada@example.com").await;
    }
    catcher.wait_for("ada@example.com", RESET, 3, WAIT).await;
    tokio::time::sleep(StdDuration::from_secs(3)).await;
    assert_eq!(catcher.mails_to("ada@example.com", RESET).len(), 3, "each row sent by one instance");
}

#[tokio::test]
async fn in_production_without_smtp_the_mail_routes_are_off_and_say_so() {
    let app = spawn_app_with(&[("APP_ENV", "production"), ("BCRYPT_COST", "10")]).await;
    let providers: Value = app.client.get(app.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(providers["email_links"], false);
    assert_problem(forgot(&app, "ada@example.com").await, StatusCode::NOT_FOUND, "not_found").await;
    let token = "A".repeat(43);
    assert_problem(reset(&app, &token, NEW_PASSWORD).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn in_development_without_smtp_the_mail_routes_work() {
    let app = spawn_app_with(&[]).await;
    let providers: Value = app.client.get(app.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(providers["email_links"], true);
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    assert!(!token.is_empty());
    assert_eq!(forgot(&app, "ada@example.com").await.status(), StatusCode::ACCEPTED);
}
