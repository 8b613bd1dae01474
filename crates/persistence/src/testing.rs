//! Fresh, migrated databases for tests: PostgreSQL when `TEST_DATABASE_URL` is set (a new
//! database per test on that server, dropped afterwards), else an SQLite file in a temporary
//! directory. Either way each test starts empty and tests can run in parallel.
#![allow(clippy::expect_used, reason = "test support: a failed setup should stop the test loudly")]

use std::io::Write;
use std::sync::Once;

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;

use crate::{Database, DatabaseOptions};

pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

#[derive(Debug)]
pub struct TestDatabase {
    pub database: Database,
    pub url: String,
    _cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server_url: String, name: String },
}

impl TestDatabase {
    /// A new empty database with every migration applied.
    pub async fn fresh() -> Self {
        let mut db = Self::empty().await;
        db.database.migrate().await.expect("migrate test database");
        db.database.start_change_listener();
        db
    }

    /// A new database with nothing in it, not even the migrations.
    pub async fn empty() -> Self {
        let (url, cleanup) = match std::env::var(TEST_DATABASE_URL).ok().filter(|u| !u.is_empty()) {
            Some(server_url) => create_postgres_database(server_url).await,
            None => {
                announce_sqlite_only();
                let dir = tempfile::tempdir().expect("create temporary directory");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (url, Cleanup::Sqlite(dir))
            }
        };
        let database = Database::connect(&url, &DatabaseOptions::default()).await.expect("connect test database");
        Self { database, url, _cleanup: cleanup }
    }

    pub fn backend(&self) -> DbBackend {
        self.database.backend()
    }
}

async fn create_postgres_database(server_url: String) -> (String, Cleanup) {
    let name = format!("yoshikosan_test_{}", Uuid::new_v4().simple());
    let admin = sea_orm::Database::connect(&server_url).await.expect("connect to TEST_DATABASE_URL");
    admin
        .execute_raw(Statement::from_string(DbBackend::Postgres, format!("CREATE DATABASE \"{name}\"")))
        .await
        .expect("create test database");
    admin.close().await.ok();
    (with_database(&server_url, &name), Cleanup::Postgres { server_url, name })
}

/// `server_url` with its database name replaced by `name`, keeping any query string.
fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = server_url.split_once('?').map_or((server_url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let prefix = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{prefix}/{name}?{query}"),
        None => format!("{prefix}/{name}"),
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Cleanup::Postgres { server_url, name } = self else { return };
        let (server_url, name) = (server_url.clone(), name.clone());
        // Drop runs inside the test's runtime, which cannot block on itself: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = sea_orm::Database::connect(&server_url).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                admin.execute_raw(Statement::from_string(DbBackend::Postgres, sql)).await.ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            let _ = writeln!(std::io::stderr(), "warning: could not drop a test database on TEST_DATABASE_URL");
        }
    }
}

/// Written past the test harness's output capture, so it shows on every run.
fn announce_sqlite_only() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(
            std::io::stderr(),
            "note: {TEST_DATABASE_URL} is not set: database tests run on SQLite only \
             (set it to a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/test, to run them there)"
        );
    });
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_only_the_database_name() {
        assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
    }
}
