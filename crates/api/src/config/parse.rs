use std::fmt;

use serde::Deserialize;
use yoshikosan_domain::TokenTtl;
use yoshikosan_persistence::DEFAULT_DATABASE_URL;

use super::limits::{rate_limits, redis_url};
use super::providers::{discord, google};
use super::strength::{bcrypt_cost, secret_key};
use super::{AppEnv, CookieSettings, LogFormat, Settings};

/// Every invalid or missing variable, one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.0.len())?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// The variables as text; [`load`] turns them into typed [`Settings`].
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Raw {
    pub(super) app_env: Option<String>,
    pub(super) host: Option<String>,
    pub(super) port: Option<String>,
    pub(super) database_url: Option<String>,
    pub(super) database_wait_secs: Option<String>,
    pub(super) secret_key: Option<String>,
    pub(super) access_token_ttl: Option<String>,
    pub(super) bcrypt_cost: Option<String>,
    pub(super) cookie_name: Option<String>,
    pub(super) cookie_secure: Option<String>,
    pub(super) cookie_domain: Option<String>,
    pub(super) frontend_url: Option<String>,
    pub(super) public_url: Option<String>,
    pub(super) cors_origins: Option<String>,
    pub(super) log_format: Option<String>,
    pub(super) rust_log: Option<String>,
    pub(super) auto_migrate: Option<String>,
    pub(super) trusted_proxies: Option<String>,
    pub(super) google_client_id: Option<String>,
    pub(super) google_client_secret: Option<String>,
    pub(super) google_issuer_url: Option<String>,
    pub(super) discord_client_id: Option<String>,
    pub(super) discord_client_secret: Option<String>,
    pub(super) discord_auth_url: Option<String>,
    pub(super) discord_token_url: Option<String>,
    pub(super) discord_api_url: Option<String>,
    pub(super) rate_limit_window_secs: Option<String>,
    pub(super) rate_limit_max_per_email: Option<String>,
    pub(super) rate_limit_max_per_ip: Option<String>,
    pub(super) redis_url: Option<String>,
}

/// Collects problems while parsing, so that all of them are reported at once.
#[derive(Default)]
pub(super) struct Problems(Vec<String>);

impl Problems {
    pub(super) fn check<T>(&mut self, result: Result<T, String>) -> Option<T> {
        result.map_err(|problem| self.0.push(problem)).ok()
    }
}

