//! The physical limit of a bcrypt-bound route: every core verifying, nothing else running.

use std::time::{Duration, Instant};

use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct BcryptLimit {
    pub cost: u32,
    /// Median of several single-threaded verifies.
    pub verify_ms: f64,
    pub cores: usize,
    /// cores / one verify: sign-ins per second that no implementation at this cost can beat.
    pub per_second: f64,
    /// The same verify by pyca/bcrypt (Python's `bcrypt`), where it is installed.
    pub pyca_verify_ms: Option<f64>,
}

/// Times pyca/bcrypt as [`BcryptLimit::measure`] times ours: the median of `samples` verifies.
const PYCA: &str = "import bcrypt, sys, time
cost, samples = int(sys.argv[1]), int(sys.argv[2])
hashed = bcrypt.hashpw(b'bench password, not a real one', bcrypt.gensalt(cost))
times = []
for _ in range(samples):
    start = time.perf_counter()
    assert bcrypt.checkpw(b'bench password, not a real one', hashed)
    times.append(time.perf_counter() - start)
print(sorted(times)[len(times) // 2] * 1000)
";

impl BcryptLimit {
    /// Times `samples` verifies on one thread. Blocking: call it from a blocking task.
    pub fn measure(cost: u32, samples: usize) -> Result<Self, bcrypt::BcryptError> {
        let hash = bcrypt::hash("bench password, not a real one", cost)?;
        let mut times: Vec<Duration> = Vec::with_capacity(samples);
        for _ in 0..samples.max(1) {
            let start = Instant::now();
            bcrypt::verify("bench password, not a real one", &hash)?;
            times.push(start.elapsed());
        }
        times.sort();
        let verify = times[times.len() / 2];
        let cores = crate::machine::cores();
        Ok(Self {
            cost,
            verify_ms: verify.as_secs_f64() * 1e3,
            cores,
            per_second: cores as f64 / verify.as_secs_f64(),
            pyca_verify_ms: pyca(cost, samples),
        })
    }
}

/// None when python3 or its `bcrypt` module is missing (`pip install bcrypt`).
fn pyca(cost: u32, samples: usize) -> Option<f64> {
    let output = std::process::Command::new("python3")
        .args(["-c", PYCA, &cost.to_string(), &samples.max(1).to_string()])
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}
