//! Start-up's first contact with the database. A database that starts with the service (a
//! compose stack, where nothing orders the two) or fails over is waited for, within a bound;
//! every failed attempt is logged, and giving up names what could not be reached.

use std::time::{Duration, Instant};

use yoshikosan_persistence::{Database, DatabaseOptions};

/// How long one attempt may take: a host that drops packets is not waited on for long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Pause between attempts: short, since each failed attempt already waited its connect timeout.
const RETRY_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, thiserror::Error)]
#[error(
    "could not connect to the database at {target} ({attempts} attempt(s) in {waited} s; DATABASE_WAIT_SECS bounds the wait): {reason}"
)]
pub struct Unreachable {
    pub target: String,
    pub attempts: u32,
    pub waited: u64,
    pub reason: String,
}

/// Connects to `url`, retrying for up to `wait`.
pub async fn connect(url: &str, wait: Duration) -> Result<Database, Unreachable> {
    let target = target(url);
    let started = Instant::now();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let attempt = match Database::probe(url, CONNECT_TIMEOUT).await {
            Ok(()) => Database::connect(url, &DatabaseOptions::default()).await.map_err(|e| e.to_string()),
            Err(reason) => Err(reason),
        };
        match attempt {
            Ok(database) => {
                if attempts > 1 {
                    tracing::info!(database = %target, attempts, "database reachable");
                }
                return Ok(database);
            }
            Err(reason) if started.elapsed() + RETRY_EVERY > wait => {
                return Err(Unreachable { target, attempts, waited: started.elapsed().as_secs(), reason });
            }
            Err(error) => {
                let left = wait.saturating_sub(started.elapsed()).as_secs();
                tracing::warn!(database = %target, attempts, %error, "database not reachable yet; retrying for up to {left} s");
                tokio::time::sleep(RETRY_EVERY).await;
            }
        }
    }
}

/// What an operator checks: `host:port` of a server, or an SQLite file's path. Never the
/// credentials.
pub fn target(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.scheme() == "sqlite" => {
            let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
            path.split('?').next().unwrap_or(path).to_owned()
        }
        Ok(parsed) => match parsed.host_str() {
            Some(host) => format!("{host}:{}", parsed.port().unwrap_or(5432)),
            None => "the configured database".to_owned(),
        },
        Err(_) => "the configured database".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::target;

    #[test]
    fn names_the_server_without_credentials() {
        assert_eq!(target("postgres://app:s3cret@db.internal:6432/auth"), "db.internal:6432");
        assert_eq!(target("postgresql://app:s3cret@postgres/auth"), "postgres:5432");
    }

    #[test]
    fn names_an_sqlite_file_by_its_path() {
        assert_eq!(target("sqlite:///app/data/yoshikosan.db?mode=rwc"), "/app/data/yoshikosan.db");
        assert_eq!(target("sqlite://yoshikosan.db?mode=rwc"), "yoshikosan.db");
    }
}
