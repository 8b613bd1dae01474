//! The database going away and coming back, while the service runs: 503s, never a hang or a
//! crash, and recovery without a restart. The outage is a TCP proxy in front of PostgreSQL that
//! the test cuts and restores (SQLite is a file and cannot go away like this).

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sea_orm::DbBackend;
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use yoshikosan_persistence::testing::TestDatabase;

use crate::helpers::*;

/// Forwards a local port to the database; `cut` drops the listener and every open connection.
struct Proxy {
    listen: SocketAddr,
    upstream: SocketAddr,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut proxy = Self { listen: listener.local_addr().unwrap(), upstream, tasks: Default::default() };
        proxy.serve(listener);
        proxy
    }

    fn serve(&mut self, listener: TcpListener) {
        let (upstream, tasks) = (self.upstream, self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().unwrap().push(pipe);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn restore(&mut self) {
        let listener = TcpListener::bind(self.listen).await.unwrap();
        self.serve(listener);
    }
}

async fn timed(request: reqwest::RequestBuilder) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null), started.elapsed())
}

#[actix_web::test]
async fn a_database_outage_gives_fast_503s_and_heals_by_itself() {
    let db = TestDatabase::fresh().await;
    if db.backend() != DbBackend::Postgres {
        let _ = writeln!(std::io::stderr(), "skipped database outage test: needs TEST_DATABASE_URL (PostgreSQL)");
        return;
    }
    let mut url = url::Url::parse(&db.url).unwrap();
    let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432)).parse().unwrap();
    let mut proxy = Proxy::start(upstream).await;
    url.set_port(Some(proxy.listen.port())).unwrap();
    let app = TestApp { address: spawn_server(url.as_str(), &[]).await, client: plain_client(), db };
    let token = app.signed_up("outage@example.com").await;

    proxy.cut();
    let (status, body, took) = timed(app.client.get(app.url("/health"))).await;
    assert_eq!(
        (status, body["status"].as_str(), body["database"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unhealthy"), Some("unavailable"))
    );
    assert!(took < Duration::from_secs(5), "/health took {took:?}");
    for request in [
        app.client
            .post(app.url("/api/auth/login"))
            .json(&serde_json::json!({"email": "outage@example.com", "password": PASSWORD})),
        app.client
            .post(app.url("/api/auth/register"))
            .json(&serde_json::json!({"email": "new@example.com", "password": PASSWORD, "name": "N"})),
        app.client.get(app.url("/api/auth/me")).bearer_auth(&token),
    ] {
        let (status, body, took) = timed(request).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")), "{body}");
        assert!(took < Duration::from_secs(5), "took {took:?}");
        assert!(!body.to_string().contains("5432"), "the cause leaked: {body}");
    }
    let (status, _, _) = timed(app.client.get(app.url("/health/live"))).await;
    assert_eq!(status, StatusCode::OK);

    proxy.restore().await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, _, _) = timed(app.client.get(app.url("/health"))).await;
        if status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "did not recover within 15 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK);
    assert_eq!(app.login("outage@example.com", PASSWORD).await.status(), StatusCode::OK);
}
