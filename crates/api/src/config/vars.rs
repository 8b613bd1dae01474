//! The environment as text, and the parsers every setting shares. The leaf of the config
//! module: the typed settings are built from here, never the other way round.

use std::collections::HashMap;
use std::fmt;

/// Every variable by name, as text.
#[derive(Debug)]
pub(super) struct Vars(HashMap<String, String>);

impl Vars {
    /// Read through the `config` crate's environment source (which lower-cases names). Only
    /// text values are kept: a variable whose name the crate reads as a path (`foo.bar`, set
    /// by some other program) is none of the service's and must not stop it.
    pub(super) fn read(source: config::Environment) -> Result<Self, String> {
        let values = config::Config::builder()
            .add_source(source)
            .build()
            .and_then(config::Config::try_deserialize::<HashMap<String, config::Value>>)
            .map_err(|e| format!("could not read the environment: {e}"))?;
        let text = values.into_iter().filter_map(|(name, value)| Some((name, value.into_string().ok()?)));
        Ok(Self(text.collect()))
    }

    /// The value of `name`, trimmed; `None` when unset or empty (`FOO=` in `.env` means "not set").
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(&name.to_ascii_lowercase()).map(|value| value.trim()).filter(|value| !value.is_empty())
    }

    /// As [`Vars::get`], but untrimmed: a secret is taken byte for byte.
    pub(super) fn secret(&self, name: &str) -> Option<&str> {
        self.0.get(&name.to_ascii_lowercase()).map(String::as_str).filter(|value| !value.is_empty())
    }
}

/// Collects problems while parsing, so that all of them are reported at once.
#[derive(Debug, Default)]
pub(super) struct Problems(pub(super) Vec<String>);

impl Problems {
    pub(super) fn check<T>(&mut self, result: Result<T, String>) -> Option<T> {
        result.map_err(|problem| self.0.push(problem)).ok()
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

pub(super) fn http_url(name: &str, value: Option<&str>, default: &str) -> Result<url::Url, String> {
    let text = value.unwrap_or(default);
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(url),
        _ => Err(format!("{name} must be an absolute http(s) URL, not {text:?}")),
    }
}

pub(super) fn boolean(name: &str, value: Option<&str>, default: bool) -> Result<bool, String> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(other) => Err(format!("{name} must be true or false, not {other:?}")),
    }
}
