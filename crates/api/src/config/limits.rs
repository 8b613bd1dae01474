//! The rate limits on failed sign-ins and registrations, and where their counts are kept.

use chrono::Duration;
use secrecy::SecretString;
use yoshikosan_domain::RateLimits;

use super::vars::{Problems, Vars, number};

pub(super) fn rate_limits(vars: &Vars, problems: &mut Problems) -> Option<RateLimits> {
    let defaults = RateLimits::default();
    let limit = |name, default| number(name, vars.get(name), default, 1..=1_000_000);
    let window_name = "RATE_LIMIT_WINDOW_SECS";
    let window = problems.check(number(window_name, vars.get(window_name), defaults.window.num_seconds(), 1..=604_800));
    let max_per_email = problems.check(limit("RATE_LIMIT_MAX_PER_EMAIL", defaults.max_per_email));
    let max_per_ip = problems.check(limit("RATE_LIMIT_MAX_PER_IP", defaults.max_per_ip));
    Some(RateLimits { window: Duration::seconds(window?), max_per_email: max_per_email?, max_per_ip: max_per_ip? })
}

/// A `redis://`, `rediss://` (TLS) or `redis+unix://` URL; it may hold a password, so it is kept secret.
pub(super) fn redis_url(value: Option<&str>) -> Result<Option<SecretString>, String> {
    let Some(value) = value else { return Ok(None) };
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "redis" | "rediss" | "redis+unix" | "unix") => {
            Ok(Some(SecretString::from(value)))
        }
        _ => Err("REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379".to_owned()),
    }
}
