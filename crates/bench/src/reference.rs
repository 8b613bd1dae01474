//! The bare actix-web handler (`yoshikosan-bare-actix`, built beside this runner), started for
//! the read scenarios to be measured against in the same run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Reference {
    child: Child,
    pub base_url: String,
}

const START_TIMEOUT: Duration = Duration::from_secs(10);

impl Reference {
    /// The binary built beside the running benchmark.
    pub fn binary() -> Result<PathBuf, String> {
        let me = std::env::current_exe().map_err(|e| format!("where is the benchmark? {e}"))?;
        Ok(me.with_file_name("yoshikosan-bare-actix"))
    }

    /// Starts it serving `body` and waits until it answers.
    pub async fn start(binary: &Path, body: &Path, http: &reqwest::Client) -> Result<Self, String> {
        let port = crate::service::free_port().map_err(|e| format!("no free port: {e}"))?;
        let child = Command::new(binary)
            .args([port.to_string().as_str(), &body.display().to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {} ({e}); `make bench` builds it", binary.display()))?;
        let mut reference = Self { child, base_url: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = reference.child.try_wait() {
                return Err(format!("{} exited at start ({status})", binary.display()));
            }
            if http.get(&reference.base_url).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(reference);
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(format!("{} did not answer within {START_TIMEOUT:?}", binary.display()));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        drop(self.child.kill());
        drop(self.child.wait());
    }
}
