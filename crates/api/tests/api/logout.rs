use reqwest::{StatusCode, header};

use crate::helpers::*;

#[actix_web::test]
async fn logout_revokes_the_session_so_the_same_jwt_is_refused() {
    let app = spawn_app().await;
    let token = app.signed_up("bye@example.com").await;
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK);

    let response = app.client.post(app.url("/api/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cleared.starts_with("access_token=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0") && cleared.contains("Path=/"), "{cleared}");

    assert_problem(app.me_with_bearer(&token).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_problem(app.me_with_cookie(&token).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn logout_only_revokes_its_own_session() {
    let app = spawn_app().await;
    let laptop = app.signed_up("two.devices@example.com").await;
    let phone = token_of(app.login("two.devices@example.com", PASSWORD).await).await;
    app.client.post(app.url("/api/auth/logout")).bearer_auth(&laptop).send().await.unwrap();
    assert_eq!(app.me_with_bearer(&phone).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn logout_is_idempotent() {
    let app = spawn_app().await;
    let token = app.signed_up("again@example.com").await;
    let logout = |builder: reqwest::RequestBuilder| async move { builder.send().await.unwrap() };
    let url = app.url("/api/auth/logout");
    for response in [
        logout(app.client.post(&url).bearer_auth(&token)).await,
        logout(app.client.post(&url).bearer_auth(&token)).await,
        logout(app.client.post(&url)).await,
        logout(app.client.post(&url).bearer_auth("garbage")).await,
        logout(app.client.post(&url).header(header::COOKIE, "access_token=garbage")).await,
    ] {
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert!(response.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    }
}

#[actix_web::test]
async fn the_session_cookie_authenticates_a_browser() {
    let app = spawn_app().await;
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let response = browser
        .post(app.url("/api/auth/register"))
        .json(&serde_json::json!({"email": "browser@example.com", "password": PASSWORD, "name": "B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let me = browser.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    // Logging out through the cookie clears it from the browser, which is then signed out.
    let logout = browser.post(app.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_problem(
        browser.get(app.url("/api/auth/me")).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

#[actix_web::test]
async fn an_authorization_header_is_judged_alone_even_with_a_valid_cookie() {
    let app = spawn_app().await;
    let token = app.signed_up("header.wins@example.com").await;
    for authorization in ["Bearer invalid.token.here", "Basic dXNlcjpwYXNz", "Bearer"] {
        let response = app
            .client
            .get(app.url("/api/auth/me"))
            .header(header::AUTHORIZATION, authorization)
            .header(header::COOKIE, format!("access_token={token}"))
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    let lower_case_scheme = app
        .client
        .get(app.url("/api/auth/me"))
        .header(header::AUTHORIZATION, format!("bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(lower_case_scheme.status(), StatusCode::OK);
}
