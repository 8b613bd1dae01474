//! The process environment merged with the `.env` file: what [`super::Settings`] is read from.

use std::collections::HashMap;
use std::path::Path;

use super::dotenv;

/// The file read besides the environment, from the working directory.
pub const DOTENV: &str = ".env";

/// The variables by their exact names, the problems that make them unusable (a line of `.env`
/// that could not be read: the configuration is never used half read), and the warnings.
#[derive(Debug, Default)]
pub struct Environment {
    pub vars: HashMap<String, String>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
}

/// The process environment with the variables of the `.env` file at `path` that it does not
/// set itself.
pub fn environment(path: &Path) -> Environment {
    // Variables whose name or value is not Unicode cannot be settings: left out.
    let process =
        std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))).collect();
    let shown = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => {
            String::from_utf8(bytes).map(Some).map_err(|_| format!("{shown} could not be read: it is not UTF-8 text"))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(format!("{shown} could not be read: {error}")),
    };
    match text {
        Ok(text) => merge(process, text, &shown),
        Err(problem) => Environment { vars: process, problems: vec![problem], warnings: Vec::new() },
    }
}

pub(super) fn merge(mut process: HashMap<String, String>, dotenv: Option<String>, shown: &str) -> Environment {
    let Some(text) = dotenv else { return Environment { vars: process, ..Default::default() } };
    let parsed = dotenv::parse(&text, &|name| process.get(name).cloned());
    // A name set twice in the file takes its last value.
    let vars: HashMap<String, String> = parsed.vars.into_iter().collect();
    for (key, value) in vars {
        // The process environment wins over the file.
        process.entry(key).or_insert(value);
    }
    let shown_each = |lines: Vec<String>| lines.into_iter().map(|p| format!("{shown} {p}")).collect();
    // The lines that were read still count, so that every other problem is reported too.
    Environment { vars: process, problems: shown_each(parsed.problems), warnings: shown_each(parsed.warnings) }
}
