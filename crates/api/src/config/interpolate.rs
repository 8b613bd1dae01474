//! Compose's `$` interpolation of `.env` values: `$$` is a literal `$`; `$NAME` and `${NAME}`
//! are the variable's value (empty when unset); `${NAME:-default}`, `${NAME-default}`,
//! `${NAME:+alternative}`, `${NAME+alternative}`, `${NAME:?message}` and `${NAME?message}` work
//! as in the shell. A `$` before anything else is kept as written; a malformed `${...}` is an error.

/// Said without the text itself, which may be a secret.
const MALFORMED: &str = "a `${...}` is not a valid variable reference (write `$$` for a literal `$`)";

/// `text` with its variables replaced through `lookup`.
#[cfg(test)]
pub(super) fn interpolate(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    interpolate_noting(text, lookup, &mut Vec::new())
}

/// As [`interpolate`], adding to `unset` each variable that a plain `$NAME` or `${NAME}` names
/// and nothing sets: it reads as empty, which is seldom what was meant.
pub(super) fn interpolate_noting(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut Vec<String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(after) = after.strip_prefix('$') {
            out.push('$');
            rest = after;
        } else if let Some(inner) = after.strip_prefix('{') {
            let close = matching_brace(inner).ok_or("a `${` is never closed (write `$$` for a literal `$`)")?;
            out.push_str(&braced(&inner[..close], lookup, unset)?);
            rest = &inner[close + 1..];
        } else {
            let length = name_length(after);
            if length == 0 {
                out.push('$');
            } else {
                out.push_str(&plain(&after[..length], lookup, unset));
            }
            rest = &after[length..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The length of the variable name `text` starts with: `[_A-Za-z][_A-Za-z0-9]*`, or 0.
fn name_length(text: &str) -> usize {
    let mut bytes = text.bytes();
    match bytes.next() {
        Some(b) if b == b'_' || b.is_ascii_alphabetic() => {
            1 + bytes.take_while(|b| *b == b'_' || b.is_ascii_alphanumeric()).count()
        }
        _ => 0,
    }
}

/// Where the `}` closing a `${` is, nested `${...}` skipped.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut previous = '\0';
    for (index, c) in text.char_indices() {
        match c {
            '{' if previous == '$' => depth += 1,
            '}' if depth == 0 => return Some(index),
            '}' => depth -= 1,
            _ => {}
        }
        previous = c;
    }
    None
}

fn plain(name: &str, lookup: &dyn Fn(&str) -> Option<String>, unset: &mut Vec<String>) -> String {
    lookup(name).unwrap_or_else(|| {
        unset.push(name.to_owned());
        String::new()
    })
}

fn braced(inner: &str, lookup: &dyn Fn(&str) -> Option<String>, unset: &mut Vec<String>) -> Result<String, String> {
    let length = name_length(inner);
    let (name, modifier) = inner.split_at(length);
    if name.is_empty() {
        return Err(MALFORMED.to_owned());
    }
    if modifier.is_empty() {
        return Ok(plain(name, lookup, unset));
    }
    let value = lookup(name);
    let empty_counts = modifier.starts_with(':');
    let operation = modifier.strip_prefix(':').unwrap_or(modifier);
    let set = value.as_deref().is_some_and(|v| !(empty_counts && v.is_empty()));
    let mut operand = operation.chars();
    let operator = operand.next();
    let operand = operand.as_str();
    match operator {
        Some('-') if set => Ok(value.unwrap_or_default()),
        Some('-') => interpolate_noting(operand, lookup, unset),
        Some('+') if set => interpolate_noting(operand, lookup, unset),
        Some('+') => Ok(String::new()),
        Some('?') if set => Ok(value.unwrap_or_default()),
        Some('?') => Err(format!("required variable {name} is missing a value: {operand}")),
        _ => Err(MALFORMED.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn replaces_variables_in_both_forms() {
        let lookup = with(&[("HOST", "db"), ("EMPTY", "")]);
        assert_eq!(interpolate("postgres://$HOST:5432/${HOST}x", &lookup).unwrap(), "postgres://db:5432/dbx");
        assert_eq!(interpolate("[$UNSET][${UNSET}][$EMPTY]", &lookup).unwrap(), "[][][]");
    }

    #[test]
    fn plain_references_to_unset_variables_are_noted_and_defaults_are_not() {
        let lookup = with(&[("SET", "v"), ("EMPTY", "")]);
        let mut unset = Vec::new();
        let text = "$UNSET_A ${UNSET_B} $EMPTY ${SET} ${UNSET_C:-d} ${UNSET_D+x} ${UNSET_E:-$UNSET_F}";
        assert_eq!(interpolate_noting(text, &lookup, &mut unset).unwrap(), "   v d  ");
        assert_eq!(unset, ["UNSET_A", "UNSET_B", "UNSET_F"]);
    }

    #[test]
    fn keeps_dollars_that_are_not_variables() {
        let lookup = with(&[]);
        assert_eq!(interpolate("pa$$word", &lookup).unwrap(), "pa$word");
        assert_eq!(interpolate("cost $5 $ and $-x$", &lookup).unwrap(), "cost $5 $ and $-x$");
    }

    #[test]
    fn defaults_alternatives_and_required_values() {
        let lookup = with(&[("SET", "v"), ("EMPTY", "")]);
        assert_eq!(interpolate("${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:-d}", &lookup).unwrap(), "d d  v");
        assert_eq!(interpolate("${UNSET:-${SET}}", &lookup).unwrap(), "v");
        assert_eq!(interpolate("${SET:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${UNSET+alt}.", &lookup).unwrap(), "alt  alt .");
        assert_eq!(interpolate("${SET:?needed}", &lookup).unwrap(), "v");
        assert!(interpolate("${UNSET:?needed}", &lookup).unwrap_err().contains("UNSET is missing a value: needed"));
        assert!(interpolate("${EMPTY:?}", &lookup).is_err());
        assert_eq!(interpolate("${EMPTY?}", &lookup).unwrap(), "");
    }

    #[test]
    fn malformed_braces_are_errors() {
        let lookup = with(&[]);
        for text in ["${", "${UNCLOSED", "${}", "${1X}", "${A B}", "${A%%x}"] {
            assert!(interpolate(text, &lookup).is_err(), "{text}");
        }
    }
}
