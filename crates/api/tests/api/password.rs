//! `PUT /api/auth/password`: set a password on an account without one, or change it.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, field_errors, spawn_app, spawn_app_with, token_of};

const NEW: &str = "amber-lantern-77";

async fn put_password(app: &TestApp, token: &str, body: Value) -> Response {
    app.client.put(app.url("/api/auth/password")).bearer_auth(token).json(&body).send().await.unwrap()
}

#[actix_web::test]
async fn a_change_needs_the_current_password_and_revokes_the_other_sessions() {
    let app = spawn_app().await;
    let here = app.signed_up("ada@example.com").await;
    let elsewhere = token_of(app.login("ada@example.com", PASSWORD).await).await;

    let missing = put_password(&app, &here, json!({"new_password": NEW})).await;
    let problem = assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("current_password".to_owned(), "required".to_owned())]);
    let wrong = put_password(&app, &here, json!({"new_password": NEW, "current_password": "not-it-at-all"})).await;
    let problem = assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("current_password".to_owned(), "incorrect".to_owned())]);

    let changed = put_password(&app, &here, json!({"new_password": NEW, "current_password": PASSWORD})).await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.me_with_bearer(&here).await.status(), StatusCode::OK, "this session stays");
    assert_eq!(app.me_with_bearer(&elsewhere).await.status(), StatusCode::UNAUTHORIZED, "the others are revoked");
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.login("ada@example.com", NEW).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_new_password_follows_the_policy() {
    let app = spawn_app().await;
    let token = app.signed_up("ada@example.com").await;
    let weak = put_password(&app, &token, json!({"new_password": "password", "current_password": PASSWORD})).await;
    let problem = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("new_password".to_owned(), "too_common".to_owned())]);
}

#[actix_web::test]
async fn wrong_current_passwords_are_limited_per_email() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_EMAIL", "3")]).await;
    let token = app.signed_up("ada@example.com").await;
    for _ in 0..3 {
        let wrong = put_password(&app, &token, json!({"new_password": NEW, "current_password": "guess-guess"})).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = put_password(&app, &token, json!({"new_password": NEW, "current_password": PASSWORD})).await;
    let retry_after = limited.headers().get("retry-after").cloned();
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(retry_after.is_some());
}

#[actix_web::test]
async fn only_a_signed_in_user_from_this_site_sets_a_password() {
    let app = spawn_app().await;
    let anonymous =
        app.client.put(app.url("/api/auth/password")).json(&json!({"new_password": NEW})).send().await.unwrap();
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let token = app.signed_up("ada@example.com").await;
    let cross_site = app
        .client
        .put(app.url("/api/auth/password"))
        .header("cookie", format!("access_token={token}"))
        .header("origin", "https://evil.example")
        .json(&json!({"new_password": NEW, "current_password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(cross_site, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert_eq!(app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK, "unchanged");
}

#[actix_web::test]
async fn wrong_current_passwords_sent_at_once_get_no_more_checks_than_the_budget() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_EMAIL", "3")]).await;
    let token = app.signed_up("ada@example.com").await;
    let body = json!({"new_password": NEW, "current_password": "guess-guess"});
    let answers = futures_util::future::join_all((0..12).map(|_| put_password(&app, &token, body.clone()))).await;
    let checked = answers.iter().filter(|r| r.status() == StatusCode::UNPROCESSABLE_ENTITY).count();
    let limited = answers.iter().filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, limited), (3, 9));
}

#[actix_web::test]
async fn the_same_password_again_is_refused_under_the_new_password() {
    let app = spawn_app().await;
    let token = app.signed_up("ada@example.com").await;
    let same = put_password(&app, &token, json!({"new_password": PASSWORD, "current_password": PASSWORD})).await;
    let problem = assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("new_password".to_owned(), "same_as_current".to_owned())]);
}

#[actix_web::test]
async fn password_changes_spend_the_address_budget() {
    let app = spawn_app_with(&[("RATE_LIMIT_MAX_PER_IP", "3"), ("TRUSTED_PROXIES", "127.0.0.1")]).await;
    let token = app.signed_up("ada@example.com").await;
    let passwords = [PASSWORD, NEW, "copper-meadow-58", "silver-orchard-31", "golden-thicket-64"];
    let mut answers = Vec::new();
    for pair in passwords.windows(2) {
        let response = app
            .client
            .put(app.url("/api/auth/password"))
            .bearer_auth(&token)
            .header("x-forwarded-for", "198.51.100.7")
            .json(&json!({"current_password": pair[0], "new_password": pair[1]}))
            .send()
            .await
            .unwrap();
        answers.push(response.status().as_u16());
    }
    assert_eq!(answers, [204, 204, 204, 429]);
}
