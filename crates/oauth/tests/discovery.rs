//! An issuer is read once however many sign-ins ask at the same moment, and its last document
//! keeps serving while it is down.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use std::time::Duration;

use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use yoshikosan_domain::ProviderId;
use yoshikosan_oauth::{OidcProvider, OidcSettings, http_client};

fn provider(server: &MockServer) -> OidcProvider {
    let settings = OidcSettings {
        id: ProviderId::parse("corp").unwrap(),
        client_id: "client".into(),
        client_secret: SecretString::from("secret"),
        issuer_url: server.uri(),
        redirect_uri: "https://auth.example.com/api/auth/callback/corp".into(),
        scopes: vec!["email".into()],
        select_account: false,
    };
    OidcProvider::new(settings, http_client().unwrap())
}

/// Sixteen sign-ins asking for the issuer's document at the same moment.
async fn at_once(corp: OidcProvider) -> Vec<Result<String, String>> {
    let corp = std::sync::Arc::new(corp);
    let asks: Vec<_> = (0..16)
        .map(|_| {
            let corp = corp.clone();
            tokio::spawn(async move { corp.discover().await.map_err(|e| e.to_string()) })
        })
        .collect();
    let mut answers = Vec::new();
    for ask in asks {
        answers.push(ask.await.unwrap());
    }
    answers
}

fn document(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/keys"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    })
}

/// The discovery document answers `answer` after 200 ms, and must be asked exactly once.
async fn read_once(server: &MockServer, answer: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(answer.set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(server)
        .await;
}

async fn keys(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": []})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn sign_ins_at_the_same_moment_read_the_issuer_once() {
    let server = MockServer::start().await;
    keys(&server).await;
    read_once(&server, ResponseTemplate::new(200).set_body_json(document(&server.uri()))).await;
    let answers = at_once(provider(&server)).await;
    assert!(answers.iter().all(|a| a.as_deref() == Ok(&*format!("{}/authorize", server.uri()))), "{answers:?}");
}

#[tokio::test]
async fn sign_ins_queued_behind_a_failed_read_share_its_failure() {
    let server = MockServer::start().await;
    read_once(&server, ResponseTemplate::new(503)).await;
    let answers = at_once(provider(&server)).await;
    assert!(answers.iter().all(Result::is_err), "{answers:?}");
}
