//! The typed settings the service runs with.

use std::fmt;

use secrecy::SecretString;
use yoshikosan_domain::{RateLimits, ReauthWindow, TokenTtl};
use yoshikosan_oauth::{ConfiguredOidcSettings, DiscordSettings, GoogleSettings};

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
    /// What reading the environment noticed (in any environment): a `$VAR` in `.env` that
    /// nothing sets, say.
    pub read_warnings: Vec<String>,
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
    /// How old a session's proof of identity may be for a change to how the account signs in.
    pub reauth_window: ReauthWindow,
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
    /// The OpenID Connect providers of OIDC_PROVIDERS, in its order.
    pub oidc: Vec<ConfiguredOidcSettings>,
    pub rate_limits: RateLimits,
    /// Where instances share their rate-limit counts; in memory when unset.
    pub redis_url: Option<SecretString>,
    pub mail: super::MailSettings,
    pub passkeys: super::PasskeySettings,
}

impl Settings {
    /// Whether links by mail are offered: with an SMTP server, or in development (to the log).
    pub fn email_links(&self) -> bool {
        self.mail.smtp_url.is_some() || self.env == AppEnv::Development
    }

    pub fn bind_address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
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
