//! The rate limits on failed sign-ins and registrations, and where their counts are kept.

use chrono::Duration;
use secrecy::SecretString;
use yoshikosan_domain::RateLimits;

use super::parse::{Problems, Raw, number};

pub(super) fn rate_limits(raw: &Raw, problems: &mut Problems) -> Option<RateLimits> {
    let defaults = RateLimits::default();
    let (window, email, ip) = (&raw.rate_limit_window_secs, &raw.rate_limit_max_per_email, &raw.rate_limit_max_per_ip);
    let limit = 1..=1_000_000;
    let window =
        problems.check(number("RATE_LIMIT_WINDOW_SECS", window.as_deref(), defaults.window.num_seconds(), 1..=604_800));
    let max_per_email =
        problems.check(number("RATE_LIMIT_MAX_PER_EMAIL", email.as_deref(), defaults.max_per_email, limit.clone()));
    let max_per_ip = problems.check(number("RATE_LIMIT_MAX_PER_IP", ip.as_deref(), defaults.max_per_ip, limit));
    Some(RateLimits { window: Duration::seconds(window?), max_per_email: max_per_email?, max_per_ip: max_per_ip? })
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
