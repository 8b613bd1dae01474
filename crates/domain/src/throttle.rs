//! Rate limits on password sign-in, registration and password changes, and each client's share
//! of the hashing pool. A unit of each budget is reserved before any password is hashed or checked, so
//! requests sent at once can never be checked more often than the budget allows.

mod budgets;
mod keys;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

pub use budgets::{Spend, ThrottledAction};
pub use keys::AttemptKeys;

pub use crate::ports::Throttled;

use crate::password::{Password, PasswordHash};
use crate::ports::{FailureCounter, HashError, HashingGate, HashingTurn, PasswordHasher, Reservation};

/// How many units a window allows, per email and per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub window: Duration,
    pub max_per_email: u32,
    pub max_per_ip: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self { window: Duration::seconds(900), max_per_email: 10, max_per_ip: 100 }
    }
}

/// Applies [`RateLimits`] through a [`FailureCounter`], and (when given one) a [`HashingGate`].
///
/// A counter that cannot be reached fails open (logged): the limits guard against guessing,
/// and bcrypt still makes every guess slow, whereas failing closed would lock everyone out.
#[derive(Clone)]
pub struct Throttle {
    counter: Arc<dyn FailureCounter>,
    limits: RateLimits,
    gate: Option<Arc<dyn HashingGate>>,
}

impl Throttle {
    pub fn new(counter: Arc<dyn FailureCounter>, limits: RateLimits) -> Self {
        Self { counter, limits, gate: None }
    }

    /// Admitted attempts also wait for their address's turn at `gate`.
    #[must_use]
    pub fn with_gate(mut self, gate: Arc<dyn HashingGate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Reserves one unit of each key's budget, all or none, then waits for the client's turn to
    /// hash. Refused when a budget is spent (until its window ends) or the client's queue is
    /// full; a refusal leaves every budget as it was.
    pub async fn admit(&self, keys: &AttemptKeys, now: DateTime<Utc>) -> Result<Attempt, Throttled> {
        let gate = self.gate.clone().zip(keys.address().map(str::to_owned));
        let mut attempt = Attempt { counter: self.counter.clone(), email: None, address: None, gate, turn: None };
        if let Some(key) = &keys.email {
            attempt.email = self.reserve(key, now, self.limits.max_per_email).await?;
        }
        if let Some(key) = &keys.address {
            match self.reserve(key, now, self.limits.max_per_ip).await {
                Ok(held) => attempt.address = held,
                Err(throttled) => {
                    attempt.give_back().await;
                    return Err(throttled);
                }
            }
        }
        Ok(attempt)
    }

    /// The reserved unit, if the counter could be reached.
    async fn reserve(&self, key: &str, now: DateTime<Utc>, max: u32) -> Result<Option<Held>, Throttled> {
        match self.counter.reserve(key, now, self.limits.window, max).await {
            Ok(Reservation::Granted(window)) => Ok(Some(Held { key: key.to_owned(), ends_at: window.ends_at })),
            Ok(Reservation::Refused(window)) => Err(Throttled { retry_after: window.ends_at - now }),
            Err(error) => {
                tracing::error!(%error, "rate-limit counter unavailable; attempt allowed");
                Ok(None)
            }
        }
    }
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle").field("limits", &self.limits).finish_non_exhaustive()
    }
}

/// One unit reserved under `key`, in the window ending at `ends_at`.
#[derive(Debug)]
struct Held {
    key: String,
    ends_at: DateTime<Utc>,
}

/// An admitted attempt: its reserved units and, while it hashes, its turn at the hashing pool.
/// Its outcome decides what stays spent; dropped without one (an error), the units stay spent,
/// as after [`Self::failed`].
#[must_use = "an attempt's outcome decides what it spends"]
pub struct Attempt {
    counter: Arc<dyn FailureCounter>,
    email: Option<Held>,
    address: Option<Held>,
    /// The gate and this attempt's address, until the turn is asked for.
    gate: Option<(Arc<dyn HashingGate>, String)>,
    turn: Option<HashingTurn>,
}

