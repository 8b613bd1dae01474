use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn health_reports_a_healthy_database() {
    let app = spawn_app().await;
    for path in ["/health", "/health/ready"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], "healthy");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
        assert!(body["uptime_seconds"].is_u64());
        assert!(chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().unwrap()).is_ok());
    }
}

#[actix_web::test]
async fn liveness_needs_no_database() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), serde_json::json!({"status": "alive"}));
}

#[actix_web::test]
async fn the_root_names_the_service_and_links_its_docs() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["service"], "yoshikosan");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    for link in ["docs", "openapi", "health"] {
        let path = body[link].as_str().unwrap();
        assert_eq!(app.client.get(app.url(path)).send().await.unwrap().status(), StatusCode::OK, "{path}");
    }
}

#[actix_web::test]
async fn every_response_carries_a_request_id_and_echoes_a_given_one() {
    let app = spawn_app().await;
    let generated = app.client.get(app.url("/health/live")).send().await.unwrap();
    let id = generated.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let echoed = app.client.get(app.url("/nowhere")).header("x-request-id", "trace-abc.123").send().await.unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-abc.123");

    // Ids that could forge log lines are replaced, not echoed.
    let hostile = app.client.get(app.url("/health/live")).header("x-request-id", "a\"b c").send().await.unwrap();
    assert_ne!(hostile.headers()["x-request-id"], "a\"b c");
}

#[actix_web::test]
async fn a_new_database_is_migrated_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("new.db").display());
    let address = crate::helpers::spawn_server(&url, &[("AUTO_MIGRATE", "true")]).await;
    let client = crate::helpers::plain_client();
    let body = serde_json::json!({"email": "first@example.com", "password": crate::helpers::PASSWORD, "name": "First"});
    let response = client.post(format!("{address}/api/auth/register")).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn the_healthcheck_command_passes_against_a_running_service() {
    let app = spawn_app().await;
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    let status = tokio::process::Command::new(env!("CARGO_BIN_EXE_yoshikosan"))
        .arg("healthcheck")
        .env_clear()
        .env("PORT", port)
        .current_dir(std::env::temp_dir())
        .status()
        .await
        .unwrap();
    assert!(status.success());
}
