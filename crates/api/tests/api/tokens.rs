//! Tokens that must not authenticate, and the 401 each one gets.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::*;

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

#[actix_web::test]
async fn the_token_carries_the_contract_claims() {
    let app = spawn_app().await;
    let token = app.signed_up("claims@example.com").await;
    let claims = claims_of(&token);
    let me: Value = app.me_with_bearer(&token).await.json().await.unwrap();
    assert_eq!(claims["sub"], me["id"]);
    assert!(uuid::Uuid::parse_str(claims["sid"].as_str().unwrap()).is_ok());
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 604_800);
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "HS256");
}

#[actix_web::test]
async fn an_expired_token_is_token_expired() {
    let app = spawn_app().await;
    let token = app.signed_up("expired@example.com").await;
    let mut claims = claims_of(&token);
    let now = chrono::Utc::now().timestamp();
    claims["iat"] = json!(now - 3600);
    claims["exp"] = json!(now - 1);
    let expired = sign(&claims, Algorithm::HS256, SECRET_KEY);
    let response = app.me_with_bearer(&expired).await;
    assert!(response.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
    assert_problem(response, StatusCode::UNAUTHORIZED, "token_expired").await;
}

#[actix_web::test]
async fn a_short_ttl_is_honoured() {
    let app = spawn_app_with(&[("ACCESS_TOKEN_TTL", "120")]).await;
    let response = app.register("short.ttl@example.com", PASSWORD, "S").await;
    assert!(response.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=120"));
    let claims = claims_of(&token_of(response).await);
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 120);
}

#[actix_web::test]
async fn forged_tokens_are_unauthenticated() {
    let app = spawn_app().await;
    let token = app.signed_up("forgery@example.com").await;
    let claims = claims_of(&token);
    let (head, _, signature) = {
        let parts: Vec<&str> = token.split('.').collect();
        (parts[0].to_owned(), parts[1].to_owned(), parts[2].to_owned())
    };
    let mut other_user = claims.clone();
    other_user["sub"] = json!(uuid::Uuid::now_v7());
    let tampered = format!("{head}.{}.{signature}", URL_SAFE_NO_PAD.encode(other_user.to_string()));
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let forged = [
        ("alg none", alg_none),
        ("tampered payload", tampered),
        ("wrong key", sign(&claims, Algorithm::HS256, "another-secret-another-secret-another")),
        ("HS512 with the right key", sign(&claims, Algorithm::HS512, SECRET_KEY)),
        ("not a JWT", "hello".to_owned()),
    ];
    for (what, token) in forged {
        let response = app.me_with_bearer(&token).await;
        let body = assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
        assert!(!body.to_string().to_lowercase().contains("signature"), "{what}: detail leaks internals: {body}");
    }
}

#[actix_web::test]
async fn a_valid_signature_for_a_session_that_does_not_exist_is_refused() {
    let app = spawn_app().await;
    let token = app.signed_up("ghost.session@example.com").await;
    let mut claims = claims_of(&token);
    claims["sid"] = json!(uuid::Uuid::now_v7());
    let response = app.me_with_bearer(&sign(&claims, Algorithm::HS256, SECRET_KEY)).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn no_token_at_all_is_unauthenticated_with_a_challenge() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(response.headers()[header::WWW_AUTHENTICATE].to_str().unwrap(), r#"Bearer realm="yoshikosan""#);
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
