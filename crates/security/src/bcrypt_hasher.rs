use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use tokio::sync::{OnceCell, Semaphore};
use yoshikosan_domain::ports::{HashError, PasswordHasher};
use yoshikosan_domain::{Password, PasswordHash};

/// bcrypt reads at most this many bytes of a password (the `non_truncating_*` functions of the
/// bcrypt crate refuse exactly 72, because the terminating NUL no longer fits; 72 is safe).
const MAX_PASSWORD_BYTES: usize = 72;

/// Histogram: how long a hash waited for a free core. Long waits mean logins are queueing
/// behind bcrypt, which more cores (or a lower cost) would fix and more workers would not.
pub const HASH_QUEUE_WAIT_SECONDS: &str = "yoshikosan_password_hash_queue_wait_seconds";
/// Gauge: hashes holding a core right now (at most one per core).
pub const HASHES_IN_FLIGHT: &str = "yoshikosan_password_hashes_in_flight";

/// bcrypt at a configurable cost. Hashing runs on tokio's blocking pool, never on an async
/// worker, and at most one hash per CPU core runs at a time: more would only make every
/// login slower while starving the rest of the process of CPU.
#[derive(Debug, Clone)]
pub struct BcryptHasher {
    cost: u32,
    permits: Arc<Semaphore>,
    permits_total: usize,
    dummy: Arc<OnceCell<String>>,
}

impl BcryptHasher {
    pub const DEFAULT_COST: u32 = 12;

    /// `cost` must lie within bcrypt's 4..=31; configuration checks that before we get here.
    pub fn new(cost: u32) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self { cost, permits: Arc::new(Semaphore::new(cores)), permits_total: cores, dummy: Arc::new(OnceCell::new()) }
    }

    /// How many hashes may run at once: one per core.
    pub fn permits(&self) -> usize {
        self.permits_total
    }

    /// Computes the dummy hash now rather than on the first login of an unknown email.
    pub async fn warm_up(&self) -> Result<(), HashError> {
        self.dummy_hash().await.map(|_| ())
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, HashError> {
        let queued = Instant::now();
        let _permit = self.permits.acquire().await.map_err(|e| HashError(e.to_string()))?;
        metrics::histogram!(HASH_QUEUE_WAIT_SECONDS).record(queued.elapsed().as_secs_f64());
        let _in_flight = InFlight::enter();
        tokio::task::spawn_blocking(work).await.map_err(|e| HashError(e.to_string()))
    }

    /// A hash at the same cost as real ones, so verifying against it takes as long.
    async fn dummy_hash(&self) -> Result<&str, HashError> {
        let cost = self.cost;
        let hash = self
            .dummy
            .get_or_try_init(|| async {
                let secret: [u8; 32] = rand::random();
                self.run(move || bcrypt::hash(secret, cost)).await?.map_err(|e| HashError(e.to_string()))
            })
            .await?;
        Ok(hash.as_str())
    }
}

/// Counts a hash in [`HASHES_IN_FLIGHT`]; dropped with the permit, so the two agree even when a
/// request is cancelled mid-hash.
struct InFlight;

impl InFlight {
    fn enter() -> Self {
        metrics::gauge!(HASHES_IN_FLIGHT).increment(1.0);
        Self
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!(HASHES_IN_FLIGHT).decrement(1.0);
    }
}

#[async_trait]
impl PasswordHasher for BcryptHasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let (secret, cost) = (password.expose().to_owned(), self.cost);
        if secret.len() > MAX_PASSWORD_BYTES {
            return Err(HashError(format!("passwords over {MAX_PASSWORD_BYTES} bytes would be truncated")));
        }
        let hashed = self.run(move || bcrypt::hash(secret, cost)).await?;
        hashed.map(PasswordHash::new).map_err(|e| HashError(e.to_string()))
    }

    async fn verify(&self, candidate: &str, hash: Option<PasswordHash>) -> Result<bool, HashError> {
        let (found, stored) = match hash {
            Some(hash) => (true, hash.as_str().to_owned()),
            None => (false, self.dummy_hash().await?.to_owned()),
        };
        // A longer candidate cannot be the password: bcrypt would compare only its first 72
        // bytes. It is still verified, so that refusing it takes the usual time.
        let fits = candidate.len() <= MAX_PASSWORD_BYTES;
        let candidate = candidate.to_owned();
        let matched = self.run(move || bcrypt::verify(candidate, &stored).unwrap_or(false)).await?;
        Ok(found && fits && matched)
    }
}

#[cfg(test)]
mod tests {
    use yoshikosan_domain::PasswordPolicy;

    use super::*;

    fn password(s: &str) -> Password {
        PasswordPolicy::default().check(s, None).unwrap()
    }

    #[tokio::test]
    async fn verifies_what_it_hashed_and_nothing_else() {
        let hasher = BcryptHasher::new(4);
        let hash = hasher.hash(&password("violet-harbour-42")).await.unwrap();
        assert!(hash.as_str().starts_with("$2b$04$"));
        assert!(hasher.verify("violet-harbour-42", Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify("violet-harbour-43", Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn a_password_of_exactly_72_bytes_round_trips() {
        let hasher = BcryptHasher::new(4);
        let exact = "x".repeat(70) + "é";
        assert_eq!(exact.len(), 72);
        let hash = hasher.hash(&password(&exact)).await.unwrap();
        assert!(hasher.verify(&exact, Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify(&("x".repeat(70) + "e"), Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn no_hash_never_verifies() {
        let hasher = BcryptHasher::new(4);
        assert!(!hasher.verify("anything", None).await.unwrap());
    }

    #[tokio::test]
    async fn a_longer_password_sharing_the_first_72_bytes_does_not_match() {
        let hasher = BcryptHasher::new(4);
        let base = "a".repeat(72);
        let hash = PasswordHash::new(bcrypt::hash(&base, 4).unwrap());
        assert!(hasher.verify(&base, Some(hash.clone())).await.unwrap());
        assert!(!hasher.verify(&format!("{base}extra"), Some(hash)).await.unwrap());
    }

    #[tokio::test]
    async fn the_dummy_hash_costs_as_much_as_a_real_one() {
        let hasher = BcryptHasher::new(5);
        let dummy = hasher.dummy_hash().await.unwrap().to_owned();
        assert!(dummy.starts_with("$2b$05$"));
    }
}
