use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

/// A users row written directly, without a password hash.
async fn insert_user_row(app: &TestApp, email: &str, name: &str) {
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let row = yoshikosan_persistence::entities::users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.into()),
        name: Set(name.into()),
        avatar_url: Set(None),
        password_hash: Set(None),
        email_verified: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    };
    sea_orm::ActiveModelTrait::insert(row, app.db.database.connection()).await.unwrap();
}

#[actix_web::test]
async fn login_matches_the_email_in_any_case_and_opens_a_new_session() {
    let app = spawn_app().await;
    let first = app.signed_up("case@example.com").await;
    let response = app.login("  CASE@Example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::SET_COOKIE].to_str().unwrap().contains("HttpOnly"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "case@example.com");
    let second = body["access_token"].as_str().unwrap();
    assert_ne!(second, first);
    // Both sessions are live.
    assert_eq!(app.me_with_bearer(&first).await.status(), StatusCode::OK);
    assert_eq!(app.me_with_bearer(second).await.status(), StatusCode::OK);
}

/// Unknown email, wrong password and an account without a password must be indistinguishable.
#[actix_web::test]
async fn failed_logins_are_identical_whatever_the_reason() {
    let app = spawn_app().await;
    app.signed_up("known@example.com").await;
    // An OAuth-only account: a user row without a password hash.
    insert_user_row(&app, "oauth.only@example.com", "OAuth Only").await;

    let mut bodies = Vec::new();
    for (email, password) in [
        ("unknown@example.com", PASSWORD),
        ("known@example.com", "wrong-password-1"),
        ("oauth.only@example.com", PASSWORD),
    ] {
        let response = app.login(email, password).await;
        assert!(response.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
        assert!(!response.headers().contains_key(header::SET_COOKIE));
        let mut body = assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        body.as_object_mut().unwrap().remove("instance");
        bodies.push(body);
    }
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[1], bodies[2]);
    assert_eq!(bodies[0]["detail"], "Email or password is incorrect");
}

#[actix_web::test]
async fn login_validates_its_fields() {
    let app = spawn_app().await;
    let problem = assert_problem(
        app.post_json("/api/auth/login", &json!({"email": "nobody@example.com"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(field_errors(&problem), [("password".into(), "required".into())]);
    let problem =
        assert_problem(app.login("nope", "whatever").await, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .await;
    assert_eq!(field_errors(&problem), [("email".into(), "invalid_email".into())]);
}

#[actix_web::test]
async fn an_unexpected_failure_is_a_500_that_reveals_nothing() {
    let app = spawn_app().await;
    app.signed_up("broken@example.com").await;
    // A schema no release leaves behind: the session cannot be written.
    let conn = app.db.database.connection();
    sea_orm::ConnectionTrait::execute_unprepared(conn, "DROP TABLE sessions").await.unwrap();

    let response = app.login("broken@example.com", PASSWORD).await;
    let body = assert_problem(response, StatusCode::INTERNAL_SERVER_ERROR, "internal_error").await;
    assert_eq!(body["detail"], "An unexpected error occurred");
    let text = body.to_string();
    assert!(!text.contains("sessions") && !text.contains("table"), "internals leaked: {text}");
    // The service keeps serving.
    assert_eq!(app.client.get(app.url("/health")).send().await.unwrap().status(), StatusCode::OK);
}

/// The address recorded on the session for a login with these headers.
async fn session_ip(app: &TestApp, forwarded_for: &str) -> Option<String> {
    use sea_orm::{EntityTrait, QueryOrder};
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": "ip@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let sessions = yoshikosan_persistence::entities::sessions::Entity::find()
        .order_by_desc(yoshikosan_persistence::entities::sessions::Column::Id)
        .all(app.db.database.connection())
        .await
        .unwrap();
    sessions[0].ip.clone()
}

#[actix_web::test]
async fn x_forwarded_for_is_believed_only_from_trusted_proxies() {
    let direct = spawn_app().await;
    direct.signed_up("ip@example.com").await;
    assert_eq!(session_ip(&direct, "198.51.100.7").await.as_deref(), Some("127.0.0.1"));

    let proxied = spawn_app_with(&[("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")]).await;
    proxied.signed_up("ip@example.com").await;
    assert_eq!(session_ip(&proxied, "6.6.6.6, 198.51.100.7").await.as_deref(), Some("198.51.100.7"));
}
