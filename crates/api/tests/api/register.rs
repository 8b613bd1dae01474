use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::*;

#[actix_web::test]
async fn register_creates_the_account_signs_it_in_and_sets_the_cookie() {
    let app = spawn_app().await;
    let response = app.register("  Ada.Lovelace@Example.COM ", PASSWORD, "  Ada Lovelace ").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();

    assert_eq!(body["token_type"], "Bearer");
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    assert!(chrono::DateTime::parse_from_rfc3339(body["expires_at"].as_str().unwrap()).is_ok());
    let user = &body["user"];
    assert_eq!(user["email"], "ada.lovelace@example.com");
    assert_eq!(user["name"], "Ada Lovelace");
    assert_eq!(user["avatar_url"], Value::Null);
    assert_eq!(user["email_verified"], false);
    assert_eq!(user["providers"], json!(["password"]));
    assert!(uuid::Uuid::parse_str(user["id"].as_str().unwrap()).is_ok());
    for secret in ["password_hash", "token_hash", "password"] {
        assert!(user.get(secret).is_none() && body.get(secret).is_none(), "{secret} leaked");
    }

    assert!(cookie.starts_with(&format!("access_token={token};")), "{cookie}");
    for attribute in ["HttpOnly", "Path=/", "SameSite=Lax", "Max-Age=604800"] {
        assert!(cookie.contains(attribute), "{attribute} missing from {cookie}");
    }
    assert!(!cookie.contains("Secure"), "development cookies work over plain http");

    let me: Value = app.me_with_bearer(token).await.json().await.unwrap();
    assert_eq!(me, body["user"]);
}

#[actix_web::test]
async fn production_cookies_are_secure_and_scoped_to_the_configured_domain() {
    let app = spawn_app_with(&[
        ("APP_ENV", "production"),
        ("BCRYPT_COST", "10"),
        ("COOKIE_DOMAIN", "example.com"),
        ("COOKIE_NAME", "yk_session"),
    ])
    .await;
    let response = app.register("secure@example.com", PASSWORD, "S").await;
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("yk_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Domain=example.com"), "{cookie}");
}

#[actix_web::test]
async fn a_taken_email_is_409_whatever_its_case() {
    let app = spawn_app().await;
    app.signed_up("taken@example.com").await;
    let response = app.register("TAKEN@Example.com", "another-fine-pass", "Other").await;
    assert_problem(response, StatusCode::CONFLICT, "email_taken").await;
}

#[actix_web::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = spawn_app().await;
    let response = app.register("not-an-email", "short", "").await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        field_errors(&problem),
        [
            ("email".into(), "invalid_email".into()),
            ("password".into(), "too_short".into()),
            ("name".into(), "required".into())
        ]
    );
    assert!(problem["errors"][0]["message"].is_string());
}

#[actix_web::test]
async fn missing_fields_are_required() {
    let app = spawn_app().await;
    let response = app.post_json("/api/auth/register", &json!({})).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let codes: Vec<_> = field_errors(&problem).into_iter().map(|(_, code)| code).collect();
    assert_eq!(codes, ["required", "required", "required"]);
}

#[actix_web::test]
async fn password_rules_are_enforced() {
    let app = spawn_app().await;
    let cases = [
        ("x".repeat(71) + "é", "too_long"),
        ("Password123".to_owned(), "too_common"),
        ("qwertyuiop".to_owned(), "too_common"),
        ("Grace.Hopper".to_owned(), "contains_email"),
    ];
    for (password, code) in cases {
        let response = app.register("grace.hopper@example.com", &password, "Grace").await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_errors(&problem), [("password".into(), code.into())], "{password}");
    }
    let long_name = app.register("grace@example.com", PASSWORD, &"n".repeat(101)).await;
    let problem = assert_problem(long_name, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("name".into(), "too_long".into())]);
}

#[actix_web::test]
async fn a_password_over_72_bytes_is_refused_not_truncated() {
    let app = spawn_app().await;
    let base = "correct-horse-battery-staple-".repeat(3);
    let first_72: String = base.chars().take(72).collect();
    let longer = format!("{first_72}and-more");
    let response = app.register("long@example.com", &longer, "Long").await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("password".into(), "too_long".into())]);

    // With exactly 72 bytes registered, the same prefix plus more must not sign in.
    assert_eq!(app.register("long@example.com", &first_72, "Long").await.status(), StatusCode::CREATED);
    assert_problem(app.login("long@example.com", &longer).await, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(app.login("long@example.com", &first_72).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_password_policy_endpoint_lists_the_enforced_rules() {
    let app = spawn_app().await;
    let body: Value = app.client.get(app.url("/api/auth/password-policy")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["min_length"], 8);
    assert_eq!(body["max_bytes"], 72);
    let ids: Vec<_> = body["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["min_length", "max_bytes", "not_common", "not_email"]);
    assert!(body["rules"].as_array().unwrap().iter().all(|r| !r["description"].as_str().unwrap().is_empty()));
}

#[actix_web::test]
async fn providers_lists_password_sign_in_and_no_unconfigured_provider() {
    let app = spawn_app().await;
    let body: Value = app.client.get(app.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body, json!({"password": true, "email_links": true, "passkeys": true, "providers": []}));
}
