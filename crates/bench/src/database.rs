//! A fresh database for each run, so that every run starts from the same empty schema.

use std::path::Path;

use sea_orm::{ConnectionTrait, Database, DbErr};

use crate::options::Backend;

const POSTGRES_DATABASE: &str = "yoshikosan_bench";

/// The service's `DATABASE_URL` for `backend`, its database emptied first. Also returns the
/// PostgreSQL server's version when that is the backend.
pub async fn prepare(backend: Backend, admin_url: &str, dir: &Path) -> Result<(String, Option<String>), String> {
    match backend {
        Backend::Postgres => {
            let admin = Database::connect(admin_url).await.map_err(|e| format!("PostgreSQL at {admin_url}: {e}"))?;
            let version = admin
                .query_one_raw(sea_orm::Statement::from_string(admin.get_database_backend(), "SHOW server_version"))
                .await
                .ok()
                .flatten()
                .and_then(|row| row.try_get_by_index::<String>(0).ok());
            for sql in [
                format!("DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"),
                format!("CREATE DATABASE {POSTGRES_DATABASE}"),
            ] {
                admin.execute_unprepared(&sql).await.map_err(sql_error)?;
            }
            drop(admin.close().await);
            let mut url = reqwest::Url::parse(admin_url).map_err(|e| format!("BENCH_POSTGRES_URL: {e}"))?;
            url.set_path(POSTGRES_DATABASE);
            Ok((url.to_string(), version))
        }
        Backend::Sqlite => {
            let file = dir.join("bench.db");
            for suffix in ["", "-wal", "-shm"] {
                let path = format!("{}{suffix}", file.display());
                if Path::new(&path).exists() {
                    std::fs::remove_file(&path).map_err(|e| format!("{path}: {e}"))?;
                }
            }
            let absolute = std::path::absolute(&file).map_err(|e| e.to_string())?;
            Ok((format!("sqlite://{}?mode=rwc", absolute.display()), None))
        }
    }
}

fn sql_error(error: DbErr) -> String {
    format!("preparing the benchmark database: {error}")
}
