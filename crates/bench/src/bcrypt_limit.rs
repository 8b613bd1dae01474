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
}

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
        Ok(Self { cost, verify_ms: verify.as_secs_f64() * 1e3, cores, per_second: cores as f64 / verify.as_secs_f64() })
    }
}
