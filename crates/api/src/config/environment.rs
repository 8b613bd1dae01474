//! The process environment merged with the `.env` file: what [`super::Settings`] is read from.

use std::collections::HashMap;
use std::path::Path;

use super::dotenv;

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

pub(super) fn merge(
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
