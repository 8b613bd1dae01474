//! A user's display name and the characters a name may hold.
//!
//! Names come in every script and with emoji, so joiners, emoji tags and variation selectors are
//! part of real names; what is refused is what hides or reorders text: control and format
//! characters outside the places a name needs them, characters that draw nothing, line breaks
//! and unassigned code points.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::email::Email;
use crate::validation::{FieldError, FieldErrorCode};

const ZERO_WIDTH_NON_JOINER: char = '\u{200C}';
const ZERO_WIDTH_JOINER: char = '\u{200D}';
/// The base of an emoji tag sequence (a subdivision flag such as Scotland's).
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';

/// A user's display name: 1 to 100 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 100;

    /// Parses new input from a person: trimmed of white space, then checked.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        checked_name(input, "name", Self::MAX_CHARS).map(Self)
    }

    /// A name as it was stored, accepted under whichever rules were in force then: a stricter
    /// rule applies to new input only, so it never locks anyone out of an existing account.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A provider's display name made fit to store: refused characters dropped, cut to the
    /// maximum length; the email's local part when the provider gave nothing usable.
    pub fn from_provider(name: Option<&str>, email: &Email) -> Self {
        let usable = |n: &String| n.chars().any(is_visible);
        let name = name.map(fit).filter(usable).unwrap_or_else(|| fit(email.local_part()));
        Self(name)
    }
}

/// A name a person typed (an account's, a passkey's), trimmed and checked: at most `max`
/// characters, at least one visible, nothing that hides or reorders text.
pub(crate) fn checked_name(input: &str, field: &'static str, max: usize) -> Result<String, FieldError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(FieldError::required(field));
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(
            field,
            FieldErrorCode::TooLong,
            format!("{field} must be at most {max} characters"),
        ));
    }
    let chars: Vec<char> = trimmed.chars().collect();
    if permitted(&chars).contains(&false) {
        return Err(FieldError::new(
            field,
            FieldErrorCode::InvalidCharacters,
            format!("{field} must not contain control, zero-width or direction-changing characters"),
        ));
    }
    if !chars.iter().copied().any(is_visible) {
        return Err(FieldError::new(
            field,
            FieldErrorCode::InvalidCharacters,
            format!("{field} must contain at least one visible character"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Keeps what a name may hold, trimmed and cut to the maximum. Dropping, trimming or cutting can
/// leave a joiner, a tag or a selector without its neighbours, so it repeats until nothing changes.
fn fit(text: &str) -> String {
    let mut name = text.to_owned();
    loop {
        let again: String = keep_permitted(&name).trim().chars().take(DisplayName::MAX_CHARS).collect();
        if again == name {
            return name;
        }
        name = again;
    }
}

fn keep_permitted(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().zip(permitted(&chars)).filter_map(|(c, ok)| ok.then_some(*c)).collect()
}

/// For each character, whether a name may hold it where it stands.
fn permitted(chars: &[char]) -> Vec<bool> {
    let mut ok: Vec<bool> = chars.iter().map(|&c| !is_refused_anywhere(c)).collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ZERO_WIDTH_JOINER || c == ZERO_WIDTH_NON_JOINER {
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            ok[i] = before.is_some_and(|&b| joins(b)) && after.is_some_and(|&a| joins(a));
        } else if is_variation_selector(c) {
            // One selector, right after what it selects (an emoji, a Han character, a Mongolian
            // letter): a run of them could spell hidden text.
            ok[i] = i.checked_sub(1).and_then(|j| chars.get(j)).is_some_and(|&b| is_base(b));
        } else if c == BLACK_FLAG
            && let Some(len) = tag_sequence_len(&chars[i + 1..])
        {
            ok[i + 1..=i + len].fill(true);
        }
    }
    ok
}

/// Control and format characters, line and paragraph separators, unassigned code points, and
/// the letters and marks that draw nothing (Hangul fillers, the grapheme joiner, Khmer's
/// inherent vowels). Format characters are allowed back only where [`permitted`] finds a name
/// needs them.
fn is_refused_anywhere(c: char) -> bool {
    use GeneralCategory::*;
    let blank = matches!(c, '\u{34F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{3164}' | '\u{FFA0}');
    blank || matches!(c.general_category(), Control | Format | LineSeparator | ParagraphSeparator | Unassigned)
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// What a variation selector may follow: a letter, digit, punctuation or symbol.
fn is_base(c: char) -> bool {
    use GeneralCategoryGroup::*;
    matches!(c.general_category_group(), Letter | Number | Punctuation | Symbol)
}

/// What a joiner may stand between: letters (Persian's non-joiner), marks (a virama, an emoji
/// variation selector) and symbols (emoji, skin tones).
fn joins(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark | GeneralCategoryGroup::Symbol
    )
}

/// The length of the tag characters of a subdivision flag that follow its black flag: a region's
/// two tag letters, one to four tag letters or digits, then the cancel tag. Anything else (a
/// sentence spelt in tags, say) is no flag, so no text can hide in one.
fn tag_sequence_len(rest: &[char]) -> Option<usize> {
    let tag_letter = |c: &char| ('\u{E0061}'..='\u{E007A}').contains(c);
    let tag_alnum = |c: &char| tag_letter(c) || ('\u{E0030}'..='\u{E0039}').contains(c);
    let end = rest.iter().position(|&c| c == CANCEL_TAG)?;
    let (spec, region) = (&rest[..end], rest.get(..2)?);
    let fits = (3..=6).contains(&spec.len()) && region.iter().all(tag_letter) && spec[2..].iter().all(tag_alnum);
    fits.then_some(end + 1)
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

#[cfg(test)]
#[path = "display_name_tests.rs"]
mod tests;
