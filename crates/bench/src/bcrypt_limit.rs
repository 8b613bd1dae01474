//! The physical limit of a bcrypt-bound route: every core verifying, nothing else running.

use std::time::{Duration, Instant};

use serde::Serialize;

const PASSWORD: &str = "bench password, not a real one";

#[derive(Debug, Clone, Copy, Serialize)]
pub struct BcryptLimit {
    pub cost: u32,
    /// Median of several verifies on one thread, the rest of the machine idle.
    pub verify_ms: f64,
    pub cores: usize,
    /// Verifies per second with every core verifying at once: sign-ins per second that no
    /// implementation at this cost can beat on this machine.
    pub per_second: f64,
    /// `cores / verify_ms`: what `per_second` would be if busy cores did not slow each other
    /// (a virtual machine's cores share the host's caches, power and neighbours).
    pub per_second_from_one_core: f64,
    /// The same verify by pyca/bcrypt (Python's `bcrypt`), where it is installed.
    pub pyca_verify_ms: Option<f64>,
}

/// The limit on every core just before and just after the logins: the machine's speed drifts
/// over a run, and login is held to the limit of its own minutes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LimitBesideLogin {
    pub before: f64,
    pub after: f64,
}

impl LimitBesideLogin {
    pub fn per_second(self) -> f64 {
        f64::midpoint(self.before, self.after)
    }
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
    /// Times `samples` verifies on one thread, then on every core at once. Blocking: call it
    /// from a blocking task.
    pub fn measure(cost: u32, samples: usize) -> Result<Self, bcrypt::BcryptError> {
        let hash = bcrypt::hash(PASSWORD, cost)?;
        let verify = median(verifies(&hash, samples.max(1))?);
        let cores = crate::machine::cores();
        Ok(Self {
            cost,
            verify_ms: verify.as_secs_f64() * 1e3,
            cores,
            per_second: all_cores(&hash, cores, samples.div_ceil(cores).max(2))?,
            per_second_from_one_core: cores as f64 / verify.as_secs_f64(),
            pyca_verify_ms: pyca(cost, samples),
        })
    }

    /// Verifies per second with every core verifying `each` times at once. Blocking.
    pub fn all_cores_now(&self, each: usize) -> Result<f64, bcrypt::BcryptError> {
        all_cores(&bcrypt::hash(PASSWORD, self.cost)?, self.cores, each)
    }
}

fn verifies(hash: &str, count: usize) -> Result<Vec<Duration>, bcrypt::BcryptError> {
    (0..count)
        .map(|_| {
            let start = Instant::now();
            bcrypt::verify(PASSWORD, hash).map(|_| start.elapsed())
        })
        .collect()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    let middle = times.len() / 2;
    match (times.len() % 2, middle.checked_sub(1)) {
        (0, Some(below)) => (times[below] + times[middle]) / 2,
        _ => times.get(middle).copied().unwrap_or_default(),
    }
}

/// `cores` threads verify `each` times together; the rate is `cores` over their median verify,
/// so a thread that finishes first and leaves the others a free machine does not count.
fn all_cores(hash: &str, cores: usize, each: usize) -> Result<f64, bcrypt::BcryptError> {
    let times = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..cores).map(|_| scope.spawn(|| verifies(hash, each.max(1)))).collect();
        threads
            .into_iter()
            .map(|t| t.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect::<Vec<_>>()
    });
    let mut all = Vec::new();
    for thread in times {
        all.extend(thread?);
    }
    Ok(rate(cores, all))
}

fn rate(cores: usize, verifies: Vec<Duration>) -> f64 {
    cores as f64 / median(verifies).as_secs_f64()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_every_core_over_the_median_verify() {
        let ms = |ms| Duration::from_millis(ms);
        // A verify left running alone at the end (250 ms) or slowed by a neighbour (900 ms)
        // moves the median no further than its neighbours.
        let rate = rate(2, vec![ms(310), ms(250), ms(900), ms(320), ms(300), ms(330)]);
        assert!((rate - 2.0 / 0.315).abs() < 1e-9, "{rate}");
        assert_eq!(median(vec![ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(Vec::new()), Duration::ZERO);
    }

    #[test]
    fn every_core_verifies_a_real_hash() {
        let hash = bcrypt::hash(PASSWORD, 4).unwrap();
        assert!(all_cores(&hash, 2, 2).unwrap() > 0.0);
    }

    #[test]
    fn a_wrong_hash_is_an_error_not_a_rate() {
        assert!(all_cores("not a bcrypt hash", 2, 1).is_err());
    }
}
