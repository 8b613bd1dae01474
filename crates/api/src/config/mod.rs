//! Typed settings from the environment (and `.env`), validated once at start-up with every
//! problem reported together.

mod limits;
mod parse;
mod providers;

use std::fmt;

use secrecy::SecretString;
use yoshikosan_domain::{RateLimits, TokenTtl};
use yoshikosan_oauth::{DiscordSettings, GoogleSettings};

pub use parse::ConfigError;

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
    /// Reads the process environment; call `dotenvy::dotenv()` first to include `.env`.
    pub fn from_env() -> Result<Self, ConfigError> {
        parse::load(config::Environment::default())
    }

    /// Reads the given variables only, as if they were the whole environment.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map = vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        parse::load(config::Environment::default().source(Some(map)))
    }

    pub fn bind_address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
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
