use std::fmt;

use yoshikosan_domain::{ReauthWindow, TokenTtl};
use yoshikosan_persistence::DEFAULT_DATABASE_URL;

use super::environment::Environment;
use super::limits::{rate_limits, redis_url};
use super::mail::mail;
use super::oidc::{oidc_providers, unread_oidc_variables};
use super::passkeys::passkeys;
use super::providers::{discord, google};
use super::settings::{AppEnv, CookieSettings, LogFormat, Settings};
use super::strength::{bcrypt_cost, secret_key};
use super::vars::{Problems, Vars, boolean, http_url, number};

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

/// The environment's problems (from `.env`) are reported with the others, its warnings kept.
pub(super) fn load(environment: Environment) -> Result<Settings, ConfigError> {
    let Environment { vars, problems: earlier, mut warnings } = environment;
    let vars = Vars::new(vars);
    let mut problems = Problems(earlier);
    let get = |name| vars.get(name);

    let env = problems.check(parse_env(get("APP_ENV"))).unwrap_or(AppEnv::Development);
    let production = env == AppEnv::Production;
    let port = problems.check(number("PORT", get("PORT"), 8000u16, 0..=u16::MAX));
    let (secret_key, ephemeral_secret) = problems.check(secret_key(vars.secret("SECRET_KEY"), production)).unzip();
    let ttl_seconds =
        number("ACCESS_TOKEN_TTL", get("ACCESS_TOKEN_TTL"), TokenTtl::DEFAULT_SECONDS, 60..=TokenTtl::MAX_SECONDS);
    let access_token_ttl = problems.check(ttl_seconds).and_then(TokenTtl::from_seconds);
    let reauth_seconds = number(
        "REAUTH_WINDOW_SECS",
        get("REAUTH_WINDOW_SECS"),
        ReauthWindow::DEFAULT_SECONDS,
        ReauthWindow::MIN_SECONDS..=ReauthWindow::MAX_SECONDS,
    );
    let reauth_window = problems.check(reauth_seconds).and_then(ReauthWindow::from_seconds);
    let bcrypt_cost = problems.check(bcrypt_cost(get("BCRYPT_COST"), production));
    let cookie_name = problems.check(cookie_name(get("COOKIE_NAME")));
    let cookie_secure = problems.check(boolean("COOKIE_SECURE", get("COOKIE_SECURE"), production));
    let frontend_url = problems.check(http_url("FRONTEND_URL", get("FRONTEND_URL"), "http://localhost:3000"));
    let public_url = problems.check(http_url("PUBLIC_URL", get("PUBLIC_URL"), "http://localhost:8000"));
    let mut cors_origins = problems.check(origins(get("CORS_ORIGINS")));
    let default_format = if production { LogFormat::Json } else { LogFormat::Pretty };
    let log_format = problems.check(log_format(get("LOG_FORMAT"), default_format));
    let auto_migrate = problems.check(boolean("AUTO_MIGRATE", get("AUTO_MIGRATE"), true));
    let database_url = problems.check(database_url(get("DATABASE_URL")));
    let host = problems.check(host(get("HOST")));
    let database_wait = problems.check(number("DATABASE_WAIT_SECS", get("DATABASE_WAIT_SECS"), 30u64, 0..=3600));
    let trusted_proxies = problems.check(trusted_proxies(get("TRUSTED_PROXIES")));
    let google = problems.check(google(&vars, public_url.as_ref()));
    let discord = problems.check(discord(&vars, public_url.as_ref()));
    let oidc = oidc_providers(&vars, public_url.as_ref(), production, &mut problems);
    warnings.extend(unread_oidc_variables(&vars, &oidc));
    let rate_limits = rate_limits(&vars, &mut problems);
    let redis_url = problems.check(redis_url(get("REDIS_URL")));
    let mail = mail(&vars, frontend_url.as_ref(), &mut problems);

    let frontend_ports = problems.check(frontend_ports(get("FRONTEND_EXTRA_PORTS")));
    // The frontend may always call the API from the browser, and a plain-http one (a local
    // stack) at each port it is served on; behind TLS, pages come from the site's own port.
    if let (Some(url), Some(origins), Some(ports)) = (&frontend_url, cors_origins.as_mut(), &frontend_ports) {
        let ports = if url.scheme() == "http" { ports.as_slice() } else { &[] };
        let mut at_ports = ports.iter().filter_map(|&port| {
            let mut other = url.clone();
            other.set_port(Some(port)).ok()?;
            Some(other.origin().ascii_serialization())
        });
        for origin in std::iter::once(url.origin().ascii_serialization()).chain(&mut at_ports) {
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
    }
    let passkeys = passkeys(&vars, frontend_url.as_ref(), cors_origins.as_ref(), &mut problems);
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
            reauth_window: reauth_window?,
            bcrypt_cost: bcrypt_cost?,
            cookie: CookieSettings {
                name: cookie_name?,
                secure: cookie_secure?,
                domain: get("COOKIE_DOMAIN").map(str::to_owned),
            },
            frontend_url: frontend_url?,
            public_url: public_url?,
            cors_origins: cors_origins?,
            log_format: log_format?,
            log_filter: get("RUST_LOG").map(str::to_owned),
            auto_migrate: auto_migrate?,
            trusted_proxies: trusted_proxies?,
            google: google?,
            discord: discord?,
            oidc,
            rate_limits: rate_limits?,
            redis_url: redis_url?,
            mail: mail?,
            passkeys: passkeys?,
            read_warnings: Vec::new(),
        })
    })();
    problems.0.extend(vars.conflicts());
    match settings {
        Some(settings) if problems.0.is_empty() => Ok(Settings { read_warnings: warnings, ..settings }),
        // What reading noticed often explains a problem (an unset `$NAME` left a URL empty).
        _ => Err(ConfigError(
            problems.0.into_iter().chain(warnings.into_iter().map(|w| format!("(warning) {w}"))).collect(),
        )),
    }
}

