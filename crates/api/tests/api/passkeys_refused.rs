//! What a passkey sign-in refuses, each with the same 401 `passkey_rejected`: another origin,
//! another RP ID, no user verification, a cloned authenticator, another account's passkey.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{ManualClock, PASSWORD, assert_problem, spawn_app, spawn_app_on, spawn_app_with, token_of};
use crate::mail_catcher::MailCatcher;
use crate::passkey_device::{Device, add_passkey, finish_sign_in, post, sign_in, sign_in_start};

async fn with_passkey(app: &crate::helpers::TestApp, email: &str) -> (String, Device) {
    let token = token_of(app.register(email, PASSWORD, "Someone").await).await;
    let mut device = Device::new();
    assert_eq!(add_passkey(app, &token, &mut device, None).await.status(), StatusCode::CREATED);
    (token, device)
}

#[tokio::test]
async fn an_answer_made_for_another_origin_is_refused() {
    let app = spawn_app().await;
    let (_, device) = with_passkey(&app, "ada@example.com").await;
    let mut elsewhere = device.at("http://localhost:4444");
    assert_problem(sign_in(&app, &mut elsewhere).await, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
}

#[tokio::test]
async fn a_signature_for_another_rp_id_is_refused() {
    // Pages on app.example.com, passkeys bound to the parent domain.
    let site = "https://app.example.com";
    let app = spawn_app_with(&[("FRONTEND_URL", site), ("WEBAUTHN_RP_ID", "example.com")]).await;
    let token = token_of(app.register("ada@example.com", PASSWORD, "Ada").await).await;
    let mut device = Device::holding(None, site);
    assert_eq!(add_passkey(&app, &token, &mut device, None).await.status(), StatusCode::CREATED);
    assert_eq!(sign_in(&app, &mut device).await.status(), StatusCode::OK, "the passkey works for its RP ID");
    // The same page, but the authenticator signed for app.example.com.
    let start = sign_in_start(&app).await;
    let mut options = start["publicKey"].clone();
    options["rpId"] = json!("app.example.com");
    let credential = device.get(&options).await;
    let refused = finish_sign_in(&app, &start["ceremony"], &credential).await;
    assert_problem(refused, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
}

#[tokio::test]
async fn an_answer_without_user_verification_is_refused() {
    let app = spawn_app().await;
    let (_, mut device) = with_passkey(&app, "ada@example.com").await;
    let start = sign_in_start(&app).await;
    let mut options = start["publicKey"].clone();
    options["userVerification"] = json!("discouraged");
    let credential = device.get(&options).await;
    let refused = finish_sign_in(&app, &start["ceremony"], &credential).await;
    assert_problem(refused, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
}

#[tokio::test]
async fn a_cloned_authenticator_is_refused_and_its_owner_told() {
    let mail = MailCatcher::start();
    let smtp = mail.as_ref().map(MailCatcher::url);
    let overrides: Vec<(&str, &str)> = smtp.iter().map(|url| ("SMTP_URL", url.as_str())).collect();
    let app = spawn_app_with(&overrides).await;
    let (_, mut device) = with_passkey(&app, "ada@example.com").await;
    let mut copy = device.copy();
    for _ in 0..2 {
        assert_eq!(sign_in(&app, &mut device).await.status(), StatusCode::OK);
    }
    // The copy's counter is behind the original's: it answers with a count already used.
    assert_problem(sign_in(&app, &mut copy).await, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
    assert_eq!(sign_in(&app, &mut device).await.status(), StatusCode::OK, "the original keeps working");
    if let Some(mail) = mail {
        let told = mail
            .wait_for("ada@example.com", "A copy of your passkey may exist", 1, std::time::Duration::from_secs(10))
            .await;
        assert_eq!(told.len(), 1, "the owner is told once");
        assert!(told[0].text.contains("Remove that passkey"), "{}", told[0].text);
    }
}

#[tokio::test]
async fn another_account_s_passkey_proves_nothing_for_this_session() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[]).await;
    let (_, mut ada_device) = with_passkey(&app, "ada@example.com").await;
    let (bob, _) = with_passkey(&app, "bob@example.com").await;
    clock.advance(Duration::minutes(11));
    let start: Value =
        post(&app, "/api/auth/passkeys/reauthenticate/start", Some(&bob), &json!({})).await.json().await.unwrap();
    assert_eq!(start["publicKey"]["allowCredentials"].as_array().unwrap().len(), 1, "Bob's passkey only");
    let mut options = start["publicKey"].clone();
    options.as_object_mut().unwrap().remove("allowCredentials");
    let credential = ada_device.get(&options).await;
    let body = json!({"ceremony": start["ceremony"], "credential": credential});
    let refused = post(&app, "/api/auth/passkeys/reauthenticate/finish", Some(&bob), &body).await;
    assert_problem(refused, StatusCode::UNAUTHORIZED, "passkey_rejected").await;
    let still_stale = post(&app, "/api/auth/passkeys/register/start", Some(&bob), &json!({})).await;
    assert_problem(still_stale, StatusCode::FORBIDDEN, "reauthentication_required").await;
}

#[tokio::test]
async fn an_account_s_own_passkey_refreshes_its_proof() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[]).await;
    let (token, mut device) = with_passkey(&app, "ada@example.com").await;
    clock.advance(Duration::minutes(11));
    let start: Value =
        post(&app, "/api/auth/passkeys/reauthenticate/start", Some(&token), &json!({})).await.json().await.unwrap();
    let credential = device.get(&start["publicKey"]).await;
    let body = json!({"ceremony": start["ceremony"], "credential": credential});
    let proven = post(&app, "/api/auth/passkeys/reauthenticate/finish", Some(&token), &body).await;
    assert_eq!(proven.status(), StatusCode::NO_CONTENT);
    let start = post(&app, "/api/auth/passkeys/register/start", Some(&token), &json!({})).await;
    assert_eq!(start.status(), StatusCode::OK, "the session may change its ways in again");
}
