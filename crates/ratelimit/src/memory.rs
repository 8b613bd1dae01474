use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use yoshikosan_domain::ports::{FailureCounter, FailureWindow, StoreError};

/// Counts in this process. Windows that have ended are dropped whenever the map has doubled
/// since the last sweep, so memory follows the number of keys active within one window.
#[derive(Debug, Default)]
pub struct MemoryFailureCounter {
    windows: Mutex<Windows>,
}

#[derive(Debug, Default)]
struct Windows {
    by_key: HashMap<String, FailureWindow>,
    sweep_at_len: usize,
}

const MIN_SWEEP_LEN: usize = 1024;

impl MemoryFailureCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many keys are held, ended windows included until the next sweep.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().by_key.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        // A panic while holding the lock cannot leave a count half-updated, so the data stays usable.
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl FailureCounter for MemoryFailureCounter {
    async fn current(&self, key: &str, now: DateTime<Utc>) -> Result<Option<FailureWindow>, StoreError> {
        Ok(self.lock().by_key.get(key).copied().filter(|w| w.ends_at > now))
    }

    async fn record(&self, key: &str, now: DateTime<Utc>, window: Duration) -> Result<FailureWindow, StoreError> {
        let mut windows = self.lock();
        if windows.by_key.len() >= windows.sweep_at_len.max(MIN_SWEEP_LEN) {
            windows.by_key.retain(|_, w| w.ends_at > now);
            windows.sweep_at_len = windows.by_key.len() * 2;
        }
        let entry = windows.by_key.entry(key.to_owned()).or_insert(FailureWindow { failures: 0, ends_at: now });
        if entry.ends_at <= now {
            *entry = FailureWindow { failures: 0, ends_at: now + window };
        }
        entry.failures = entry.failures.saturating_add(1);
        Ok(*entry)
    }

    async fn clear(&self, key: &str) -> Result<(), StoreError> {
        self.lock().by_key.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use chrono::TimeZone;

    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
    }

    #[tokio::test]
    async fn a_window_opens_at_the_first_failure_and_closes_after_its_length() {
        let counter = MemoryFailureCounter::new();
        let window = Duration::seconds(900);
        counter.record("k", t0(), window).await.unwrap();
        let second = counter.record("k", t0() + Duration::seconds(100), window).await.unwrap();
        assert_eq!(second, FailureWindow { failures: 2, ends_at: t0() + window });
        assert_eq!(counter.current("k", t0() + window - Duration::seconds(1)).await.unwrap(), Some(second));
        assert_eq!(counter.current("k", t0() + window).await.unwrap(), None);
        let fresh = counter.record("k", t0() + window, window).await.unwrap();
        assert_eq!(fresh, FailureWindow { failures: 1, ends_at: t0() + window + window });
    }

    #[tokio::test]
    async fn keys_are_counted_apart_and_cleared_alone() {
        let counter = MemoryFailureCounter::new();
        let window = Duration::seconds(60);
        counter.record("a", t0(), window).await.unwrap();
        counter.record("b", t0(), window).await.unwrap();
        counter.clear("a").await.unwrap();
        assert_eq!(counter.current("a", t0()).await.unwrap(), None);
        assert_eq!(counter.current("b", t0()).await.unwrap().map(|w| w.failures), Some(1));
    }

    #[tokio::test]
    async fn ended_windows_are_swept_so_memory_stays_bounded() {
        let counter = MemoryFailureCounter::new();
        let window = Duration::seconds(60);
        for i in 0..MIN_SWEEP_LEN {
            counter.record(&format!("old-{i}"), t0(), window).await.unwrap();
        }
        counter.record("new", t0() + Duration::seconds(61), window).await.unwrap();
        assert_eq!(counter.len(), 1);
    }
}
