use reqwest::{StatusCode, header};
use serde_json::Value;

use crate::helpers::*;

#[actix_web::test]
async fn swagger_ui_is_served_from_the_binary_at_docs() {
    let app = spawn_app().await;
    let page = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<base href="/docs/">"#) && html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("cdn") && !html.contains("unpkg"), "the UI must not load from a CDN");

    // The assets the page refers to resolve under /docs/, and the initializer points at our spec.
    for asset in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-initializer.js"] {
        let response = app.client.get(app.url(&format!("/docs/{asset}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        if asset == "swagger-initializer.js" {
            assert!(response.text().await.unwrap().contains("/openapi.json"));
        }
    }
}

#[actix_web::test]
async fn the_openapi_document_describes_every_route_with_schemas() {
    let app = spawn_app().await;
    let spec: Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let expected = [
        ("/health", "get"),
        ("/health/live", "get"),
        ("/health/ready", "get"),
        ("/api/auth/providers", "get"),
        ("/api/auth/password-policy", "get"),
        ("/api/auth/register", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"),
        ("/api/auth/me", "get"),
        ("/api/auth/sessions", "get"),
        ("/api/auth/sessions/{id}", "delete"),
        ("/api/auth/logout-all", "post"),
        ("/api/auth/password", "put"),
        ("/api/auth/{provider}", "get"),
        ("/api/auth/{provider}/link", "post"),
        ("/api/auth/callback/{provider}", "get"),
        ("/metrics", "get"),
    ];
    for (path, method) in expected {
        let operation = &spec["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        assert!(operation["summary"].is_string() || operation["description"].is_string(), "{path}");
        let responses = operation["responses"].as_object().unwrap();
        assert!(!responses.is_empty(), "{path} documents no responses");
        for (status, response) in responses {
            if status != "204" && !status.starts_with('3') {
                assert!(response["content"].is_object(), "{method} {path} {status} has no body schema");
            }
            // Problem examples are the documents really sent for that status.
            if let Some(problem) = response["content"].get("application/problem+json") {
                assert_eq!(problem["example"]["status"].to_string(), *status, "{method} {path} {status} example");
                assert!(problem["example"]["code"].is_string(), "{method} {path} {status} example has no code");
            }
        }
        // The documented route exists (answers anything but 404); templated ones are probed by
        // the OAuth tests, where a provider is configured.
        if path.contains('{') {
            continue;
        }
        let request = app.client.request(method.to_uppercase().parse().unwrap(), app.url(path));
        assert_ne!(request.send().await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
    let register = &spec["paths"]["/api/auth/register"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(register["$ref"], "#/components/schemas/RegisterRequest");
    let schema = &spec["components"]["schemas"]["RegisterRequest"];
    assert_eq!(schema["required"], serde_json::json!(["email", "password", "name"]));
    assert_eq!(schema["properties"]["email"]["example"], "ada@example.com");
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}

#[actix_web::test]
async fn the_openapi_command_prints_the_served_document() {
    let app = spawn_app().await;
    let served: Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_yoshikosan"))
        .arg("openapi")
        .env_clear()
        .output()
        .expect("the binary runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(printed, served);
}
