//! What a run measures, from `BENCH_*` environment variables (the Makefile passes them on).

use std::path::PathBuf;
use std::time::Duration;

use crate::report::names;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Postgres => "postgres",
            Self::Sqlite => "sqlite",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub backends: Vec<Backend>,
    /// Length of each measured run; bcrypt-bound runs get twice as long (they are slow to settle).
    pub duration: Duration,
    /// Unmeasured load before each run: pools, caches and the TCP stack settle.
    pub warmup: Duration,
    /// Turns of the bare handler and the read scenarios; each gets `duration / rounds` per turn
    /// (whole seconds, at least one).
    pub rounds: u32,
    /// Connections of the read scenarios.
    pub connections: u32,
    /// Connections of the bcrypt-bound scenarios: enough to keep every core hashing.
    pub hashing_connections: u32,
    /// One by default: on a small machine a second load thread takes CPU from the service.
    pub wrk_threads: u32,
    /// Accounts created before the runs; `/me` and login cycle through them.
    pub users: usize,
    pub bcrypt_cost: u32,
    /// A PostgreSQL database with the right to create others; the benchmark uses its own.
    pub postgres_admin_url: String,
    pub service_binary: PathBuf,
    /// Only these scenarios (`BENCH_SCENARIOS=me,login`); all when empty.
    pub scenarios: Vec<String>,
    pub out_dir: PathBuf,
}

impl Options {
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: u64| -> Result<u64, String> {
            var(name)
                .map_or(Ok(default), |v| v.trim().parse().map_err(|_| format!("{name} must be a number, not {v:?}")))
        };
        let backends = match var("BENCH_DATABASES") {
            None => vec![Backend::Postgres, Backend::Sqlite],
            Some(list) => list
                .split(',')
                .map(|name| match name.trim() {
                    "postgres" => Ok(Backend::Postgres),
                    "sqlite" => Ok(Backend::Sqlite),
                    other => Err(format!("BENCH_DATABASES lists postgres and/or sqlite, not {other:?}")),
                })
                .collect::<Result<_, _>>()?,
        };
        let count = |name: &str, default: u64| -> Result<u32, String> {
            u32::try_from(number(name, default)?.max(1)).map_err(|_| format!("{name} is too large"))
        };
        let target = var("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
        Ok(Self {
            backends,
            duration: Duration::from_secs(number("BENCH_DURATION", 15)?.max(1)),
            warmup: Duration::from_secs(number("BENCH_WARMUP", 3)?),
            rounds: count("BENCH_ROUNDS", 8)?,
            connections: count("BENCH_CONNECTIONS", 32)?,
            hashing_connections: count("BENCH_HASHING_CONNECTIONS", 8)?,
            wrk_threads: count("BENCH_WRK_THREADS", 1)?,
            users: count("BENCH_USERS", 64)? as usize,
            bcrypt_cost: count("BENCH_BCRYPT_COST", 12)?,
            postgres_admin_url: var("BENCH_POSTGRES_URL")
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".to_owned()),
            // Absolute: the service runs in the output folder, away from any `.env`.
            service_binary: std::path::absolute(
                var("BENCH_SERVICE").map_or_else(|| target.join("release/yoshikosan"), PathBuf::from),
            )
            .map_err(|e| format!("BENCH_SERVICE: {e}"))?,
            scenarios: match var("BENCH_SCENARIOS") {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(|name| match name.trim() {
                        known if names::ALL.contains(&known) => Ok(known.to_owned()),
                        other => Err(format!("BENCH_SCENARIOS lists some of {}, not {other:?}", names::ALL.join(", "))),
                    })
                    .collect::<Result<_, _>>()?,
            },
            out_dir: target.join("bench"),
        })
    }
}
