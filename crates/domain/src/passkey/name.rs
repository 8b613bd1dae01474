//! What a person calls a passkey, so that they can tell theirs apart on the account page.

use crate::display_name::checked_name;
use crate::validation::FieldError;

/// 1 to 64 characters once trimmed, under the rules of a user's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

impl PasskeyName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_name(input, "name", Self::MAX_CHARS).map(Self)
    }

    /// A name as stored, accepted under whichever rules were in force then.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name a passkey gets when the person gives none: the browser and platform it was
    /// added from ("Chrome on Linux"), read from the `User-Agent`, or "Passkey".
    pub fn from_user_agent(user_agent: Option<&str>) -> Self {
        let ua = user_agent.unwrap_or_default();
        let browser = BROWSERS.iter().find(|(token, _)| ua.contains(token)).map(|(_, name)| *name);
        let platform = PLATFORMS.iter().find(|(token, _)| ua.contains(token)).map(|(_, name)| *name);
        Self(match (browser, platform) {
            (Some(browser), Some(platform)) => format!("{browser} on {platform}"),
            (Some(only), None) | (None, Some(only)) => only.to_owned(),
            (None, None) => "Passkey".to_owned(),
        })
    }
}

/// Tokens in the order they must be tried: Edge and Opera also say "Chrome", Chrome also says
/// "Safari", and every browser on iOS is Safari underneath but names itself first.
const BROWSERS: [(&str, &str); 9] = [
    ("Edg/", "Edge"),
    ("EdgiOS", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
];

/// Android says "Linux" too, iPads may say "Macintosh"; the more specific token comes first.
const PLATFORMS: [(&str, &str); 7] = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::FieldErrorCode;

    #[test]
    fn a_browser_names_its_passkey_by_browser_and_platform() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome on Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari on iPhone",
            ),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on macOS"),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
        ];
        for (ua, name) in cases {
            assert_eq!(PasskeyName::from_user_agent(Some(ua)).as_str(), name, "{ua}");
        }
        assert_eq!(PasskeyName::from_user_agent(None).as_str(), "Passkey");
        assert_eq!(PasskeyName::from_user_agent(Some("curl/8.5.0")).as_str(), "Passkey");
    }

    #[test]
    fn a_name_follows_the_rules_of_a_user_s_name_up_to_64_characters() {
        assert_eq!(PasskeyName::parse("  Work laptop 💻 ").unwrap().as_str(), "Work laptop 💻");
        assert_eq!(PasskeyName::parse("👩🏽‍🔬 のキー").unwrap().as_str(), "👩🏽‍🔬 のキー");
        assert_eq!(PasskeyName::parse(" ").unwrap_err().code, FieldErrorCode::Required);
        assert_eq!(PasskeyName::parse(&"x".repeat(65)).unwrap_err().code, FieldErrorCode::TooLong);
        assert!(PasskeyName::parse(&"é".repeat(64)).is_ok());
        assert_eq!(PasskeyName::parse("key\u{202E}").unwrap_err().code, FieldErrorCode::InvalidCharacters);
    }
}
