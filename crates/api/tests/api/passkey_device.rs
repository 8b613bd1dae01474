//! What a browser does with a passkey device against a test service: add a passkey, sign in.

use serde_json::{Value, json};

use crate::helpers::TestApp;
pub use crate::soft_passkey::Device;

/// What a signed-in browser does to add a passkey: start, create, finish. Returns the finish.
pub async fn add_passkey(app: &TestApp, token: &str, device: &mut Device, name: Option<&str>) -> reqwest::Response {
    let start = post(app, "/api/auth/passkeys/register/start", Some(token), &json!({})).await;
    assert_eq!(start.status(), reqwest::StatusCode::OK);
    let start: Value = start.json().await.unwrap();
    let credential = device.create(&start["publicKey"]).await;
    let mut body = json!({"ceremony": start["ceremony"], "credential": credential});
    if let Some(name) = name {
        body["name"] = json!(name);
    }
    post(app, "/api/auth/passkeys/register/finish", Some(token), &body).await
}

/// A sign-in's start.
pub async fn sign_in_start(app: &TestApp) -> Value {
    let start = post(app, "/api/auth/passkeys/login/start", None, &json!({})).await;
    assert_eq!(start.status(), reqwest::StatusCode::OK);
    start.json().await.unwrap()
}

/// A whole sign-in with `device`: the finish's response.
pub async fn sign_in(app: &TestApp, device: &mut Device) -> reqwest::Response {
    let start = sign_in_start(app).await;
    let credential = device.get(&start["publicKey"]).await;
    finish_sign_in(app, &start["ceremony"], &credential).await
}

pub async fn finish_sign_in(app: &TestApp, ceremony: &Value, credential: &Value) -> reqwest::Response {
    post(app, "/api/auth/passkeys/login/finish", None, &json!({"ceremony": ceremony, "credential": credential})).await
}

/// A JSON POST as the pages send it, with a Bearer token when given.
pub async fn post(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).json(body).header(
        reqwest::header::USER_AGENT,
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    );
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}