/// `earlier` are problems found before (in `.env`), reported with the others.
pub(super) fn load(source: config::Environment, earlier: Vec<String>) -> Result<Settings, ConfigError> {
    let raw: Raw =
        config::Config::builder().add_source(source).build().and_then(config::Config::try_deserialize).map_err(
            |e| ConfigError([earlier.clone(), vec![format!("could not read the environment: {e}")]].concat()),
        )?;
    let mut raw = raw.non_empty();
    let mut problems = Problems(earlier);

    let env = problems.check(parse_env(raw.app_env.as_deref())).unwrap_or(AppEnv::Development);
    let production = env == AppEnv::Production;
    let port = problems.check(number("PORT", raw.port.as_deref(), 8000u16, 0..=u16::MAX));
    let (secret_key, ephemeral_secret) = problems.check(secret_key(raw.secret_key.take(), production)).unzip();
    let ttl_seconds = number(
        "ACCESS_TOKEN_TTL",
        raw.access_token_ttl.as_deref(),
        TokenTtl::DEFAULT_SECONDS,
        60..=TokenTtl::MAX_SECONDS,
    );
    let access_token_ttl = problems.check(ttl_seconds).and_then(TokenTtl::from_seconds);
    let bcrypt_cost = problems.check(bcrypt_cost(raw.bcrypt_cost.as_deref(), production));
    let cookie_name = problems.check(cookie_name(raw.cookie_name.take()));
    let cookie_secure = problems.check(boolean("COOKIE_SECURE", raw.cookie_secure.as_deref(), production));
    let frontend_url = problems.check(http_url("FRONTEND_URL", raw.frontend_url.as_deref(), "http://localhost:3000"));
    let public_url = problems.check(http_url("PUBLIC_URL", raw.public_url.as_deref(), "http://localhost:8000"));
    let mut cors_origins = problems.check(origins(raw.cors_origins.as_deref()));
    let default_format = if production { LogFormat::Json } else { LogFormat::Pretty };
    let log_format = problems.check(log_format(raw.log_format.as_deref(), default_format));
    let auto_migrate = problems.check(boolean("AUTO_MIGRATE", raw.auto_migrate.as_deref(), true));
    let database_url = problems.check(database_url(raw.database_url.take()));
    let host = problems.check(host(raw.host.take()));
    let database_wait =
        problems.check(number("DATABASE_WAIT_SECS", raw.database_wait_secs.as_deref(), 30u64, 0..=3600));

    let trusted_proxies = problems.check(trusted_proxies(raw.trusted_proxies.as_deref()));
    let callback = |provider: &str| {
        public_url.as_ref().map(|url| format!("{}/api/auth/callback/{provider}", url.as_str().trim_end_matches('/')))
    };
    let google = problems.check(google(&mut raw, callback("google")));
    let discord = problems.check(discord(&mut raw, callback("discord")));
    let rate_limits = rate_limits(&raw, &mut problems);
    let redis_url = problems.check(redis_url(raw.redis_url.take()));

    // The frontend may always call the API from the browser.
    if let (Some(url), Some(origins)) = (&frontend_url, cors_origins.as_mut()) {
        let origin = url.origin().ascii_serialization();
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    let settings = (|| {
        Some(Settings {
            env,
            host: host?,
            port: port?,
            database_url: database_url?,
            database_wait: std::time::Duration::from_secs(database_wait?),
            secret_key: secret_key?,
            ephemeral_secret: ephemeral_secret?,
            access_token_ttl: access_token_ttl?,
            bcrypt_cost: bcrypt_cost?,
            cookie: CookieSettings { name: cookie_name?, secure: cookie_secure?, domain: raw.cookie_domain },
            frontend_url: frontend_url?,
            public_url: public_url?,
            cors_origins: cors_origins?,
            log_format: log_format?,
            log_filter: raw.rust_log,
            auto_migrate: auto_migrate?,
            trusted_proxies: trusted_proxies?,
            google: google?,
            discord: discord?,
            rate_limits: rate_limits?,
            redis_url: redis_url?,
        })
    })();
    match settings {
        Some(settings) if problems.0.is_empty() => Ok(settings),
        _ => Err(ConfigError(problems.0)),
    }
}

impl Raw {
    /// An empty variable (`FOO=` in `.env`) means "not set".
    fn non_empty(self) -> Self {
        let keep = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        Self {
            app_env: keep(self.app_env),
            host: keep(self.host),
            port: keep(self.port),
            database_url: keep(self.database_url),
            database_wait_secs: keep(self.database_wait_secs),
            secret_key: self.secret_key.filter(|s| !s.is_empty()),
            access_token_ttl: keep(self.access_token_ttl),
            bcrypt_cost: keep(self.bcrypt_cost),
            cookie_name: keep(self.cookie_name),
            cookie_secure: keep(self.cookie_secure),
            cookie_domain: keep(self.cookie_domain),
            frontend_url: keep(self.frontend_url),
            public_url: keep(self.public_url),
            cors_origins: keep(self.cors_origins),
            log_format: keep(self.log_format),
            rust_log: keep(self.rust_log),
            auto_migrate: keep(self.auto_migrate),
            trusted_proxies: keep(self.trusted_proxies),
            google_client_id: keep(self.google_client_id),
            google_client_secret: keep(self.google_client_secret),
            google_issuer_url: keep(self.google_issuer_url),
            discord_client_id: keep(self.discord_client_id),
            discord_client_secret: keep(self.discord_client_secret),
            discord_auth_url: keep(self.discord_auth_url),
            discord_token_url: keep(self.discord_token_url),
            discord_api_url: keep(self.discord_api_url),
            rate_limit_window_secs: keep(self.rate_limit_window_secs),
            rate_limit_max_per_email: keep(self.rate_limit_max_per_email),
            rate_limit_max_per_ip: keep(self.rate_limit_max_per_ip),
            redis_url: keep(self.redis_url),
        }
    }
}

fn parse_env(value: Option<&str>) -> Result<AppEnv, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("development" | "dev") => Ok(AppEnv::Development),
        Some("production" | "prod") => Ok(AppEnv::Production),
        Some(other) => Err(format!("APP_ENV must be development or production, not {other:?}")),
    }
}

