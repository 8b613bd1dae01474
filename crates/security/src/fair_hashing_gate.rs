//! Each client address's share of the bcrypt pool. Without it, requests are served in arrival
//! order, so one address sending hundreds at once makes every other sign-in wait behind them all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use yoshikosan_domain::Throttled;
use yoshikosan_domain::ports::{HashingGate, HashingTurn};

/// How many requests of one address may wait for its turn beyond those hashing.
pub const QUEUE_PER_CLIENT: usize = 8;
/// Beyond its queue an address is told to come back this much later: about the time its
/// queue takes to drain at the production cost.
const RETRY_AFTER_SECS: i64 = 1;

/// At most `share` requests of one address hold a place at a time, and at most `queue` more
/// wait for one; the rest are refused at once. Other addresses never wait for that queue: the
/// pool itself serves in arrival order, and one address has at most `share` requests in it.
#[derive(Debug, Clone)]
pub struct FairHashingGate {
    share: usize,
    queue: usize,
    clients: Arc<Mutex<HashMap<String, Client>>>,
}

#[derive(Debug)]
struct Client {
    places: Arc<Semaphore>,
    /// Requests holding or waiting for a place.
    present: usize,
}

impl FairHashingGate {
    /// A quarter of a pool of `pool_permits` (at least one) per address, `queue` waiting beyond.
    pub fn for_pool(pool_permits: usize, queue: usize) -> Self {
        Self::new((pool_permits / 4).max(1), queue)
    }

    pub fn new(share: usize, queue: usize) -> Self {
        Self { share: share.max(1), queue, clients: Arc::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Client>> {
        // Every change under the lock is one counter step: a panic cannot leave it half-done.
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counts a request as present until it is dropped, whether it got its place or was abandoned
/// while waiting (the client went away), and forgets an address once none of its requests is.
struct Presence {
    gate: FairHashingGate,
    client: String,
}

impl Drop for Presence {
    fn drop(&mut self) {
        let mut clients = self.gate.lock();
        if let Some(entry) = clients.get_mut(&self.client) {
            entry.present = entry.present.saturating_sub(1);
            if entry.present == 0 {
                clients.remove(&self.client);
            }
        }
    }
}

#[async_trait]
impl HashingGate for FairHashingGate {
    async fn enter(&self, client: &str) -> Result<HashingTurn, Throttled> {
        let places = {
            let mut clients = self.lock();
            let entry = clients
                .entry(client.to_owned())
                .or_insert_with(|| Client { places: Arc::new(Semaphore::new(self.share)), present: 0 });
            if entry.present >= self.share + self.queue {
                return Err(Throttled { retry_after: Duration::seconds(RETRY_AFTER_SECS) });
            }
            entry.present += 1;
            entry.places.clone()
        };
        let presence = Presence { gate: self.clone(), client: client.to_owned() };
        // The semaphore is never closed, so a permit always comes; dropping the turn returns it.
        let place: Option<OwnedSemaphorePermit> = places.acquire_owned().await.ok();
        Ok(HashingTurn::new((place, presence)))
    }
}

#[cfg(test)]
mod tests;
