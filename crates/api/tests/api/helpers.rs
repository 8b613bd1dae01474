use std::sync::{Arc, Mutex, Once};

use chrono::{DateTime, Duration, SubsecRound, Utc};
use yoshikosan_domain::{Clock, SystemClock};

use reqwest::{Client, Response, StatusCode, header};
use serde_json::{Value, json};
use yoshikosan_api::config::{LogFormat, Settings};
use yoshikosan_api::startup::Application;
use yoshikosan_persistence::testing::TestDatabase;

pub const SECRET_KEY: &str = "test-secret-key-0123456789abcdef0123456789";
pub const FRONTEND: &str = "http://localhost:3000";
pub const PASSWORD: &str = "violet-harbour-42";

pub struct TestApp {
    pub address: String,
    /// No cookie store: each request carries exactly what the test gives it.
    pub client: Client,
    pub db: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// `overrides` replace the test defaults, as environment variables would.
pub async fn spawn_app_with(overrides: &[(&str, &str)]) -> TestApp {
    let db = TestDatabase::fresh().await;
    let app = spawn_server(&db.url, overrides).await;
    TestApp { address: app, client: plain_client(), db }
}

/// As [`spawn_app_with`], with time read from `clock`.
pub async fn spawn_app_on(clock: &ManualClock, overrides: &[(&str, &str)]) -> TestApp {
    let db = TestDatabase::fresh().await;
    let app = spawn_server_on(&db.url, overrides, Arc::new(clock.clone())).await;
    TestApp { address: app, client: plain_client(), db }
}

/// Starts the service on a random port against `database_url`; returns its base URL.
pub async fn spawn_server(database_url: &str, overrides: &[(&str, &str)]) -> String {
    spawn_server_on(database_url, overrides, Arc::new(SystemClock)).await
}

pub async fn spawn_server_on(database_url: &str, overrides: &[(&str, &str)], clock: Arc<dyn Clock>) -> String {
    init_logs();
    let mut vars: Vec<(String, String)> = [
        ("APP_ENV", "development"),
        ("HOST", "127.0.0.1"),
        ("PORT", "0"),
        ("SECRET_KEY", SECRET_KEY),
        ("BCRYPT_COST", "4"),
        ("FRONTEND_URL", FRONTEND),
        ("AUTO_MIGRATE", "false"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    vars.push(("DATABASE_URL".into(), database_url.into()));
    for (key, value) in overrides {
        vars.retain(|(k, _)| k != key);
        vars.push((key.to_string(), value.to_string()));
    }
    let settings = Settings::from_vars(vars).expect("test settings are valid");
    let app = Application::build_with_clock(settings, clock).await.expect("application starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    address
}

/// Time that stands still until a test moves it.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn starting_now() -> Self {
        Self(Arc::new(Mutex::new(Utc::now().trunc_subsecs(6))))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// `TEST_LOG=1 cargo test` shows the service's logs.
fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            // Kept for the whole test run.
            std::mem::forget(yoshikosan_api::telemetry::init(
                LogFormat::Json,
                std::env::var("RUST_LOG").ok().as_deref(),
            ));
        }
    });
}

pub fn plain_client() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().await.expect("request sent")
    }

    pub async fn register(&self, email: &str, password: &str, name: &str) -> Response {
        self.post_json("/api/auth/register", &json!({"email": email, "password": password, "name": name})).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json("/api/auth/login", &json!({"email": email, "password": password})).await
    }

    /// Registers `email` with [`PASSWORD`] and returns its access token.
    pub async fn signed_up(&self, email: &str) -> String {
        let response = self.register(email, PASSWORD, "Test Person").await;
        assert_eq!(response.status(), StatusCode::CREATED);
        token_of(response).await
    }

    pub async fn me_with_bearer(&self, token: &str) -> Response {
        self.client.get(self.url("/api/auth/me")).bearer_auth(token).send().await.expect("request sent")
    }

    pub async fn get_with_bearer(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request sent")
    }

    pub async fn me_with_cookie(&self, token: &str) -> Response {
        self.client
            .get(self.url("/api/auth/me"))
            .header(header::COOKIE, format!("access_token={token}"))
            .send()
            .await
            .expect("request sent")
    }
}

pub async fn token_of(response: Response) -> String {
    let body: Value = response.json().await.expect("json body");
    body["access_token"].as_str().expect("access_token").to_owned()
}

/// Asserts an RFC 9457 problem with this status and code, and returns it.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["type"], "about:blank");
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(body["code"], code, "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}

/// The `errors[]` of a 422 as (field, code) pairs.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| {
            (e["field"].as_str().unwrap_or_default().to_owned(), e["code"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}
