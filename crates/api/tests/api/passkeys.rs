//! Passkeys through the API with a software authenticator: adding one, signing in with it
//! without the address, renaming it, and the ceremonies' single use and lifetime.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ManualClock, PASSWORD, assert_problem, spawn_app, spawn_app_on, spawn_app_with, token_of};
use crate::passkey_device::{Device, add_passkey, finish_sign_in, post, sign_in, sign_in_start};

async fn get(app: &crate::helpers::TestApp, path: &str, token: &str) -> Value {
    let response = app.get_with_bearer(path, token).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_passkey_added_on_the_account_signs_in_without_the_address() {
    let app = spawn_app().await;
    let registered = app.register("ada@example.com", PASSWORD, "Ada").await;
    let token = token_of(registered).await;
    let mut device = Device::new();

    let added = add_passkey(&app, &token, &mut device, None).await;
    let status = added.status();
    let added: Value = added.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["name"], "Chrome on Linux", "named after the browser that added it");
    assert_eq!(added["last_used_at"], Value::Null);
    assert_eq!(get(&app, "/api/auth/me", &token).await["providers"], json!(["password", "passkey"]));

    let signed_in = sign_in(&app, &mut device).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(signed_in.headers().get(reqwest::header::SET_COOKIE).is_some(), "the session cookie is set");
    let body: Value = signed_in.json().await.unwrap();
    assert_eq!(body["user"]["email"], "ada@example.com");
    let passkey_token = body["access_token"].as_str().unwrap();
    let sessions = get(&app, "/api/auth/sessions", passkey_token).await;
    let current = sessions.as_array().unwrap().iter().find(|s| s["current"] == true).unwrap();
    assert_eq!(current["method"], "passkey");
    let listed = get(&app, "/api/auth/passkeys", passkey_token).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0]["last_used_at"].is_string(), "its use is recorded");
}

#[tokio::test]
async fn a_passkey_sign_in_replaces_the_browser_s_session() {
    let app = spawn_app().await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    assert_eq!(add_passkey(&app, &token, &mut device, None).await.status(), StatusCode::CREATED);
    let start = sign_in_start(&app).await;
    let credential = device.get(&start["publicKey"]).await;
    let body = json!({"ceremony": start["ceremony"], "credential": credential});
    let response = post(&app, "/api/auth/passkeys/login/finish", Some(&token), &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::UNAUTHORIZED, "the previous session ended");
}

#[tokio::test]
async fn a_finished_ceremony_cannot_be_finished_again() {
    let app = spawn_app().await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    add_passkey(&app, &token, &mut device, None).await;
    let start = sign_in_start(&app).await;
    let credential = device.get(&start["publicKey"]).await;
    assert_eq!(finish_sign_in(&app, &start["ceremony"], &credential).await.status(), StatusCode::OK);
    let replayed = finish_sign_in(&app, &start["ceremony"], &credential).await;
    assert_problem(replayed, StatusCode::BAD_REQUEST, "invalid_ceremony").await;
    let forged = finish_sign_in(&app, &json!("not-a-sealed-ceremony"), &credential).await;
    assert_problem(forged, StatusCode::BAD_REQUEST, "invalid_ceremony").await;
}

#[tokio::test]
async fn a_ceremony_expires_after_five_minutes() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[]).await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    add_passkey(&app, &token, &mut device, None).await;
    let start = sign_in_start(&app).await;
    let credential = device.get(&start["publicKey"]).await;
    clock.advance(Duration::minutes(5));
    let late = finish_sign_in(&app, &start["ceremony"], &credential).await;
    assert_problem(late, StatusCode::BAD_REQUEST, "invalid_ceremony").await;
}

#[tokio::test]
async fn adding_a_passkey_needs_a_recent_proof_and_names_follow_the_rules() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[]).await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    clock.advance(Duration::minutes(11));
    let stale = post(&app, "/api/auth/passkeys/register/start", Some(&token), &json!({})).await;
    assert_problem(stale, StatusCode::FORBIDDEN, "reauthentication_required").await;
    let proven = post(&app, "/api/auth/reauthenticate", Some(&token), &json!({"password": PASSWORD})).await;
    assert_eq!(proven.status(), StatusCode::NO_CONTENT);

    let mut device = Device::new();
    let added: Value = add_passkey(&app, &token, &mut device, Some(" 🔑 Work laptop ")).await.json().await.unwrap();
    assert_eq!(added["name"], "🔑 Work laptop");
    let path = format!("/api/auth/passkeys/{}", added["id"].as_str().unwrap());
    let renamed =
        app.client.patch(app.url(&path)).bearer_auth(&token).json(&json!({"name": "👩🏽‍🔬 研究室"})).send().await.unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(renamed.json::<Value>().await.unwrap()["name"], "👩🏽‍🔬 研究室");
    let too_long = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&token)
        .json(&json!({"name": "k".repeat(65)}))
        .send()
        .await
        .unwrap();
    assert_problem(too_long, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let bob = token_of(app.register("bob@example.com", PASSWORD, "Bob").await).await;
    let not_his =
        app.client.patch(app.url(&path)).bearer_auth(&bob).json(&json!({"name": "Mine now"})).send().await.unwrap();
    assert_problem(not_his, StatusCode::NOT_FOUND, "not_found").await;
    let not_his = app.client.delete(app.url(&path)).bearer_auth(&bob).send().await.unwrap();
    assert_problem(not_his, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn the_options_exclude_the_account_s_passkeys_and_ask_for_a_discoverable_verified_one() {
    let app = spawn_app().await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    add_passkey(&app, &token, &mut device, None).await;
    let start: Value =
        post(&app, "/api/auth/passkeys/register/start", Some(&token), &json!({})).await.json().await.unwrap();
    let excluded = start["publicKey"]["excludeCredentials"].as_array().unwrap();
    assert_eq!(excluded.len(), 1, "the account's own passkey is excluded");
    assert_eq!(start["publicKey"]["authenticatorSelection"]["residentKey"], "required");
    assert_eq!(start["publicKey"]["authenticatorSelection"]["userVerification"], "required");
}

#[tokio::test]
async fn with_an_address_for_a_site_no_browser_offers_passkeys() {
    let app = spawn_app_with(&[("FRONTEND_URL", "http://127.0.0.1:3000")]).await;
    let providers: Value = app.client.get(app.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(providers["passkeys"], false);
    let start = post(&app, "/api/auth/passkeys/login/start", None, &json!({})).await;
    assert_problem(start, StatusCode::NOT_FOUND, "not_found").await;
    let on = spawn_app().await;
    let providers: Value = on.client.get(on.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(providers["passkeys"], true, "on by default for a site on localhost");
}

#[tokio::test]
async fn a_credential_the_browser_says_is_not_discoverable_is_refused() {
    let app = spawn_app().await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    let start: Value =
        post(&app, "/api/auth/passkeys/register/start", Some(&token), &json!({})).await.json().await.unwrap();
    let mut credential = device.create(&start["publicKey"]).await;
    credential["clientExtensionResults"]["credProps"] = json!({"rk": false});
    let body = json!({"ceremony": start["ceremony"], "credential": credential});
    let refused = post(&app, "/api/auth/passkeys/register/finish", Some(&token), &body).await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "passkey_rejected").await;
    assert_eq!(get(&app, "/api/auth/passkeys", &token).await, json!([]));
}
