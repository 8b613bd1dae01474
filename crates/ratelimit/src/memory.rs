use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use yoshikosan_domain::ports::{FailureCounter, FailureWindow, Reservation, StoreError};

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
    async fn reserve(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: Duration,
        max: u32,
    ) -> Result<Reservation, StoreError> {
        // One lock for the compare and the count: no two reservations can both take the last unit.
        let mut windows = self.lock();
        if windows.by_key.len() >= windows.sweep_at_len.max(MIN_SWEEP_LEN) {
            windows.by_key.retain(|_, w| w.ends_at > now);
            windows.sweep_at_len = windows.by_key.len() * 2;
        }
        let entry = windows.by_key.entry(key.to_owned()).or_insert(FailureWindow { failures: 0, ends_at: now });
        if entry.ends_at <= now {
            *entry = FailureWindow { failures: 0, ends_at: now + window };
        }
        if entry.failures >= max {
            return Ok(Reservation::Refused(*entry));
        }
        entry.failures += 1;
        Ok(Reservation::Granted(*entry))
    }

    async fn release(&self, key: &str, ends_at: DateTime<Utc>) -> Result<(), StoreError> {
        if let Some(window) = self.lock().by_key.get_mut(key)
            && window.ends_at == ends_at
        {
            window.failures = window.failures.saturating_sub(1);
        }
        Ok(())
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

    const MAX: u32 = 3;

    async fn reserve(counter: &MemoryFailureCounter, key: &str, at: DateTime<Utc>) -> Reservation {
        counter.reserve(key, at, Duration::seconds(900), MAX).await.unwrap()
    }

    #[tokio::test]
    async fn a_window_opens_at_the_first_unit_grants_up_to_the_maximum_and_closes_after_its_length() {
        let counter = MemoryFailureCounter::new();
        let ends_at = t0() + Duration::seconds(900);
        for failures in 1..=MAX {
            let at = t0() + Duration::seconds(i64::from(failures - 1));
            assert_eq!(reserve(&counter, "k", at).await, Reservation::Granted(FailureWindow { failures, ends_at }));
        }
        let refused = reserve(&counter, "k", ends_at - Duration::seconds(1)).await;
        assert_eq!(refused, Reservation::Refused(FailureWindow { failures: MAX, ends_at }));
        let fresh = reserve(&counter, "k", ends_at).await;
        assert_eq!(
            fresh,
            Reservation::Granted(FailureWindow { failures: 1, ends_at: ends_at + Duration::seconds(900) })
        );
    }

    #[tokio::test]
    async fn a_unit_given_back_can_be_reserved_again_but_only_in_its_own_window() {
        let counter = MemoryFailureCounter::new();
        for _ in 0..MAX {
            reserve(&counter, "k", t0()).await;
        }
        let ends_at = t0() + Duration::seconds(900);
        counter.release("k", ends_at).await.unwrap();
        assert!(matches!(reserve(&counter, "k", t0()).await, Reservation::Granted(w) if w.failures == MAX));
        // A unit of an ended window is not given to the next one.
        reserve(&counter, "k", ends_at).await;
        counter.release("k", ends_at).await.unwrap();
        assert!(matches!(reserve(&counter, "k", ends_at).await, Reservation::Granted(w) if w.failures == 2));
    }

    #[tokio::test]
    async fn keys_are_counted_apart_and_cleared_alone() {
        let counter = MemoryFailureCounter::new();
        for _ in 0..MAX {
            reserve(&counter, "a", t0()).await;
            reserve(&counter, "b", t0()).await;
        }
        counter.clear("a").await.unwrap();
        assert!(matches!(reserve(&counter, "a", t0()).await, Reservation::Granted(w) if w.failures == 1));
        assert!(matches!(reserve(&counter, "b", t0()).await, Reservation::Refused(_)));
    }

    #[tokio::test]
    async fn concurrent_reservations_never_exceed_the_maximum() {
        let counter = std::sync::Arc::new(MemoryFailureCounter::new());
        let tasks: Vec<_> = (0..60)
            .map(|_| {
                let counter = counter.clone();
                tokio::spawn(async move { reserve(&counter, "k", t0()).await })
            })
            .collect();
        let mut granted = 0;
        for task in tasks {
            granted += usize::from(matches!(task.await.unwrap(), Reservation::Granted(_)));
        }
        assert_eq!(granted, MAX as usize);
    }

    #[tokio::test]
    async fn ended_windows_are_swept_so_memory_stays_bounded() {
        let counter = MemoryFailureCounter::new();
        for i in 0..MIN_SWEEP_LEN {
            counter.reserve(&format!("old-{i}"), t0(), Duration::seconds(60), MAX).await.unwrap();
        }
        counter.reserve("new", t0() + Duration::seconds(61), Duration::seconds(60), MAX).await.unwrap();
        assert_eq!(counter.len(), 1);
    }
}
