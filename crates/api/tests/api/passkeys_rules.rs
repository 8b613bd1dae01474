//! A passkey among the account's ways in: never the last one removed, gone with a claim, and its
//! removal ending the sessions it opened on every instance.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{FRONTEND, PASSWORD, TestApp, assert_problem, spawn_app, spawn_server, token_of};
use crate::oauth_support::{Browser, FakeGoogle, app_with};
use crate::passkey_device::{Device, add_passkey, sign_in};

async fn passkeys_of(app: &TestApp, token: &str) -> Vec<Value> {
    app.get_with_bearer("/api/auth/passkeys", token).await.json::<Vec<Value>>().await.unwrap()
}

async fn delete(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.client.delete(app.url(path)).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn the_last_way_in_is_never_removed_and_a_passkey_alone_is_one() {
    let app = spawn_app().await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    add_passkey(&app, &token, &mut device, None).await;
    // The password may go: the passkey stays a way in.
    assert_eq!(delete(&app, "/api/auth/password", &token).await.status(), StatusCode::NO_CONTENT);
    let me: Value = app.me_with_bearer(&token).await.json().await.unwrap();
    assert_eq!(me["providers"], json!(["passkey"]));
    let id = passkeys_of(&app, &token).await[0]["id"].as_str().unwrap().to_owned();
    let refused = delete(&app, &format!("/api/auth/passkeys/{id}"), &token).await;
    assert_problem(refused, StatusCode::CONFLICT, "last_sign_in_method").await;
    assert_eq!(sign_in(&app, &mut device).await.status(), StatusCode::OK, "and it still signs in");
}

/// A passkey sign-in through the instance at `address`; the new session's token.
async fn sign_in_at(client: &reqwest::Client, address: &str, device: &mut Device) -> String {
    let start: Value =
        client.post(format!("{address}/api/auth/passkeys/login/start")).send().await.unwrap().json().await.unwrap();
    let credential = device.get(&start["publicKey"]).await;
    let body = json!({"ceremony": start["ceremony"], "credential": credential});
    let finish = client.post(format!("{address}/api/auth/passkeys/login/finish")).json(&body).send().await.unwrap();
    assert_eq!(finish.status(), StatusCode::OK);
    token_of(finish).await
}

#[tokio::test]
async fn removing_a_passkey_ends_its_sessions_on_every_instance() {
    let app = spawn_app().await;
    let other = spawn_server(&app.db.url, &[]).await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    // The other instance has Ada's account in its session cache before the passkey is added.
    let me_with = |token: String| app.client.get(format!("{other}/api/auth/me")).bearer_auth(token).send();
    assert_eq!(me_with(token.clone()).await.unwrap().json::<Value>().await.unwrap()["providers"], json!(["password"]));
    let mut device = Device::new();
    let added: Value = add_passkey(&app, &token, &mut device, None).await.json().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while me_with(token.clone()).await.unwrap().json::<Value>().await.unwrap()["providers"]
        != json!(["password", "passkey"])
    {
        assert!(std::time::Instant::now() < deadline, "the other instance does not show the new passkey");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // Signed in with the passkey through the other instance, which then knows the session.
    let by_passkey = sign_in_at(&app.client, &other, &mut device).await;
    let me_there = || app.client.get(format!("{other}/api/auth/me")).bearer_auth(&by_passkey).send();
    assert_eq!(me_there().await.unwrap().status(), StatusCode::OK);

    let removed = delete(&app, &format!("/api/auth/passkeys/{}", added["id"].as_str().unwrap()), &token).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while me_there().await.unwrap().status() != StatusCode::UNAUTHORIZED {
        assert!(std::time::Instant::now() < deadline, "the other instance still accepts the passkey's session");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK, "the asking session stays");
    let me: Value = app.me_with_bearer(&token).await.json().await.unwrap();
    assert_eq!(me["providers"], json!(["password"]));
    assert_problem(sign_in(&app, &mut device).await, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
}

#[tokio::test]
async fn a_claim_takes_the_squatter_s_passkeys_with_it() {
    let google = FakeGoogle::start().await;
    let app = app_with(google.app_settings()).await;
    let squatter = token_of(app.register("victim@example.com", PASSWORD, "Squatter").await).await;
    let mut squatter_device = Device::new();
    assert_eq!(add_passkey(&app, &squatter, &mut squatter_device, None).await.status(), StatusCode::CREATED);

    let victim = Browser::new();
    let authorize = victim.start(&app, "google", None).await;
    let claims = json!({"email": "victim@example.com", "email_verified": true, "name": "Victim"});
    assert_eq!(google.finish(&app, &victim, &authorize, "victim-sub", claims).await, format!("{FRONTEND}/"));
    assert_eq!(victim.me(&app).await.1["providers"], json!(["google"]), "read as stored: no passkey left");
    assert_problem(sign_in(&app, &mut squatter_device).await, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
}

/// A claim made by a replica of the previous release, which knew no passkeys, removes the
/// password, the links and the sessions of an account whose address was never proven, and
/// marks it proven: the squatter's passkey it left behind signs no one in.
#[tokio::test]
async fn a_squatter_s_passkey_left_behind_by_an_older_replica_s_claim_signs_no_one_in() {
    let app = spawn_app().await;
    let squatter = token_of(app.register("victim@example.com", PASSWORD, "Squatter").await).await;
    let mut squatter_device = Device::new();
    assert_eq!(add_passkey(&app, &squatter, &mut squatter_device, None).await.status(), StatusCode::CREATED);
    let conn = app.db.database.connection();
    let backend = conn.get_database_backend();
    for sql in [
        "UPDATE users SET password_hash = NULL, email_verified = true WHERE email = 'victim@example.com'",
        "DELETE FROM sessions",
    ] {
        conn.execute_raw(sea_orm::Statement::from_string(backend, sql)).await.unwrap();
    }
    assert_problem(sign_in(&app, &mut squatter_device).await, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
}

/// The account's own passkey, added before it proved its address, keeps working once it has.
#[tokio::test]
async fn a_passkey_added_before_the_address_was_proven_keeps_working_after_the_account_proves_it() {
    let google = FakeGoogle::start().await;
    let app = app_with(google.app_settings()).await;
    let owner = Browser::new();
    let registered = owner.register(&app, "ada@example.com").await;
    let token = registered["access_token"].as_str().unwrap().to_owned();
    let mut device = Device::new();
    assert_eq!(add_passkey(&app, &token, &mut device, None).await.status(), StatusCode::CREATED);
    // Linking a Google identity with the same, verified address proves it.
    let authorize = owner.start_link(&app, "google").await;
    let claims = json!({"email": "ada@example.com", "email_verified": true, "name": "Ada"});
    google.finish(&app, &owner, &authorize, "ada-sub", claims).await;
    assert_eq!(owner.me(&app).await.1["email_verified"], true);
    assert_eq!(sign_in(&app, &mut device).await.status(), StatusCode::OK);
}

/// Where passkeys are off (the site moved to an address no browser offers them for), a passkey
/// is no way in: it never lets the password go as if it were one.
#[tokio::test]
async fn a_passkey_is_no_way_in_where_passkeys_are_off() {
    let app = spawn_app().await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::new();
    add_passkey(&app, &token, &mut device, None).await;
    let off = spawn_server(&app.db.url, &[("FRONTEND_URL", "http://127.0.0.1:3000")]).await;
    let removed = app.client.delete(format!("{off}/api/auth/password")).bearer_auth(&token).send().await.unwrap();
    assert_problem(removed, StatusCode::CONFLICT, "last_sign_in_method").await;
}
