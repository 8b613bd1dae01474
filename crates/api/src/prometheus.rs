//! The process's Prometheus recorder, and what the API records in it. Names carry the
//! `yoshikosan_` prefix and their unit; every label takes values from a fixed set (route
//! patterns, not paths), so no client can grow the number of series.

use std::sync::OnceLock;
use std::time::Duration;

use actix_web::http::Method;
use metrics::{Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use yoshikosan_domain::use_cases::{CompleteOAuthError, OAuthErrorCode};
use yoshikosan_persistence::PoolStats;
use yoshikosan_security::{HASH_QUEUE_WAIT_SECONDS, HASHES_IN_FLIGHT};

use crate::error::ApiError;

/// Where the metrics are served; its own scrapes are not counted.
pub const METRICS_PATH: &str = "/metrics";

pub const HTTP_REQUESTS: &str = "yoshikosan_http_requests_total";
pub const HTTP_REQUEST_DURATION: &str = "yoshikosan_http_request_duration_seconds";
pub const SIGN_INS: &str = "yoshikosan_sign_ins_total";
pub const REGISTRATIONS: &str = "yoshikosan_registrations_total";
pub const RATE_LIMITED: &str = "yoshikosan_rate_limited_total";
pub const ACCESS_LOG_DROPPED: &str = "yoshikosan_access_log_dropped_total";
pub const DATABASE_UP: &str = "yoshikosan_database_up";
pub const DATABASE_CONNECTIONS: &str = "yoshikosan_database_pool_connections";
pub const DATABASE_IDLE_CONNECTIONS: &str = "yoshikosan_database_pool_idle_connections";
pub const DATABASE_MAX_CONNECTIONS: &str = "yoshikosan_database_pool_max_connections";

/// The `route` of requests no route took: a fixed value, whatever path was asked for.
pub const UNMATCHED: &str = "unmatched";

/// Finer at the bottom: an idle pool hands out a core in microseconds.
const QUEUE_BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Histogram samples are buffered until drained: drained this often even if nobody scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The recorder behind `/metrics`, installed on first use. The `metrics` macros write to one
/// global recorder, so every application in the process (tests start many) shares it.
pub fn handle() -> PrometheusHandle {
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let recorder = builder().build_recorder();
    let handle = recorder.handle();
    if let Err(error) = metrics::set_global_recorder(recorder) {
        tracing::warn!(%error, "another metrics recorder is installed: /metrics will show nothing");
    }
    describe();
    let upkeep = handle.clone();
    // A thread, not a task: it must outlive whichever runtime happened to install the recorder.
    let spawned = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(move || {
        loop {
            std::thread::sleep(UPKEEP_EVERY);
            upkeep.run_upkeep();
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "no metrics upkeep thread: histograms are drained at scrapes only");
    }
    handle
}

/// Settings here do not reach the request counter and histogram, which
/// [`crate::http::request_metrics`] keeps and writes itself.
fn builder() -> PrometheusBuilder {
    let queue = Matcher::Full(HASH_QUEUE_WAIT_SECONDS.to_owned());
    let buckets = PrometheusBuilder::new().set_buckets_for_metric(queue, &QUEUE_BUCKETS);
    // Only an empty list is refused; without buckets histograms would render as summaries.
    buckets.unwrap_or_else(|error| {
        tracing::warn!(%error, "histogram buckets refused");
        PrometheusBuilder::new()
    })
}

fn describe() {
    describe_counter!(SIGN_INS, "Sign-in attempts by method (password, passkey, a provider id) and result");
    describe_counter!(REGISTRATIONS, "Email/password registrations by result");
    describe_counter!(RATE_LIMITED, "Requests refused with 429, by route pattern");
    describe_counter!(ACCESS_LOG_DROPPED, "Access-log lines dropped because their writer fell behind");
    describe_histogram!(HASH_QUEUE_WAIT_SECONDS, Unit::Seconds, "Time a bcrypt hash waited for a free core");
    describe_gauge!(HASHES_IN_FLIGHT, "bcrypt hashes running now (at most one per core)");
    describe_gauge!(DATABASE_UP, "1 if the database answered SELECT 1 within 2 s at the last check, else 0");
    describe_gauge!(DATABASE_CONNECTIONS, "Open database connections, idle or in use");
    describe_gauge!(DATABASE_IDLE_CONNECTIONS, "Idle database connections");
    describe_gauge!(DATABASE_MAX_CONNECTIONS, "The database pool's connection limit");
}

/// 429s are counted apart as well, being what the rate limits refused.
pub fn record_rate_limited(route: &str) {
    counter!(RATE_LIMITED, "route" => route.to_owned()).increment(1);
}

/// Methods outside the standard ones are one value: a client may send any token as a method.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `method` is `password`, `google` or `discord`; `result` one of [`SignInResult`]'s values.
/// `method` is `password` or a configured provider's id: the registry bounds the label's values.
pub fn record_sign_in(method: &str, result: SignInResult) {
    counter!(SIGN_INS, "method" => method.to_owned(), "result" => result.as_str()).increment(1);
}

pub fn record_registration(result: SignInResult) {
    counter!(REGISTRATIONS, "result" => result.as_str()).increment(1);
}

/// The access log's own count, as of now.
pub fn record_access_log_dropped(lines: u64) {
    counter!(ACCESS_LOG_DROPPED).absolute(lines);
}

pub fn record_database_up(up: bool) {
    gauge!(DATABASE_UP).set(if up { 1.0 } else { 0.0 });
}

pub fn record_pool(stats: PoolStats) {
    gauge!(DATABASE_CONNECTIONS).set(f64::from(stats.size));
    gauge!(DATABASE_IDLE_CONNECTIONS).set(f64::from(stats.idle));
    gauge!(DATABASE_MAX_CONNECTIONS).set(f64::from(stats.max));
}

/// How a sign-in or registration ended: the `result` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInResult {
    Success,
    /// Wrong email or password.
    InvalidCredentials,
    /// Registration: the email has an account.
    EmailTaken,
    /// Fields the domain refused (422).
    InvalidRequest,
    RateLimited,
    /// OAuth: the user declined at the provider.
    Denied,
    /// OAuth: a missing, expired, reused or foreign `state`.
    InvalidState,
    /// OAuth: the provider failed or gave no email.
    ProviderError,
    /// OAuth: the provider's email matches an account but is unverified.
    EmailNotVerified,
    /// OAuth: an identity the account's owner unlinked, refused by the email rules.
    IdentityUnlinked,
    /// OAuth: a link made under another issuer than the provider's current one.
    IssuerChanged,
    /// Passkey: the authenticator's answer failed a check.
    PasskeyRejected,
    /// Passkey: a ceremony unknown, expired, finished or another's.
    InvalidCeremony,
    /// The database could not be reached (503).
    Unavailable,
    /// Anything else (500).
    Error,
}

impl SignInResult {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::InvalidCredentials => "invalid_credentials",
            Self::EmailTaken => "email_taken",
            Self::InvalidRequest => "invalid_request",
            Self::RateLimited => "rate_limited",
            Self::Denied => "denied",
            Self::InvalidState => "invalid_state",
            Self::ProviderError => "provider_error",
            Self::EmailNotVerified => "email_not_verified",
            Self::IdentityUnlinked => "identity_unlinked",
            Self::IssuerChanged => "issuer_changed",
            Self::PasskeyRejected => "passkey_rejected",
            Self::InvalidCeremony => "invalid_ceremony",
            Self::Unavailable => "unavailable",
            Self::Error => "error",
        }
    }

    /// A failed OAuth sign-in, by the failure's code; `None` for the refusals that only link
    /// flows meet.
    pub fn of_oauth(error: &CompleteOAuthError) -> Option<Self> {
        // The browser is told `unavailable` either way; operators tell an outage from a bug.
        if let CompleteOAuthError::Infrastructure(cause) = error
            && !cause.is_transient()
        {
            return Some(Self::Error);
        }
        Some(match error.code() {
            OAuthErrorCode::AccessDenied => Self::Denied,
            OAuthErrorCode::InvalidState => Self::InvalidState,
            OAuthErrorCode::ProviderError => Self::ProviderError,
            OAuthErrorCode::EmailNotVerified => Self::EmailNotVerified,
            OAuthErrorCode::IdentityUnlinked => Self::IdentityUnlinked,
            OAuthErrorCode::IssuerChanged => Self::IssuerChanged,
            OAuthErrorCode::Unavailable => Self::Unavailable,
            // Failures of flows started on the account page, which are not sign-ins.
            OAuthErrorCode::SessionExpired
            | OAuthErrorCode::AlreadyLinked
            | OAuthErrorCode::ReauthenticationFailed
            | OAuthErrorCode::ReauthenticationRequired => return None,
        })
    }
}

