//! `.env` read as Docker Compose v2 reads the same file as an `env_file`, so that a line means
//! the same to the service run directly and to the container: `KEY=VALUE` (or `KEY: VALUE`), an
//! optional `export ` prefix, `#` comments (whole lines, and ` #` after an unquoted value),
//! unquoted values trimmed (spaces inside kept), single quotes literal, double quotes with
//! escapes, `$VAR`/`${VAR}` interpolation outside single quotes, and `KEY` alone taking the
//! value from the environment. A line that cannot be read is an error naming its number: a
//! partial read would silently drop every setting after it.

use super::interpolate::interpolate_noting;

/// The `(key, value)` pairs of the lines that could be read, in file order, and a problem for
/// each line that could not.
pub(super) fn parse(text: &str, environment: &dyn Fn(&str) -> Option<String>) -> Parsed {
    let mut parser = Parser { rest: text, line: 1, parsed: Parsed::default() };
    parser.run(environment);
    parser.parsed
}

/// The variables of a `.env` file in order, the lines that could not be read, and what was read
/// but is worth a warning.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub(super) vars: Vec<(String, String)>,
    pub(super) problems: Vec<String>,
    pub(super) warnings: Vec<String>,
}

struct Parser<'a> {
    rest: &'a str,
    line: usize,
    parsed: Parsed,
}

/// Blanks inside a line (compose's set: no line break).
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{b}' | '\u{c}' | '\r' | '\u{85}' | '\u{a0}')
}

enum Failure {
    /// The statement's line is skipped and reading goes on.
    Line(String),
    /// Nothing after this point can be trusted (an unterminated quote).
    Fatal(String),
}

impl Parser<'_> {
    fn run(&mut self, environment: &dyn Fn(&str) -> Option<String>) {
        loop {
            self.skip_blank_lines();
            if self.rest.is_empty() {
                return;
            }
            if self.rest.starts_with('#') {
                self.skip_line();
                continue;
            }
            let line = self.line;
            match self.statement(environment) {
                Ok(Some(pair)) => self.parsed.vars.push(pair),
                Ok(None) => {}
                Err(Failure::Line(problem)) => {
                    self.parsed.problems.push(format!("line {line}: {problem}"));
                    self.skip_line();
                }
                Err(Failure::Fatal(problem)) => {
                    self.parsed.problems.push(format!("line {line}: {problem}"));
                    return;
                }
            }
        }
    }

    fn skip_blank_lines(&mut self) {
        let end = self.rest.find(|c: char| !c.is_whitespace()).unwrap_or(self.rest.len());
        self.advance(end);
    }

    fn skip_line(&mut self) {
        let end = self.rest.find('\n').map_or(self.rest.len(), |i| i + 1);
        self.advance(end);
    }

    fn advance(&mut self, bytes: usize) {
        self.line += self.rest[..bytes].matches('\n').count();
        self.rest = &self.rest[bytes..];
    }

    /// One `KEY=VALUE`; `None` for a `KEY` alone, whose value the environment gives.
    fn statement(&mut self, environment: &dyn Fn(&str) -> Option<String>) -> Result<Option<(String, String)>, Failure> {
        if let Some(after) = self.rest.strip_prefix("export")
            && after.starts_with(is_blank)
        {
            let skipped = self.rest.len() - after.trim_start_matches(is_blank).len();
            self.advance(skipped);
        }
        let line_end = self.rest.find('\n').unwrap_or(self.rest.len());
        let Some(separator) = self.rest[..line_end].find(['=', ':']) else {
            let key = self.rest[..line_end].trim_end_matches(is_blank);
            check_key(key)?;
            self.advance(line_end);
            return Ok(None);
        };
        let key = self.rest[..separator].trim_end_matches(is_blank).to_owned();
        check_key(&key)?;
        self.advance(separator + 1);
        let blanks = self.rest.len() - self.rest.trim_start_matches(is_blank).len();
        self.advance(blanks);
        let line = self.line;
        let mut unset = Vec::new();
        let lookup = |name: &str| environment(name).or_else(|| self.earlier(name));
        let value = match self.rest.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let (raw, length) = quoted(&self.rest[1..], quote)
                    .ok_or_else(|| Failure::Fatal(format!("the quoted value of {key} has no closing {quote}")))?;
                let value =
                    if quote == '"' { interpolate_noting(&unescape(&raw), &lookup, &mut unset) } else { Ok(raw) };
                // Past the closing quote before any error, so that only the rest of its line is skipped.
                self.advance(1 + length + 1);
                let value = value.map_err(|problem| Failure::Line(format!("{key}: {problem}")))?;
                let tail = self.rest.split('\n').next().unwrap_or("").trim_start_matches(is_blank);
                if !(tail.is_empty() || tail.starts_with('#')) {
                    return Err(Failure::Line(format!("unexpected text after the closing quote of {key}")));
                }
                value
            }
            _ => {
                let end = self.rest.find('\n').unwrap_or(self.rest.len());
                let text = self.rest[..end].split(" #").next().unwrap_or("").trim_end();
                let value = interpolate_noting(text, &lookup, &mut unset)
                    .map_err(|problem| Failure::Line(format!("{key}: {problem}")))?;
                self.advance(end);
                value
            }
        };
        // The name after the `$` is not shown: in a password or URL it is a piece of the secret.
        if !unset.is_empty() {
            self.parsed.warnings.push(format!(
                "line {line}: the value of {key} has a `$` followed by a name that nothing sets, which reads as \
                 empty (write $$ for a literal $)"
            ));
        }
        Ok(Some((key, value)))
    }

    /// A variable set earlier in this file (the last setting wins).
    fn earlier(&self, name: &str) -> Option<String> {
        self.parsed.vars.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    }
}

