//! Bad input gets a clear 4xx problem; browsers from foreign origins cannot act for a user.

use reqwest::{Body, StatusCode, header};
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(r#"{"email": "a@example.com", "password": "#)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_400() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/auth/register"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("email=a%40example.com&password=x&name=y")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[actix_web::test]
async fn wrongly_typed_fields_are_422() {
    let app = spawn_app().await;
    let response = app.post_json("/api/auth/register", &json!({"email": 42, "password": ["x"], "name": null})).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "invalid_type");
}

#[actix_web::test]
async fn bodies_over_64_kib_are_413_with_or_without_a_length() {
    let app = spawn_app().await;
    let oversized = json!({"email": "big@example.com", "password": PASSWORD, "name": "x".repeat(70_000)}).to_string();
    let with_length = app
        .client
        .post(app.url("/api/auth/register"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(oversized.clone())
        .send()
        .await
        .unwrap();
    assert_problem(with_length, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let chunks: Vec<Result<String, std::io::Error>> =
        oversized.as_bytes().chunks(8192).map(|c| Ok(String::from_utf8_lossy(c).into_owned())).collect();
    let chunked = app
        .client
        .post(app.url("/api/auth/register"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_problem(chunked, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let just_under = json!({"email": "fits@example.com", "password": PASSWORD, "name": "x".repeat(60_000)});
    let response = app.post_json("/api/auth/register", &just_under).await;
    assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[actix_web::test]
async fn unknown_routes_and_methods_are_problems() {
    let app = spawn_app().await;
    assert_problem(app.client.get(app.url("/api/auth/nope")).send().await.unwrap(), StatusCode::NOT_FOUND, "not_found")
        .await;
    let wrong_method = app.client.get(app.url("/api/auth/login")).send().await.unwrap();
    assert_eq!(wrong_method.headers()[header::ALLOW], "POST");
    assert_problem(wrong_method, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[actix_web::test]
async fn a_foreign_origin_cannot_log_in_or_out_through_cookies() {
    let app = spawn_app().await;
    let token = app.signed_up("csrf@example.com").await;
    let foreign = "https://evil.example";

    let login = app
        .client
        .post(app.url("/api/auth/login"))
        .header(header::ORIGIN, foreign)
        .json(&json!({"email": "csrf@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(login, StatusCode::FORBIDDEN, "csrf_rejected").await;

    let cookie_logout = app
        .client
        .post(app.url("/api/auth/logout"))
        .header(header::ORIGIN, foreign)
        .header(header::COOKIE, format!("access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_problem(cookie_logout, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK, "the refused logout revoked the session");

    // A Bearer token is not ambient authority: the Origin check does not apply.
    let bearer_logout = app
        .client
        .post(app.url("/api/auth/logout"))
        .header(header::ORIGIN, foreign)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(bearer_logout.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn the_frontend_and_configured_origins_are_allowed_with_credentials() {
    let app = spawn_app_with(&[("CORS_ORIGINS", "https://admin.example.com, https://app.example.com")]).await;
    for origin in [FRONTEND, "https://admin.example.com"] {
        let response = app
            .client
            .post(app.url("/api/auth/register"))
            .header(header::ORIGIN, origin)
            .json(&json!({"email": format!("{}@example.com", origin.len()), "password": PASSWORD, "name": "C"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "{origin}");
        assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], origin);
        assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
    }
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/auth/login"))
        .header(header::ORIGIN, FRONTEND)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], FRONTEND);

    let foreign =
        app.client.get(app.url("/health/live")).header(header::ORIGIN, "https://evil.example").send().await.unwrap();
    assert_eq!(foreign.status(), StatusCode::OK);
    assert!(foreign.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[actix_web::test]
async fn responses_carry_security_headers_and_auth_answers_are_never_cached() {
    let app = spawn_app().await;
    let response = app.register("headers@example.com", PASSWORD, "H").await;
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(response.headers()[header::REFERRER_POLICY], "no-referrer");
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert!(docs.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("default-src 'self'"));

    // Refusals by middleware (CSRF), unknown routes and health probes carry them too.
    let refused = app
        .client
        .post(app.url("/api/auth/logout"))
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    let missing = app.client.get(app.url("/api/nothing-here")).send().await.unwrap();
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    for response in [&refused, &missing, &live] {
        assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{}", response.url());
        assert_eq!(response.headers()[header::REFERRER_POLICY], "no-referrer");
        assert!(response.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    }
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()[header::CACHE_CONTROL], "no-store");
}
