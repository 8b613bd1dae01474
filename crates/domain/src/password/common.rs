//! The 19,640 most common passwords of Royce Williams' 2017 breach-corpus list, as Django ships it
//! (django/contrib/auth/common-passwords.txt.gz, BSD licence), lower-cased.

use std::collections::HashSet;
use std::sync::LazyLock;

static LIST: &str = include_str!("common-passwords.txt");

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| LIST.lines().collect());

/// Case-insensitive: `Password1` is as guessable as `password1`.
pub(super) fn is_common(password: &str) -> bool {
    COMMON.contains(password.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_large_and_case_insensitive() {
        assert!(COMMON.len() >= 10_000);
        assert!(is_common("password"));
        assert!(is_common("PassWord"));
        assert!(is_common("qwertyuiop"));
        assert!(!is_common("correct horse battery staple"));
    }
}