/// Names of the form `[A-Za-z_][A-Za-z0-9_]*`, as the shell's: anything else (`a.b`, `a[0]`, a
/// letter outside ASCII) could be read as another name, or as a path into another setting.
fn check_key(key: &str) -> Result<(), Failure> {
    if key.is_empty() {
        return Err(Failure::Line("a variable name is missing before the `=`".to_owned()));
    }
    if key.contains(is_blank) {
        return Err(Failure::Line(format!("variable names cannot contain spaces ({key:?})")));
    }
    if key.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(Failure::Line(format!("the variable name {key:?} starts with a digit")));
    }
    match key.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        Some(bad) => Err(Failure::Line(format!(
            "unexpected character {bad:?} in the variable name {key:?} (names are letters A-Z, digits and _)"
        ))),
        None => Ok(()),
    }
}

/// The text up to the closing `quote` (which a backslash escapes; other backslashes are kept)
/// and the length of the source it took, or `None` when the quote is never closed.
fn quoted(source: &str, quote: char) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut escaped = false;
    for (index, c) in source.char_indices() {
        if c == quote && !escaped {
            return Some((value, index));
        }
        if c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if escaped && c != quote {
            value.push('\\');
        }
        escaped = false;
        value.push(c);
    }
    None
}

/// The escapes of a double-quoted value: `\n`, `\t`, `\\`, `\0ooo` and the like; `\$` stays a
/// literal `$` (as `$$`, which interpolation turns into `$`). Unknown escapes are kept as written.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let replacement = match chars.peek() {
            Some('a') => Some("\u{7}".to_owned()),
            Some('b') => Some("\u{8}".to_owned()),
            Some('f') => Some("\u{c}".to_owned()),
            Some('n') => Some("\n".to_owned()),
            Some('r') => Some("\r".to_owned()),
            Some('t') => Some("\t".to_owned()),
            Some('v') => Some("\u{b}".to_owned()),
            Some('"') => Some("\"".to_owned()),
            Some('\\') => Some("\\".to_owned()),
            Some('$') => Some("$$".to_owned()),
            _ => None,
        };
        if let Some(replacement) = replacement {
            chars.next();
            out.push_str(&replacement);
            continue;
        }
        // `\0` and three octal digits is a byte-sized character.
        let digits: String = chars.clone().take(4).collect();
        let octal = digits.strip_prefix('0').filter(|d| d.len() == 3 && d.chars().all(|c| ('0'..='7').contains(&c)));
        match octal.and_then(|d| u8::from_str_radix(d, 8).ok()) {
            Some(byte) => {
                out.push(char::from(byte));
                for _ in 0..4 {
                    chars.next();
                }
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
#[path = "dotenv_tests.rs"]
mod tests;
