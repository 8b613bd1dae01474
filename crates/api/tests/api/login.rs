use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::*;

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
    let now = chrono::Utc::now();
    let oauth_only = yoshikosan_persistence::entities::users::ActiveModel {
        id: sea_orm::ActiveValue::Set(Uuid::now_v7()),
        email: sea_orm::ActiveValue::Set("oauth.only@example.com".into()),
        name: sea_orm::ActiveValue::Set("OAuth Only".into()),
        avatar_url: sea_orm::ActiveValue::Set(None),
        password_hash: sea_orm::ActiveValue::Set(None),
        email_verified: sea_orm::ActiveValue::Set(true),
        created_at: sea_orm::ActiveValue::Set(now),
        updated_at: sea_orm::ActiveValue::Set(now),
    };
    sea_orm::ActiveModelTrait::insert(oauth_only, app.db.database.connection()).await.unwrap();

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
