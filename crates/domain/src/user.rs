//! Users and the identifiers and names that make them up.

use chrono::{DateTime, Utc};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::email::Email;
pub use crate::id::UserId;
use crate::oauth::{OAuthProvider, ProviderIdentity};
use crate::password::PasswordHash;
use crate::validation::{FieldError, FieldErrorCode};

/// A user's display name: 1 to 100 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FieldError::required("name"));
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(
                "name",
                FieldErrorCode::TooLong,
                format!("name must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if trimmed.chars().any(is_hidden_control) {
            return Err(FieldError::new(
                "name",
                FieldErrorCode::InvalidCharacters,
                "name must not contain control, zero-width or direction-changing characters",
            ));
        }
        if !trimmed.chars().any(is_visible) {
            return Err(FieldError::new(
                "name",
                FieldErrorCode::InvalidCharacters,
                "name must contain at least one visible character",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A provider's display name made fit to store: control characters dropped, cut to the
    /// maximum length; the email's local part when the provider gave nothing usable.
    pub fn from_provider(name: Option<&str>, email: &Email) -> Self {
        let fit = |text: &str| -> String {
            text.chars()
                .filter(|c| !is_hidden_control(*c))
                .collect::<String>()
                .trim()
                .chars()
                .take(Self::MAX_CHARS)
                .collect()
        };
        let usable = |n: &String| n.chars().any(is_visible);
        let name = name.map(fit).filter(usable).unwrap_or_else(|| fit(email.local_part()));
        Self(name)
    }
}

/// What a provider-verified email does to an existing account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    None,
    /// A provider verified the account's own email.
    MarkVerified,
    /// A provider verified the email of an unverified account, which the verified identity then
    /// owns: the password, every provider link and every session are removed and the email
    /// marked verified, before the new identity is linked. The id and the user's data stay.
    Claim,
}

/// Control (Cc) and format (Cf) characters: zero-width spaces and joiners, bidirectional
/// overrides and isolates (U+202E, U+2066-2069) that make a name read as something else.
fn is_hidden_control(c: char) -> bool {
    matches!(c.general_category(), GeneralCategory::Control | GeneralCategory::Format)
}

/// A character that shows as something: not a space, a mark alone, an unassigned or private
/// code point, or one of the letters that draw nothing (Hangul fillers, the blank Braille cell).
fn is_visible(c: char) -> bool {
    use GeneralCategory::*;
    let invisible_letter = matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}');
    let shown = !matches!(
        c.general_category(),
        Control
            | Format
            | Surrogate
            | PrivateUse
            | Unassigned
            | SpaceSeparator
            | LineSeparator
            | ParagraphSeparator
            | NonspacingMark
            | EnclosingMark
    );
    shown && !invisible_letter
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: DisplayName,
    pub avatar_url: Option<String>,
    /// None for accounts that only sign in through a provider.
    pub password_hash: Option<PasswordHash>,
    pub email_verified: bool,
    /// Providers linked to this user, in the order they were linked.
    pub linked_providers: Vec<OAuthProvider>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// A new password account; its email is unverified until a verification flow exists.
    pub fn with_password(email: Email, name: DisplayName, hash: PasswordHash, now: DateTime<Utc>) -> Self {
        Self {
            id: UserId::generate(),
            email,
            name,
            avatar_url: None,
            password_hash: Some(hash),
            email_verified: false,
            linked_providers: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// A new account created by signing in with a provider: no password.
    pub fn from_provider(identity: &ProviderIdentity, email: Email, now: DateTime<Utc>) -> Self {
        Self {
            id: UserId::generate(),
            name: DisplayName::from_provider(identity.name.as_deref(), &email),
            email,
            avatar_url: identity.avatar_url.clone(),
            password_hash: None,
            email_verified: identity.email_verified,
            linked_providers: Vec::new(),
            created_at: now,
            updated_at: now,
        }
    }

    /// The user as it is after `change` was committed at `now`.
    pub fn apply(&mut self, change: AccountChange, now: DateTime<Utc>) {
        match change {
            AccountChange::None => return,
            AccountChange::MarkVerified => {}
            AccountChange::Claim => {
                self.password_hash = None;
                self.linked_providers.clear();
            }
        }
        self.email_verified = true;
        self.updated_at = now;
    }

    /// How this user can sign in: `password` first when set, then each linked provider.
    pub fn sign_in_methods(&self) -> Vec<&'static str> {
        let password = self.password_hash.as_ref().map(|_| "password");
        password.into_iter().chain(self.linked_providers.iter().map(|p| p.as_str())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Grace Hopper ").unwrap().as_str(), "Grace Hopper");
        assert_eq!(DisplayName::parse(" \t").unwrap_err().code, FieldErrorCode::Required);
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(DisplayName::parse(&"é".repeat(101)).unwrap_err().code, FieldErrorCode::TooLong);
        assert_eq!(DisplayName::parse("bad\u{0}name").unwrap_err().code, FieldErrorCode::InvalidCharacters);
    }

    #[test]
    fn names_cannot_hide_or_reverse_text() {
        for name in [
            "\u{200B}\u{200C}\u{200D}",
            "\u{2060}\u{FEFF}",
            "Ada\u{202E}ecalevol",
            "\u{2066}Ada\u{2069}",
            "\u{2067}x",
            "\u{2068}x",
            "a\u{AD}b",
            "\u{3164}",
            "\u{2800}\u{115F}",
            "\u{301}\u{301}",
            "\u{E000}",
        ] {
            assert_eq!(
                DisplayName::parse(name).map_err(|e| e.code),
                Err(FieldErrorCode::InvalidCharacters),
                "{name:?}"
            );
        }
        for name in ["Zoë Ångström", "李小龍", "محمد", "Ana-María O'Neil", "e\u{301}mile"] {
            assert!(DisplayName::parse(name).is_ok(), "{name:?}");
        }
    }

    #[test]
    fn provider_names_are_cleaned_or_replaced() {
        let email = Email::parse("jo.doe@example.com").unwrap();
        assert_eq!(DisplayName::from_provider(Some(" Jo\u{7}  Doe "), &email).as_str(), "Jo  Doe");
        assert_eq!(DisplayName::from_provider(Some("\n\t"), &email).as_str(), "jo.doe");
        assert_eq!(DisplayName::from_provider(None, &email).as_str(), "jo.doe");
        assert_eq!(DisplayName::from_provider(Some("Jo\u{202E}eoD"), &email).as_str(), "JoeoD");
        assert_eq!(DisplayName::from_provider(Some("\u{200B}\u{3164}"), &email).as_str(), "jo.doe");
        assert_eq!(DisplayName::from_provider(Some(&"x".repeat(300)), &email).as_str().len(), 100);
    }

    #[test]
    fn sign_in_methods_list_password_then_providers() {
        let now = Utc::now();
        let email = Email::parse("a@example.com").unwrap();
        let name = DisplayName::parse("A").unwrap();
        let mut user = User::with_password(email, name, PasswordHash::new("h"), now);
        user.linked_providers = vec![OAuthProvider::Google, OAuthProvider::Discord];
        assert_eq!(user.sign_in_methods(), ["password", "google", "discord"]);
        user.password_hash = None;
        assert_eq!(user.sign_in_methods(), ["google", "discord"]);
    }
}
