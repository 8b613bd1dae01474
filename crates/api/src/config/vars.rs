//! The environment as text, and the parsers every setting shares. The leaf of the config
//! module: the typed settings are built from here, never the other way round.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// Every variable by its exact name, as text.
///
/// A setting is read under its exact name only. Another variable whose name folds to the same
/// one (`app_env`, `COO\u{212A}IE_SECURE` with a Kelvin sign, a path-like `APP_ENV.x`) would be
/// read in its place by case-folding readers, and whichever came first in a hash order won: so
/// any such name is a problem that names both, and the service does not start on a guess.
#[derive(Debug)]
pub(super) struct Vars {
    values: HashMap<String, String>,
    /// Filled as settings are read; see [`Vars::conflicts`].
    conflicts: RefCell<Vec<String>>,
}

impl Vars {
    pub(super) fn new(values: HashMap<String, String>) -> Self {
        Self { values, conflicts: RefCell::new(Vec::new()) }
    }

    /// The value of `name`, trimmed; `None` when unset or empty (`FOO=` in `.env` means "not set").
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.exact(name).map(str::trim).filter(|value| !value.is_empty())
    }

    /// As [`Vars::get`], but untrimmed: a secret is taken byte for byte.
    pub(super) fn secret(&self, name: &str) -> Option<&str> {
        self.exact(name).filter(|value| !value.is_empty())
    }

    /// Every variable's name.
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// The problems found while settings were read: names that fold to a setting's name.
    pub(super) fn conflicts(&self) -> Vec<String> {
        self.conflicts.borrow().clone()
    }

    fn exact(&self, name: &str) -> Option<&str> {
        let mut lookalikes: Vec<&str> =
            self.values.keys().map(String::as_str).filter(|key| *key != name && folds_to(key, name)).collect();
        if !lookalikes.is_empty() {
            lookalikes.sort_unstable();
            let shown = lookalikes.iter().map(|key| format!("{key:?}")).collect::<Vec<_>>().join(", ");
            let problem = if self.values.contains_key(name) {
                format!("{name} is set, and so is {shown}, which could be read as {name}: remove one")
            } else {
                format!("{shown} is not read as {name} (settings are read by their exact name): rename it to {name}")
            };
            let mut conflicts = self.conflicts.borrow_mut();
            if !conflicts.contains(&problem) {
                conflicts.push(problem);
            }
        }
        self.values.get(name).map(String::as_str)
    }
}

/// Whether a reader that folds case (Unicode-aware) and reads `.` and `[` as paths could take
/// `key` for `name`.
fn folds_to(key: &str, name: &str) -> bool {
    let base = key.split(['.', '[']).next().unwrap_or(key);
    base.to_lowercase() == name.to_lowercase()
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

/// `true`, `1`, `yes` or `on`, and their opposites, in any case: the `config` crate's reading.
pub(super) fn boolean(name: &str, value: Option<&str>, default: bool) -> Result<bool, String> {
    let Some(text) = value else { return Ok(default) };
    config::Value::new(None, config::ValueKind::String(text.to_owned()))
        .into_bool()
        .map_err(|_| format!("{name} must be true or false, not {:?}", text.to_ascii_lowercase()))
}

/// `localhost` and loopback addresses: browsers treat them as secure contexts, so http:// there
/// is a local trial, not a mistake.
pub(super) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost" || domain.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