fn parse_env(value: Option<&str>) -> Result<AppEnv, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("development" | "dev") => Ok(AppEnv::Development),
        Some("production" | "prod") => Ok(AppEnv::Production),
        Some(other) => Err(format!("APP_ENV must be development or production, not {other:?}")),
    }
}

/// An address to listen on: an IP (the service binds it before anything else, but a typo should
/// be reported with every other problem, not alone after them).
fn host(value: Option<&str>) -> Result<String, String> {
    let host = value.unwrap_or("0.0.0.0");
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if host == "localhost" || literal.parse::<std::net::IpAddr>().is_ok() {
        Ok(literal.to_owned())
    } else {
        Err(format!("HOST must be an IP address to listen on, like 0.0.0.0 or 127.0.0.1, not {host:?}"))
    }
}

/// PostgreSQL or SQLite, the two databases the service is built for.
fn database_url(value: Option<&str>) -> Result<String, String> {
    let url = value.unwrap_or(DEFAULT_DATABASE_URL).to_owned();
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("postgres" | "postgresql") if url::Url::parse(&url).is_ok_and(|u| u.has_host()) => Ok(url),
        Some("sqlite") => Ok(url),
        Some("postgres" | "postgresql") => {
            Err("DATABASE_URL must name a host, like postgres://user:password@host:5432/db".to_owned())
        }
        // Never the value: a libpq string (`host=db password=…`) or a typo may hold a password.
        _ => Err("DATABASE_URL must be a postgres:// or sqlite: URL (its value is not shown: it may hold a password)"
            .to_owned()),
    }
}

fn cookie_name(value: Option<&str>) -> Result<String, String> {
    let name = value.unwrap_or("access_token").to_owned();
    // RFC 6265 cookie-name is an HTTP token.
    let valid = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("__host-") || lower.starts_with("__secure-") {
        return Err(format!(
            "COOKIE_NAME must not start with __Host- or __Secure- ({name:?}): the service adds __Host- itself when \
             cookies are Secure and COOKIE_DOMAIN is unset"
        ));
    }
    if valid {
        Ok(name)
    } else {
        Err(format!("COOKIE_NAME must be a cookie token (letters, digits, -_.), not {name:?}"))
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

/// Other ports on `FRONTEND_URL`'s host that serve the same site (the stack publishes two).
fn frontend_ports(value: Option<&str>) -> Result<Vec<u16>, String> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let ports = value.split(',').map(str::trim).filter(|s| !s.is_empty());
    ports
        .map(|port| match port.parse::<u16>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("FRONTEND_EXTRA_PORTS must be comma-separated port numbers, not {port:?}")),
        })
        .collect()
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
