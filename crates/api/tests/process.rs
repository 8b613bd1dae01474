//! The real binary, as an operator runs it: what its logs hold (the audit trail, and never a
//! secret), and what SIGTERM does to requests in flight.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[path = "support/mail_catcher.rs"]
mod mail_catcher;

const PASSWORD: &str = "violet-harbour-42";
const WRONG: &str = "orange-quarry-17";
const AGENT: &str = "process-test/1.0";

struct Service {
    child: Child,
    base: String,
}

/// Starts the binary on a free port against `db`, logging JSON to stdout; waits until it is live.
async fn start(db: &std::path::Path, bcrypt_cost: &str) -> Service {
    start_on(&format!("sqlite://{}?mode=rwc", db.display()), bcrypt_cost).await
}

async fn start_on(database_url: &str, bcrypt_cost: &str) -> Service {
    start_with(database_url, bcrypt_cost, &[]).await
}

async fn start_with(database_url: &str, bcrypt_cost: &str, extra: &[(&str, &str)]) -> Service {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_yoshikosan"))
        .env_clear()
        .envs(extra.iter().copied())
        .current_dir(std::env::temp_dir())
        .env("HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("DATABASE_URL", database_url)
        .env("SECRET_KEY", "process-test-secret-key-0123456789abcdef")
        .env("BCRYPT_COST", bcrypt_cost)
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/health/live")).await.is_err() {
        assert!(Instant::now() < deadline, "the service did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Service { child, base }
}

impl Service {
    fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    /// Waits for the process to exit; returns its exit success and everything it printed.
    fn wait_output(mut self) -> (bool, String) {
        let status = self.child.wait().unwrap();
        let mut output = String::new();
        self.child.stdout.take().unwrap().read_to_string(&mut output).unwrap();
        self.child.stderr.take().unwrap().read_to_string(&mut output).unwrap();
        (status.success(), output)
    }
}

async fn call(
    method: reqwest::Method,
    url: String,
    request_id: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut request =
        reqwest::Client::new().request(method, url).header("user-agent", AGENT).header("x-request-id", request_id);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    assert!(status.is_success() || status == StatusCode::UNAUTHORIZED, "{request_id}: {status} {body}");
    body
}

#[tokio::test]
async fn every_security_action_is_audited_and_no_secret_reaches_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let service = start(&dir.path().join("audit.db"), "4").await;
    let (base, post, get, delete) =
        (&service.base, reqwest::Method::POST, reqwest::Method::GET, reqwest::Method::DELETE);
    let credentials = |password: &str| Some(json!({"email": "ada@example.com", "password": password}));

    let registered = call(
        post.clone(),
        format!("{base}/api/auth/register"),
        "req-register",
        None,
        Some(json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada"})),
    )
    .await;
    let first = registered["access_token"].as_str().unwrap().to_owned();
    call(post.clone(), format!("{base}/api/auth/login"), "req-login-failed", None, credentials(WRONG)).await;
    let second = call(post.clone(), format!("{base}/api/auth/login"), "req-login", None, credentials(PASSWORD)).await;
    let second = second["access_token"].as_str().unwrap().to_owned();
    let sessions = call(get, format!("{base}/api/auth/sessions"), "req-list", Some(&first), None).await;
    let second_id = sessions[0]["id"].as_str().unwrap().to_owned();
    call(delete, format!("{base}/api/auth/sessions/{second_id}"), "req-revoke", Some(&first), None).await;
    call(post.clone(), format!("{base}/api/auth/logout"), "req-logout", Some(&first), None).await;
    let third = call(post.clone(), format!("{base}/api/auth/login"), "req-login-2", None, credentials(PASSWORD)).await;
    let third = third["access_token"].as_str().unwrap().to_owned();
    let password = Some(json!({"password": PASSWORD}));
    call(post.clone(), format!("{base}/api/auth/reauthenticate"), "req-reauth", Some(&third), password).await;
    call(post, format!("{base}/api/auth/logout-all"), "req-logout-all", Some(&third), None).await;

    service.terminate();
    let (_, logs) = service.wait_output();
    let audit: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["target"] == "audit")
        .collect();
    let find = |request_id: &str| {
        audit
            .iter()
            .find(|e| e["request_id"] == request_id)
            .unwrap_or_else(|| panic!("no audit event for {request_id}:\n{logs}"))
    };
    let user_id = registered["user"]["id"].as_str().unwrap();
    for (request_id, event, with_session) in [
        ("req-register", "register", true),
        ("req-login-failed", "login_failed", false),
        ("req-login", "login_succeeded", true),
        ("req-revoke", "session_revoked", true),
        ("req-logout", "logout", true),
        ("req-reauth", "reauthenticated", true),
        ("req-logout-all", "all_sessions_revoked", true),
    ] {
        let e = find(request_id);
        assert_eq!(e["event"], event, "{e}");
        assert_eq!((e["ip"].as_str(), e["user_agent"].as_str()), (Some("127.0.0.1"), Some(AGENT)), "{e}");
        assert_eq!(e["session_id"].is_string(), with_session, "{e}");
        if event != "login_failed" {
            assert_eq!(e["user_id"], user_id, "{e}");
        }
    }
    assert_eq!(find("req-revoke")["session_id"], second_id.as_str());
    assert_eq!(find("req-login-failed")["email"], "ada@example.com");
    // The audit line sits in the request's span, which names the request.
    assert_eq!(find("req-login")["spans"][0]["request_id"], "req-login", "{}", find("req-login"));

    // One access line per request, written out by the time the process has exited.
    let finished: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["message"] == "request finished")
        .collect();
    for (request_id, method, route, status) in [
        ("req-register", "POST", "/api/auth/register", 201),
        ("req-login-failed", "POST", "/api/auth/login", 401),
        ("req-revoke", "DELETE", "/api/auth/sessions/{id}", 204),
        ("req-logout-all", "POST", "/api/auth/logout-all", 204),
    ] {
        let lines: Vec<&Value> = finished.iter().filter(|l| l["spans"][0]["request_id"] == request_id).collect();
        assert_eq!(lines.len(), 1, "one access line for {request_id}:\n{logs}");
        let (line, span) = (lines[0], &lines[0]["spans"][0]);
        assert_eq!((line["level"].as_str(), line["target"].as_str()), (Some("INFO"), Some("access")), "{line}");
        assert_eq!(line["http.status_code"], status, "{line}");
        assert!(line["duration_us"].is_u64() && line["timestamp"].is_string(), "{line}");
        assert_eq!((span["http.method"].as_str(), span["http.route"].as_str()), (Some(method), Some(route)), "{line}");
        assert_eq!(span["http.client_ip"], "127.0.0.1", "{line}");
    }
    let revoked = finished.iter().find(|l| l["spans"][0]["request_id"] == "req-revoke").unwrap();
    assert_eq!(revoked["spans"][0]["http.target"], format!("/api/auth/sessions/{second_id}"));

    for secret in [PASSWORD, WRONG, &first, &second, &third, "$2b$", "$2a$", "$2y$"] {
        assert!(!logs.contains(secret), "the logs contain a secret ({secret}):\n{logs}");
    }
    for token in [&first, &second, &third] {
        let hash = hex::encode(Sha256::digest(token.as_bytes()));
        assert!(!logs.contains(&hash), "the logs contain a token hash");
    }
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_registration_finish_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shutdown.db");
    // Cost 13 makes the hash take long enough for SIGTERM to arrive while it runs.
    let service = start(&db, "13").await;
    let url = format!("{}/api/auth/register", service.base);
    let in_flight = tokio::spawn(async move {
        let body = json!({"email": "late@example.com", "password": PASSWORD, "name": "Late"});
        reqwest::Client::new().post(url).json(&body).send().await.map(|r| r.status())
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let signalled = Instant::now();
    service.terminate();

    assert_eq!(in_flight.await.unwrap().unwrap(), StatusCode::CREATED, "the request in flight was cut off");
    let (clean_exit, logs) = service.wait_output();
    assert!(clean_exit, "exit after SIGTERM was not clean:\n{logs}");
    assert!(signalled.elapsed() < Duration::from_secs(10), "shutdown waited too long");

    // The account was written whole: a new process signs it in.
    let again = start(&db, "4").await;
    let login = reqwest::Client::new()
        .post(format!("{}/api/auth/login", again.base))
        .json(&json!({"email": "late@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    again.terminate();
    again.wait_output();
}

/// On an empty PostgreSQL database the migrations create the triggers that the session-change
/// listener needs: the listener starts after them, so the first start-up logs no outage.
#[tokio::test]
async fn a_first_start_on_an_empty_postgres_database_reports_no_missing_triggers() {
    use sea_orm::ConnectionTrait;
    let Some(server) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipped: needs TEST_DATABASE_URL");
        return;
    };
    let name = format!("yoshikosan_first_start_{}", uuid::Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&server).await.unwrap();
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap();
    let (base, query) = server.split_once('?').map_or((server.as_str(), None), |(b, q)| (b, Some(q)));
    let url =
        format!("{}/{name}{}", base.rsplit_once('/').unwrap().0, query.map(|q| format!("?{q}")).unwrap_or_default());

    let service = start_on(&url, "4").await;
    // Time for a listener started too early to find no triggers and say so.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    service.terminate();
    let (_, logs) = service.wait_output();
    admin.execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).await.unwrap();
    assert!(logs.contains("applying pending database migrations"), "{logs}");
    assert!(!logs.contains("session cache off"), "{logs}");
}

/// A password reset end to end through the binary and a real SMTP server: the link's token is
/// in the mail and nowhere in the logs, neither is the new password; the audit trail has both.
#[tokio::test]
async fn a_password_reset_keeps_its_token_out_of_every_log_line() {
    let Some(catcher) = mail_catcher::MailCatcher::start() else { return };
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("reset.db").display());
    let smtp = catcher.url();
    let service = start_with(&database, "4", &[("SMTP_URL", &smtp), ("FRONTEND_URL", "https://app.example.com")]).await;
    let base = &service.base;
    let post = reqwest::Method::POST;
    let body = json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada"});
    call(post.clone(), format!("{base}/api/auth/register"), "req-register", None, Some(body)).await;
    let forgot = Some(json!({"email": "ada@example.com"}));
    call(post.clone(), format!("{base}/api/auth/password/forgot"), "req-forgot", None, forgot).await;
    let mails = catcher.wait_for("ada@example.com", "Reset your", 1, Duration::from_secs(10)).await;
    let token = mails.first().expect("the mail arrived").token();
    let reset = Some(json!({"token": token, "new_password": WRONG}));
    let signed_in = call(post, format!("{base}/api/auth/password/reset"), "req-reset", None, reset).await;
    let access = signed_in["access_token"].as_str().expect("signed in").to_owned();

    service.terminate();
    let (_, logs) = service.wait_output();
    for secret in [token.as_str(), WRONG, PASSWORD, &access, "$2b$"] {
        assert!(!logs.contains(secret), "the logs contain a secret ({secret}):\n{logs}");
    }
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    assert!(!logs.contains(&hash), "the logs contain the link's hash");
    for (request_id, event) in [("req-forgot", "password_reset_requested"), ("req-reset", "password_reset")] {
        let found = logs
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .any(|e| e["target"] == "audit" && e["request_id"] == request_id && e["event"] == event);
        assert!(found, "no {event} audit event:\n{logs}");
    }
}
