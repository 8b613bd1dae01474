//! Requests crafted to slip past the checks: encoded paths, trickled bodies, invisible names,
//! bodies of the wrong shape, probes of the docs.

use std::time::{Duration, Instant};

use reqwest::{StatusCode, header};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;

const FOREIGN: &str = "https://evil.example";

#[actix_web::test]
async fn a_percent_encoded_path_gets_the_csrf_check_and_no_store() {
    let app = spawn_app().await;
    let token = app.signed_up("encoded@example.com").await;

    let log_out_all = app
        .client
        .post(app.url("/%61pi/auth/logout-all"))
        .header(header::ORIGIN, FOREIGN)
        .header(header::COOKIE, format!("access_token={token}"))
        .send()
        .await
        .unwrap();
    assert_problem(log_out_all, StatusCode::FORBIDDEN, "csrf_rejected").await;
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK, "the sessions were revoked");

    let log_in = app
        .client
        .post(app.url("/%61pi/auth/%6cogin"))
        .header(header::ORIGIN, FOREIGN)
        .json(&json!({"email": "encoded@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_problem(log_in, StatusCode::FORBIDDEN, "csrf_rejected").await;

    let me = app.get_with_bearer("/%61pi/auth/me", &token).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(me.headers()[header::CACHE_CONTROL], "no-store");
}

#[actix_web::test]
async fn a_body_that_never_arrives_is_cut_off() {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/auth/login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"email\""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(15), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was still held after {:?}", started.elapsed());
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
}

#[actix_web::test]
async fn names_that_hide_or_reverse_text_are_refused() {
    let app = spawn_app().await;
    for (index, name) in
        ["\u{200B}\u{200D}", "Ada\u{202E}ecalevol", "\u{2066}Ada\u{2069}", "\u{3164}"].iter().enumerate()
    {
        let response = app.register(&format!("hidden{index}@example.com"), PASSWORD, name).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(field_errors(&problem), [("name".to_owned(), "invalid_characters".to_owned())], "{name:?}");
    }
    let response = app.register("visible@example.com", PASSWORD, "Zoë 李").await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[actix_web::test]
async fn a_wrongly_typed_field_is_named_and_no_internal_type_is() {
    let app = spawn_app().await;
    let response = app.post_json("/api/auth/register", &json!({"email": 5, "password": PASSWORD, "name": "N"})).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("email".to_owned(), "invalid_type".to_owned())]);

    let response = app.post_json("/api/auth/login", &json!({"email": "a@example.com", "password": true})).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(field_errors(&problem), [("password".to_owned(), "invalid_type".to_owned())]);

    for body in [json!("x"), json!(null), json!([1, 2]), json!(7)] {
        for path in ["/api/auth/register", "/api/auth/login"] {
            let response = app.post_json(path, &body).await;
            let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            assert_eq!(field_errors(&problem), [("body".to_owned(), "invalid_type".to_owned())], "{body}");
            let text = problem.to_string();
            assert!(!text.contains("Request") && !text.contains("struct"), "{text}");
        }
    }
}

#[actix_web::test]
async fn unknown_docs_files_are_problems_like_every_404() {
    let app = spawn_app().await;
    for path in ["/docs/nope.js", "/docs/a/b", "/docs/swagger-ui.css.map"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    assert_eq!(app.client.get(app.url("/docs/swagger-ui.css")).send().await.unwrap().status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_body_that_gives_a_key_twice_is_refused_not_read_one_way() {
    let app = spawn_app().await;
    app.signed_up("twice@example.com").await;
    let bodies = [
        r#"{"email": "twice@example.com", "password": "wrong", "password": "violet-harbour-42"}"#,
        r#"{"email": "other@example.com", "email": "twice@example.com", "password": "violet-harbour-42"}"#,
    ];
    for body in bodies {
        let response = app
            .client
            .post(app.url("/api/auth/login"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "bad_request").await;
        assert!(problem["detail"].as_str().unwrap().contains("more than once"), "{problem}");
    }
}
