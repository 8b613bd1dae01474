//! The service under test: the release binary as an operator runs it (production settings,
//! JSON logs to a file), and what it costs the machine (memory, CPU).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("could not start {binary}: {source} (build it with `cargo build --release`)")]
    Spawn { binary: PathBuf, source: std::io::Error },
    #[error("could not write the service log {0}: {1}")]
    Log(PathBuf, std::io::Error),
    #[error("the service exited during start-up ({status}); see {log}")]
    Exited { status: std::process::ExitStatus, log: PathBuf },
    #[error("the service was not healthy within {0:?}; see {1}")]
    NotHealthy(Duration, PathBuf),
    #[error("no free port: {0}")]
    Port(std::io::Error),
}

/// How the service is started; everything else is the production default.
#[derive(Debug, Clone)]
pub struct Launch {
    pub binary: PathBuf,
    pub database_url: String,
    pub secret_key: String,
    pub bcrypt_cost: u32,
    pub log: PathBuf,
    /// The working directory: one without a `.env`, so a developer's settings stay out.
    pub dir: PathBuf,
}

#[derive(Debug)]
pub struct Service {
    child: Child,
    pub base_url: String,
    log: PathBuf,
}

const START_TIMEOUT: Duration = Duration::from_secs(30);

impl Service {
    /// Starts the binary and waits until `/health` answers 200; returns it with the time taken.
    pub async fn start(launch: &Launch, http: &reqwest::Client) -> Result<(Self, Duration), ServiceError> {
        let port = free_port().map_err(ServiceError::Port)?;
        let log = File::options()
            .create(true)
            .append(true)
            .open(&launch.log)
            .map_err(|e| ServiceError::Log(launch.log.clone(), e))?;
        let log_err = log.try_clone().map_err(|e| ServiceError::Log(launch.log.clone(), e))?;
        let started = Instant::now();
        let child = Command::new(&launch.binary)
            .current_dir(&launch.dir)
            .env("APP_ENV", "production")
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("DATABASE_URL", &launch.database_url)
            .env("SECRET_KEY", &launch.secret_key)
            .env("BCRYPT_COST", launch.bcrypt_cost.to_string())
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env_remove("REDIS_URL")
            // The benchmark is the proxy in front of the clients it models.
            .env("TRUSTED_PROXIES", "127.0.0.1")
            // High enough that a flooding address keeps hashing: its share of the pool is measured.
            .env("RATE_LIMIT_MAX_PER_IP", "1000000")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .map_err(|source| ServiceError::Spawn { binary: launch.binary.clone(), source })?;
        let mut service = Self { child, base_url: format!("http://127.0.0.1:{port}"), log: launch.log.clone() };
        let health = format!("{}/health", service.base_url);
        loop {
            if let Ok(Some(status)) = service.child.try_wait() {
                return Err(ServiceError::Exited { status, log: service.log.clone() });
            }
            if http.get(&health).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok((service, started.elapsed()));
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(ServiceError::NotHealthy(START_TIMEOUT, service.log.clone()));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now, in bytes.
    pub fn rss(&self) -> Option<u64> {
        rss_of(self.pid())
    }

    /// The most resident memory the process has had, in bytes.
    pub fn peak_rss(&self) -> Option<u64> {
        status_field(self.pid(), "VmHWM:")
    }

    /// SIGTERM, as an orchestrator stops it; waits for the graceful exit.
    pub fn stop(mut self) {
        let terminated = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status();
        if !terminated.is_ok_and(|s| s.success()) {
            drop(self.child.kill());
        }
        drop(self.child.wait());
    }

    pub fn log(&self) -> &Path {
        &self.log
    }
}

/// A run that fails half-way must not leave a server behind.
impl Drop for Service {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            drop(self.child.kill());
            drop(self.child.wait());
        }
    }
}

/// CPU time process `pid` has used so far (user + system), in clock ticks.
pub fn cpu_ticks_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it do not.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// Resident memory of process `pid`, in bytes.
pub fn rss_of(pid: u32) -> Option<u64> {
    status_field(pid, "VmRSS:")
}

fn status_field(pid: u32, name: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with(name))?;
    let kib: u64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
