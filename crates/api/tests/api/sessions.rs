//! `GET /api/auth/sessions`, `DELETE /api/auth/sessions/{id}`, `POST /api/auth/logout-all`,
//! `last_seen_at`, and the purge of expired sessions.

use chrono::{DateTime, Duration, Utc};
use reqwest::{StatusCode, header};
use serde_json::Value;
use yoshikosan_persistence::entities::sessions;

use crate::helpers::*;

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get_with_bearer("/api/auth/sessions", token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Vec<Value>>().await.unwrap()
}

fn time(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

async fn log_in_from(app: &TestApp, email: &str, user_agent: &str) -> String {
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header(header::USER_AGENT, user_agent)
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    token_of(response).await
}

#[actix_web::test]
async fn lists_each_device_with_the_current_one_marked() {
    let app = spawn_app().await;
    app.signed_up("ada@example.com").await;
    let laptop = log_in_from(&app, "ada@example.com", "Laptop/1.0").await;
    let phone = log_in_from(&app, "ada@example.com", "Phone/2.0").await;
    app.signed_up("someone.else@example.com").await;

    let sessions = list(&app, &phone).await;
    assert_eq!(sessions.len(), 3, "registration, laptop and phone: {sessions:?}");
    let agents: Vec<_> = sessions.iter().map(|s| s["user_agent"].as_str().unwrap_or("-")).collect();
    assert_eq!(agents[..2], ["Phone/2.0", "Laptop/1.0"], "newest first");
    let current: Vec<_> = sessions.iter().map(|s| s["current"].as_bool().unwrap()).collect();
    assert_eq!(current, [true, false, false]);
    assert_eq!(sessions[0]["ip"], "127.0.0.1");
    for session in &sessions {
        assert!(time(&session["expires_at"]) > time(&session["created_at"]));
        assert!(session["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    }
    // The laptop sees the same sessions, itself marked.
    let from_laptop = list(&app, &laptop).await;
    assert_eq!(from_laptop.iter().filter(|s| s["current"] == true).count(), 1);
    assert_eq!(from_laptop[1]["current"], true);
}

#[actix_web::test]
async fn a_revoked_session_is_refused_on_its_next_request() {
    let app = spawn_app().await;
    let laptop = app.signed_up("ada@example.com").await;
    let phone = log_in_from(&app, "ada@example.com", "Phone/2.0").await;
    let phone_id = list(&app, &phone).await[0]["id"].as_str().unwrap().to_owned();

    let path = format!("/api/auth/sessions/{phone_id}");
    let response = app.client.delete(app.url(&path)).bearer_auth(&laptop).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(!response.headers().contains_key(header::SET_COOKIE), "revoking another device signs this one out");

    assert_problem(app.me_with_bearer(&phone).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(app.me_with_bearer(&laptop).await.status(), StatusCode::OK);
    let again = app.client.delete(app.url(&path)).bearer_auth(&laptop).send().await.unwrap();
    assert_problem(again, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn another_users_session_cannot_be_revoked_or_told_apart_from_a_missing_one() {
    let app = spawn_app().await;
    let ada = app.signed_up("ada@example.com").await;
    let mallory = app.signed_up("mallory@example.com").await;
    let ada_session = list(&app, &ada).await[0]["id"].as_str().unwrap().to_owned();

    for id in [ada_session.as_str(), "0190a8d4-0000-7000-8000-000000000000", "not-a-uuid"] {
        let path = format!("/api/auth/sessions/{id}");
        let response = app.client.delete(app.url(&path)).bearer_auth(&mallory).send().await.unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_eq!(app.me_with_bearer(&ada).await.status(), StatusCode::OK, "ada's session survived");
}

#[actix_web::test]
async fn revoking_the_current_session_signs_this_client_out() {
    let app = spawn_app().await;
    let token = app.signed_up("ada@example.com").await;
    let id = list(&app, &token).await[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/auth/sessions/{id}");
    let response = app.client.delete(app.url(&path)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    assert_problem(app.me_with_bearer(&token).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn logout_all_kills_every_devices_token_and_only_this_users() {
    let app = spawn_app().await;
    let laptop = app.signed_up("ada@example.com").await;
    let phone = log_in_from(&app, "ada@example.com", "Phone/2.0").await;
    let bob = app.signed_up("bob@example.com").await;

    let response = app.client.post(app.url("/api/auth/logout-all")).bearer_auth(&phone).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.headers()[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    for token in [&laptop, &phone] {
        assert_problem(app.me_with_bearer(token).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
    assert_eq!(app.me_with_bearer(&bob).await.status(), StatusCode::OK);
    // Signing in again works, with one session only.
    let fresh = log_in_from(&app, "ada@example.com", "Laptop/1.0").await;
    assert_eq!(list(&app, &fresh).await.len(), 1);
}

#[actix_web::test]
async fn session_routes_need_a_live_token() {
    let app = spawn_app().await;
    let unauthenticated = [
        app.client.get(app.url("/api/auth/sessions")).send().await.unwrap(),
        app.client.post(app.url("/api/auth/logout-all")).send().await.unwrap(),
        app.client.delete(app.url("/api/auth/sessions/x")).bearer_auth("forged").send().await.unwrap(),
    ];
    for response in unauthenticated {
        assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[actix_web::test]
async fn a_foreign_origin_cannot_revoke_through_the_cookie_but_a_bearer_client_can() {
    let app = spawn_app().await;
    let token = app.signed_up("ada@example.com").await;
    let cookie = format!("access_token={token}");
    let from_evil = app
        .client
        .post(app.url("/api/auth/logout-all"))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_problem(from_evil, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK, "the session survived");

    let bearer = app
        .client
        .post(app.url("/api/auth/logout-all"))
        .bearer_auth(&token)
        .header(header::ORIGIN, "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn last_seen_moves_at_most_once_a_minute() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[]).await;
    let token = app.signed_up("ada@example.com").await;
    let created = time(&list(&app, &token).await[0]["created_at"]);

    clock.advance(Duration::seconds(50));
    assert_eq!(time(&list(&app, &token).await[0]["last_seen_at"]), created, "written within the minute");

    clock.advance(Duration::seconds(20));
    let seen = time(&list(&app, &token).await[0]["last_seen_at"]);
    assert_eq!(seen, created + Duration::seconds(70));
}

#[actix_web::test]
async fn expired_sessions_are_purged() {
    let clock = ManualClock::starting_now();
    let app = spawn_app_on(&clock, &[("ACCESS_TOKEN_TTL", "3600")]).await;
    let old = app.signed_up("old@example.com").await;
    clock.advance(Duration::minutes(30));
    let young = app.signed_up("young@example.com").await;
    clock.advance(Duration::minutes(31));
    assert_problem(app.me_with_bearer(&old).await, StatusCode::UNAUTHORIZED, "token_expired").await;

    // The purge runs at start-up and then every few minutes: a second instance runs it now.
    spawn_server_on(&app.db.url, &[], std::sync::Arc::new(clock.clone())).await;
    let conn = app.db.database.connection();
    let mut remaining = 2;
    for _ in 0..50 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        remaining = sessions::Entity::find().count(conn).await.unwrap();
        if remaining == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(remaining, 1, "the expired session is gone, the live one kept");
    assert_eq!(app.me_with_bearer(&young).await.status(), StatusCode::OK);
}
