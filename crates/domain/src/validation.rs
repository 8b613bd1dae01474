//! Field-level validation failures, reported all together rather than one at a time.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorCode {
    Required,
    InvalidEmail,
    TooShort,
    TooLong,
    TooCommon,
    ContainsEmail,
    InvalidCharacters,
    /// A current password that is not the account's.
    Incorrect,
    /// A new password equal to the current one.
    SameAsCurrent,
}

impl FieldErrorCode {
    pub const ALL: [Self; 9] = [
        Self::Required,
        Self::InvalidEmail,
        Self::TooShort,
        Self::TooLong,
        Self::TooCommon,
        Self::ContainsEmail,
        Self::InvalidCharacters,
        Self::Incorrect,
        Self::SameAsCurrent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::InvalidEmail => "invalid_email",
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::TooCommon => "too_common",
            Self::ContainsEmail => "contains_email",
            Self::InvalidCharacters => "invalid_characters",
            Self::Incorrect => "incorrect",
            Self::SameAsCurrent => "same_as_current",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub code: FieldErrorCode,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, code: FieldErrorCode, message: impl Into<String>) -> Self {
        Self { field, code, message: message.into() }
    }

    pub fn required(field: &'static str) -> Self {
        Self::new(field, FieldErrorCode::Required, format!("{field} is required"))
    }
}

/// One or more invalid fields of a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }

    /// Ok when nothing was collected, so a validator can end with `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = self.0.iter().map(|e| e.field).collect();
        write!(f, "invalid fields: {}", fields.join(", "))
    }
}

impl std::error::Error for ValidationErrors {}
