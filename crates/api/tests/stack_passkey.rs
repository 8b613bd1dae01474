//! A passkey sign-in through a running stack's nginx, as `deploy/test-stack.sh` asks for it:
//! `STACK_URL=http://127.0.0.1:6666 STACK_ORIGIN=http://localhost:6666 cargo test --test
//! stack_passkey -- --ignored`. Ignored otherwise: it needs the stack.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

#[path = "support/soft_passkey.rs"]
#[allow(dead_code, reason = "the API tests use the rest of the device")]
mod soft_passkey;

use reqwest::StatusCode;
use serde_json::{Value, json};
use soft_passkey::Device;

async fn post(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
#[ignore = "needs a running stack: deploy/test-stack.sh runs it"]
async fn a_passkey_added_through_the_stack_signs_in_through_it() {
    let base = std::env::var("STACK_URL").expect("STACK_URL");
    let origin = std::env::var("STACK_ORIGIN").expect("STACK_ORIGIN");
    let client = reqwest::Client::new();
    let url = |path: &str| format!("{base}{path}");
    let email = format!("passkey-{}@example.com", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": "violet-harbour-42", "name": "Stack Passkey"});
    let registered = post(&client, url("/api/auth/register"), None, body).await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let registered: Value = registered.json().await.unwrap();
    let token = registered["access_token"].as_str().unwrap();

    let mut device = Device::holding(None, &origin);
    let start: Value =
        post(&client, url("/api/auth/passkeys/register/start"), Some(token), json!({})).await.json().await.unwrap();
    let credential = device.create(&start["publicKey"]).await;
    let body = json!({"ceremony": start["ceremony"], "credential": credential, "name": "Stack key"});
    let added = post(&client, url("/api/auth/passkeys/register/finish"), Some(token), body).await;
    assert_eq!(added.status(), StatusCode::CREATED, "{:?}", added.text().await);

    let start: Value =
        post(&client, url("/api/auth/passkeys/login/start"), None, json!({})).await.json().await.unwrap();
    let credential = device.get(&start["publicKey"]).await;
    let body = json!({"ceremony": start["ceremony"], "credential": credential});
    let signed_in = post(&client, url("/api/auth/passkeys/login/finish"), None, body).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(signed_in.headers().get(reqwest::header::SET_COOKIE).is_some());
    let signed_in: Value = signed_in.json().await.unwrap();
    assert_eq!(signed_in["user"]["email"], email.as_str());
    assert_eq!(signed_in["user"]["providers"], json!(["password", "passkey"]));
}
