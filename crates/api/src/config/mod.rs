//! Typed settings from the environment (and `.env`), validated once at start-up with every
//! problem reported together.

mod dotenv;
mod environment;
mod interpolate;
mod limits;
mod mail;
mod oidc;
mod parse;
mod passkeys;
mod providers;
mod settings;
mod strength;
mod summary;
mod vars;
mod warnings;

use std::path::Path;

use environment::merge;
pub use environment::{DOTENV, Environment, environment};
pub use mail::MailSettings;
pub use oidc::DEFAULT_SCOPES;
pub use parse::ConfigError;
pub use passkeys::PasskeySettings;
pub use providers::BUILT_IN_PROVIDERS;
pub use settings::{AppEnv, CookieSettings, LogFormat, Settings};
pub use summary::redact_password;

impl Settings {
    /// Reads the process environment and `.env` in the working directory, when there is one.
    pub fn from_env() -> Result<Self, ConfigError> {
        parse::load(environment(Path::new(DOTENV)))
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
        parse::load(merge(process, Some(dotenv.to_owned()), DOTENV))
    }

    /// Reads the given variables only, as if they were the whole environment.
    pub fn from_vars<I, K, V>(vars: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        parse::load(Environment { vars, ..Environment::default() })
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod name_tests;

#[cfg(test)]
mod mail_tests;
