//! Rate limits on password sign-in and registration: too many failures for one email, or from
//! one client address, within a window, and further attempts are refused before any bcrypt runs.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::email::Email;
use crate::ports::FailureCounter;

/// How many failures a window allows, per email and per client address.
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

/// Refused for now; the client may try again after `retry_after`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts; retry in {} s", retry_after.num_seconds())]
pub struct Throttled {
    pub retry_after: Duration,
}

/// What one attempt is counted against.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptKeys {
    email: Option<String>,
    ip: Option<String>,
}

impl AttemptKeys {
    /// Emails are keyed by their SHA-256, so a shared store holds no addresses. IPv6 clients are
    /// keyed by their /64, the block one subscriber usually gets, so rotating within it is futile.
    pub fn new(email: Option<&Email>, ip: Option<&str>) -> Self {
        let email = email.map(|e| format!("email:{}", hex::encode(Sha256::digest(e.as_str().as_bytes()))));
        let ip = ip.and_then(|raw| raw.parse::<IpAddr>().ok()).map(|addr| match addr {
            IpAddr::V4(v4) => format!("ip:{v4}"),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        });
        Self { email, ip }
    }
}

/// Applies [`RateLimits`] through a [`FailureCounter`].
///
/// A counter that cannot be reached fails open (logged): the limits guard against guessing,
/// and bcrypt still makes every guess slow, whereas failing closed would lock everyone out.
#[derive(Clone)]
pub struct Throttle {
    counter: Arc<dyn FailureCounter>,
    limits: RateLimits,
}

impl Throttle {
    pub fn new(counter: Arc<dyn FailureCounter>, limits: RateLimits) -> Self {
        Self { counter, limits }
    }

    /// Refuses the attempt if either key has used up its failures in an open window.
    pub async fn check(&self, keys: &AttemptKeys, now: DateTime<Utc>) -> Result<(), Throttled> {
        let mut retry_after: Option<Duration> = None;
        for (key, max) in self.limited(keys) {
            match self.counter.current(key, now).await {
                Ok(Some(window)) if window.failures >= max => {
                    let wait = window.ends_at - now;
                    retry_after = Some(retry_after.map_or(wait, |w| w.max(wait)));
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "rate-limit counter unavailable; attempt allowed"),
            }
        }
        retry_after.map_or(Ok(()), |retry_after| Err(Throttled { retry_after }))
    }

    pub async fn record_failure(&self, keys: &AttemptKeys, now: DateTime<Utc>) {
        for (key, _) in self.limited(keys) {
            if let Err(error) = self.counter.record(key, now, self.limits.window).await {
                tracing::error!(%error, "rate-limit counter unavailable; failure not counted");
            }
        }
    }

    /// A successful sign-in forgets the email's failures; the address's stay counted.
    pub async fn record_success(&self, keys: &AttemptKeys) {
        if let Some(email) = &keys.email
            && let Err(error) = self.counter.clear(email).await
        {
            tracing::error!(%error, "rate-limit counter unavailable; failures not cleared");
        }
    }

    fn limited<'a>(&self, keys: &'a AttemptKeys) -> impl Iterator<Item = (&'a str, u32)> {
        let email = keys.email.as_deref().map(|k| (k, self.limits.max_per_email));
        let ip = keys.ip.as_deref().map(|k| (k, self.limits.max_per_ip));
        email.into_iter().chain(ip)
    }
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle").field("limits", &self.limits).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{FailureWindow, MockFailureCounter, StoreError};
    use crate::use_cases::test_support::t0;

    fn limits() -> RateLimits {
        RateLimits { window: Duration::seconds(900), max_per_email: 3, max_per_ip: 5 }
    }

    fn keys() -> AttemptKeys {
        AttemptKeys::new(Some(&Email::parse("ada@example.com").unwrap()), Some("203.0.113.9"))
    }

    fn counter_answering(email_failures: u32, ip_failures: u32, ends_at: DateTime<Utc>) -> MockFailureCounter {
        let mut counter = MockFailureCounter::new();
        counter.expect_current().returning(move |key, _| {
            let failures = if key.starts_with("email:") { email_failures } else { ip_failures };
            Ok(Some(FailureWindow { failures, ends_at }))
        });
        counter
    }

    #[tokio::test]
    async fn under_both_limits_passes() {
        let throttle = Throttle::new(Arc::new(counter_answering(2, 4, t0() + Duration::seconds(60))), limits());
        assert_eq!(throttle.check(&keys(), t0()).await, Ok(()));
    }

    #[tokio::test]
    async fn at_the_email_limit_refuses_until_the_window_ends() {
        let throttle = Throttle::new(Arc::new(counter_answering(3, 0, t0() + Duration::seconds(60))), limits());
        assert_eq!(throttle.check(&keys(), t0()).await, Err(Throttled { retry_after: Duration::seconds(60) }));
    }

    #[tokio::test]
    async fn at_the_ip_limit_refuses_any_email() {
        let throttle = Throttle::new(Arc::new(counter_answering(0, 5, t0() + Duration::seconds(30))), limits());
        let other = AttemptKeys::new(Some(&Email::parse("bob@example.com").unwrap()), Some("203.0.113.9"));
        assert_eq!(throttle.check(&other, t0()).await, Err(Throttled { retry_after: Duration::seconds(30) }));
    }

    #[tokio::test]
    async fn an_unreachable_counter_fails_open() {
        let mut counter = MockFailureCounter::new();
        counter.expect_current().returning(|_, _| Err(StoreError::Unavailable("down".into())));
        let throttle = Throttle::new(Arc::new(counter), limits());
        assert_eq!(throttle.check(&keys(), t0()).await, Ok(()));
    }

    #[tokio::test]
    async fn success_clears_the_email_but_not_the_address() {
        let mut counter = MockFailureCounter::new();
        counter.expect_clear().withf(|key| key.starts_with("email:")).times(1).returning(|_| Ok(()));
        Throttle::new(Arc::new(counter), limits()).record_success(&keys()).await;
    }

    #[test]
    fn keys_hide_the_email_and_group_ipv6_by_its_64() {
        let email = Email::parse("ada@example.com").unwrap();
        let a = AttemptKeys::new(Some(&email), Some("2001:db8:1:2:aaaa::1"));
        let b = AttemptKeys::new(None, Some("2001:db8:1:2:ffff::9"));
        assert!(!a.email.as_deref().unwrap().contains("ada"));
        assert_eq!(a.ip, b.ip);
        assert_eq!(a.ip.as_deref(), Some("ip:2001:db8:1:2::/64"));
        assert_eq!(AttemptKeys::new(None, Some("not an ip")).ip, None);
    }
}