pub(super) fn number<T>(
    name: &str,
    value: Option<&str>,
    default: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
{
    let Some(value) = value else { return Ok(default) };
    match value.parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!("{name} must be a whole number from {} to {}, not {value:?}", range.start(), range.end())),
    }
}

fn boolean(name: &str, value: Option<&str>, default: bool) -> Result<bool, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(format!("{name} must be true or false, not {other:?}")),
    }
}

/// An address to listen on: an IP (the service binds it before anything else, but a typo should
/// be reported with every other problem, not alone after them).
fn host(value: Option<String>) -> Result<String, String> {
    let host = value.unwrap_or_else(|| "0.0.0.0".to_owned());
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if host == "localhost" || literal.parse::<std::net::IpAddr>().is_ok() {
        Ok(literal.to_owned())
    } else {
        Err(format!("HOST must be an IP address to listen on, like 0.0.0.0 or 127.0.0.1, not {host:?}"))
    }
}

/// PostgreSQL or SQLite, the two databases the service is built for.
fn database_url(value: Option<String>) -> Result<String, String> {
    let url = value.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") if url::Url::parse(&url).is_ok_and(|u| u.has_host()) => Ok(url),
        Some("sqlite") => Ok(url),
        Some("postgres" | "postgresql") => {
            Err("DATABASE_URL must name a host, like postgres://user:password@host:5432/db".to_owned())
        }
        _ => Err(format!(
            "DATABASE_URL must be a postgres:// or sqlite: URL, not {:?}",
            super::redact_password(&url)
        )),
    }
}

fn cookie_name(value: Option<String>) -> Result<String, String> {
    let name = value.unwrap_or_else(|| "access_token".to_owned());
    // RFC 6265 cookie-name is an HTTP token.
    let valid = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if valid {
        Ok(name)
    } else {
        Err(format!("COOKIE_NAME must be a cookie token (letters, digits, -_.), not {name:?}"))
    }
}

pub(super) fn http_url(name: &str, value: Option<&str>, default: &str) -> Result<url::Url, String> {
    let text = value.unwrap_or(default);
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(format!("{name} must be an absolute http(s) URL, not {text:?}")),
    }
}

fn origins(value: Option<&str>) -> Result<Vec<String>, String> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let mut origins = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let url = http_url("CORS_ORIGINS", Some(item), "")?;
        let origin = url.origin().ascii_serialization();
        if url.path() != "/" || url.query().is_some() || item.trim_end_matches('/') != origin {
            return Err(format!("CORS_ORIGINS entries must be origins like https://app.example.com, not {item:?}"));
        }
        origins.push(origin);
    }
    Ok(origins)
}

fn log_format(value: Option<&str>, default: LogFormat) -> Result<LogFormat, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("json") => Ok(LogFormat::Json),
        Some("pretty" | "text") => Ok(LogFormat::Pretty),
        Some(other) => Err(format!("LOG_FORMAT must be json or pretty, not {other:?}")),
    }
}

/// Comma-separated IPs and CIDRs; a bare IP is a one-address network.
fn trusted_proxies(value: Option<&str>) -> Result<Vec<ipnet::IpNet>, String> {
    let Some(value) = value else { return Ok(Vec::new()) };
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("TRUSTED_PROXIES entries must be IPs or CIDRs like 10.0.0.0/8, not {item:?}"))
        })
        .collect()
}