impl Attempt {
    /// Checks `candidate` against `hash` (a dummy hash when `None`) in this address's turn at the
    /// hashing pool. The turn covers the check alone, not the database work around it, which
    /// with the database down would hold every queued request of the address for its timeouts.
    pub async fn verify<E>(
        &mut self,
        hasher: &dyn PasswordHasher,
        candidate: &str,
        hash: Option<PasswordHash>,
    ) -> Result<bool, E>
    where
        E: From<Throttled> + From<HashError>,
    {
        self.hashing_turn().await?;
        let matches = hasher.verify(candidate, hash).await;
        self.hashed();
        Ok(matches?)
    }

    /// Hashes a new password in this address's turn at the hashing pool.
    pub async fn hash<E>(&mut self, hasher: &dyn PasswordHasher, password: &Password) -> Result<PasswordHash, E>
    where
        E: From<Throttled> + From<HashError>,
    {
        self.hashing_turn().await?;
        let hash = hasher.hash(password).await;
        self.hashed();
        Ok(hash?)
    }

    /// A change of password: the current one checked (when there is one), then the new one
    /// hashed, both in one turn, so that a change costs its address one place however it goes.
    /// `None` when the current password is wrong.
    pub async fn verify_and_hash<E>(
        &mut self,
        hasher: &dyn PasswordHasher,
        current: Option<(&str, PasswordHash)>,
        new: &Password,
    ) -> Result<Option<PasswordHash>, E>
    where
        E: From<Throttled> + From<HashError>,
    {
        self.hashing_turn().await?;
        let result = async {
            if let Some((candidate, hash)) = current
                && !hasher.verify(candidate, Some(hash)).await?
            {
                return Ok(None);
            }
            hasher.hash(new).await.map(Some)
        }
        .await;
        self.hashed();
        Ok(result?)
    }

    /// Waits for this address's turn at the hashing pool; ended by [`Self::hashed`]. Refused
    /// when the address's queue is full: every unit is then given back, since nothing was
    /// checked. Private, so that no use case can hash outside a turn or hold one too long.
    async fn hashing_turn(&mut self) -> Result<(), Throttled> {
        let Some((gate, address)) = self.gate.take() else { return Ok(()) };
        match gate.enter(&address).await {
            Ok(turn) => {
                self.turn = Some(turn);
                Ok(())
            }
            Err(throttled) => {
                for held in [self.email.take(), self.address.take()].into_iter().flatten() {
                    self.release(&held).await;
                }
                Err(throttled)
            }
        }
    }

    /// The hash is done: the turn goes to the next request.
    fn hashed(&mut self) {
        self.turn = None;
    }

    /// Wrong credentials (or an email already taken): every reserved unit stays spent.
    pub fn failed(self) {}

    /// Right credentials: the address's unit is given back and the email's failures are
    /// forgotten (the address's earlier failures stay counted).
    pub async fn succeeded(mut self) {
        self.turn = None;
        if let Some(held) = self.address.take() {
            self.release(&held).await;
        }
        if let Some(held) = self.email.take()
            && let Err(error) = self.counter.clear(&held.key).await
        {
            tracing::error!(%error, "rate-limit counter unavailable; failures not cleared");
        }
    }

    /// A change made for the client (a new password): its hashes are done, the email's failures
    /// are forgotten, and the address's unit stays spent, since each change costs hashing time.
    pub async fn changed(mut self) {
        self.turn = None;
        self.address = None;
        self.succeeded().await;
    }

    /// The email's unit is given back; the address's stays spent (a registration that created
    /// its account).
    pub async fn give_back_email(mut self) {
        self.turn = None;
        if let Some(held) = self.email.take() {
            self.release(&held).await;
        }
    }

    /// Every unit is given back: nothing was checked.
    async fn give_back(mut self) {
        self.turn = None;
        for held in [self.email.take(), self.address.take()].into_iter().flatten() {
            self.release(&held).await;
        }
    }

    async fn release(&self, held: &Held) {
        if let Err(error) = self.counter.release(&held.key, held.ends_at).await {
            tracing::error!(%error, "rate-limit counter unavailable; unit not given back");
        }
    }
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt").field("email", &self.email).field("address", &self.address).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
