//! The rate limits on failed sign-ins and registrations, and where their counts are kept.

use chrono::Duration;
use secrecy::SecretString;
use yoshikosan_domain::RateLimits;

use super::parse::{Raw, number};

pub(super) fn rate_limits(raw: &Raw) -> Result<RateLimits, Vec<String>> {
    let defaults = RateLimits::default();
    let window = number(
        "RATE_LIMIT_WINDOW_SECS",
        raw.rate_limit_window_secs.as_deref(),
        defaults.window.num_seconds(),
        1..=7 * 24 * 3600,
    );
    let per_email = number(
        "RATE_LIMIT_MAX_PER_EMAIL",
        raw.rate_limit_max_per_email.as_deref(),
        defaults.max_per_email,
        1..=1_000_000,
    );
    let per_ip =
        number("RATE_LIMIT_MAX_PER_IP", raw.rate_limit_max_per_ip.as_deref(), defaults.max_per_ip, 1..=1_000_000);
    match (window, per_email, per_ip) {
        (Ok(window), Ok(max_per_email), Ok(max_per_ip)) => {
            Ok(RateLimits { window: Duration::seconds(window), max_per_email, max_per_ip })
        }
        (window, per_email, per_ip) => {
            Err([window.err(), per_email.err(), per_ip.err()].into_iter().flatten().collect())
        }
    }
}

/// A `redis://`, `rediss://` (TLS) or `redis+unix://` URL; it may hold a password, so it is kept secret.
pub(super) fn redis_url(value: Option<String>) -> Result<Option<SecretString>, String> {
    let Some(value) = value else { return Ok(None) };
    match url::Url::parse(&value) {
        Ok(url) if matches!(url.scheme(), "redis" | "rediss" | "redis+unix" | "unix") => {
            Ok(Some(SecretString::from(value)))
        }
        _ => Err("REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379".to_owned()),
    }
}
