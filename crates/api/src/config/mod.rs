//! Typed settings from the environment (and `.env`), validated once at start-up with every
//! problem reported together.

mod dotenv;
mod interpolate;
mod limits;
mod parse;
mod providers;
mod strength;
mod summary;
mod warnings;

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use secrecy::SecretString;
use yoshikosan_domain::{RateLimits, TokenTtl};
use yoshikosan_oauth::{DiscordSettings, GoogleSettings};

pub use parse::ConfigError;
pub use summary::redact_password;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone)]
pub struct CookieSettings {
    pub name: String,
    pub secure: bool,
    pub domain: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub env: AppEnv,
    pub host: String,
    pub port: u16,
    pub database_url: String,
    /// How long start-up retries an unreachable database before giving up.
    pub database_wait: std::time::Duration,
    pub secret_key: SecretString,
    /// True when no SECRET_KEY was given in development and a random one is used: tokens die
    /// with the process.
    pub ephemeral_secret: bool,
    pub access_token_ttl: TokenTtl,
    pub bcrypt_cost: u32,
    pub cookie: CookieSettings,
    pub frontend_url: url::Url,
    pub public_url: url::Url,
    /// Browser origins allowed to call the API with credentials, FRONTEND_URL's included.
    pub cors_origins: Vec<String>,
    pub log_format: LogFormat,
    /// RUST_LOG's directives; `info` when unset.
    pub log_filter: Option<String>,
    pub auto_migrate: bool,
    /// Proxies whose `X-Forwarded-For` is believed (nginx, a load balancer).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Set when GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET are.
    pub google: Option<GoogleSettings>,
    /// Set when DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET are.
    pub discord: Option<DiscordSettings>,
    pub rate_limits: RateLimits,
    /// Where instances share their rate-limit counts; in memory when unset.
    pub redis_url: Option<SecretString>,
}

impl Settings {
    /// Reads the process environment and `.env` in the working directory, when there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        let (vars, problems) = environment(Path::new(DOTENV));
        parse::load(config::Environment::default().source(Some(vars)), problems)
    }

    /// As [`Settings::from_env`], from the given environment and `.env` text: the service's
    /// start-up without touching the process.
    pub fn from_env_and_dotenv<I, K, V>(vars: I, dotenv: &str) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let process = vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let (vars, problems) = merge(process, Some(dotenv.to_owned()), DOTENV);
        parse::load(config::Environment::default().source(Some(vars)), problems)
    }

    /// Reads the given variables only, as if they were the whole environment.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        parse::load(config::Environment::default().source(Some(map)), Vec::new())
    }

    pub fn bind_address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The file read besides the environment, from the working directory.
pub const DOTENV: &str = ".env";

/// The process environment with the variables of the `.env` file at `path` that it does not
/// set itself, and the lines of that file that could not be read (any of which makes the
/// configuration invalid: it is never used half read).
pub fn environment(path: &Path) -> (HashMap<String, String>, Vec<String>) {
    // Variables whose name or value is not Unicode cannot be settings: left out.
    let process =
        std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect();
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => merge(process, Some(text), &shown),
            Err(_) => (process, vec![format!("{shown} could not be read: it is not UTF-8 text")]),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => merge(process, None, &shown),
        Err(error) => (process, vec![format!("{shown} could not be read: {error}")]),
    }
}

fn merge(
    mut process: HashMap<String, String>,
    dotenv: Option<String>,
    shown: &str,
) -> (HashMap<String, String>, Vec<String>) {
    let Some(text) = dotenv else { return (process, Vec::new()) };
    let (vars, problems) = dotenv::parse(&text, &|name| process.get(name).cloned());
    // A name set twice in the file takes its last value.
    let vars: HashMap<String, String> = vars.into_iter().collect();
    for (key, value) in vars {
        // The process environment wins over the file.
        process.entry(key).or_insert(value);
    }
    // The lines that were read still count, so that every other problem is reported too.
    (process, problems.into_iter().map(|p| format!("{shown} {p}")).collect())
}

impl fmt::Display for AppEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Development => "development",
            Self::Production => "production",
        })
    }
}

#[cfg(test)]
mod tests;