impl From<&ApiError> for SignInResult {
    fn from(error: &ApiError) -> Self {
        match error {
            ApiError::InvalidCredentials => Self::InvalidCredentials,
            ApiError::EmailTaken => Self::EmailTaken,
            ApiError::Validation(_) | ApiError::BadRequest(_) => Self::InvalidRequest,
            ApiError::RateLimited(_) => Self::RateLimited,
            ApiError::PasskeyRejected => Self::PasskeyRejected,
            ApiError::InvalidCeremony => Self::InvalidCeremony,
            ApiError::Unavailable(_) => Self::Unavailable,
            _ => Self::Error,
        }
    }
}

#[cfg(test)]
mod tests {
    use yoshikosan_domain::ports::StoreError;

    use super::*;

    #[test]
    fn methods_outside_the_standard_ones_share_one_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }

    #[test]
    fn api_errors_map_to_the_documented_results() {
        assert_eq!(SignInResult::from(&ApiError::InvalidCredentials).as_str(), "invalid_credentials");
        assert_eq!(SignInResult::from(&ApiError::RateLimited(60)).as_str(), "rate_limited");
        assert_eq!(SignInResult::from(&ApiError::Validation(Vec::new())).as_str(), "invalid_request");
        assert_eq!(SignInResult::from(&ApiError::Unavailable(String::new())).as_str(), "unavailable");
        assert_eq!(SignInResult::from(&ApiError::Internal(String::new().into())).as_str(), "error");
    }

    #[test]
    fn link_only_refusals_are_not_sign_in_results() {
        assert_eq!(SignInResult::of_oauth(&CompleteOAuthError::AccessDenied), Some(SignInResult::Denied));
        assert_eq!(SignInResult::of_oauth(&CompleteOAuthError::AlreadyLinked), None);
        let outage = CompleteOAuthError::from(StoreError::Unavailable("refused".into()));
        assert_eq!(SignInResult::of_oauth(&outage), Some(SignInResult::Unavailable));
        let bug = CompleteOAuthError::from(StoreError::Unexpected("no such column".into()));
        assert_eq!(SignInResult::of_oauth(&bug), Some(SignInResult::Error));
    }
}
