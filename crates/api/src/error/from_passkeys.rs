//! The passkey use cases' failures as the HTTP errors they answer with. Why a passkey was
//! refused is the audit's, never the client's: one answer for each refusal.

use yoshikosan_domain::use_cases::{
    ManagePasskeysError, PasskeyReauthenticationError, PasskeySignInError, RegisterPasskeyError,
};

use super::ApiError;

impl From<RegisterPasskeyError> for ApiError {
    fn from(error: RegisterPasskeyError) -> Self {
        match error {
            RegisterPasskeyError::Invalid(errors) => errors.into(),
            RegisterPasskeyError::InvalidCeremony => Self::InvalidCeremony,
            RegisterPasskeyError::ReauthenticationRequired => Self::ReauthenticationRequired,
            RegisterPasskeyError::SessionEnded => Self::Unauthenticated,
            RegisterPasskeyError::Rejected(_) => Self::PasskeyNotRegistered,
            RegisterPasskeyError::Exists => Self::PasskeyExists,
            RegisterPasskeyError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<PasskeySignInError> for ApiError {
    fn from(error: PasskeySignInError) -> Self {
        match error {
            PasskeySignInError::InvalidCeremony => Self::InvalidCeremony,
            PasskeySignInError::Rejected { .. } => Self::PasskeyRejected,
            PasskeySignInError::RateLimited(throttled) => throttled.into(),
            PasskeySignInError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<PasskeyReauthenticationError> for ApiError {
    fn from(error: PasskeyReauthenticationError) -> Self {
        match error {
            PasskeyReauthenticationError::NoPasskey => Self::NotFound,
            PasskeyReauthenticationError::InvalidCeremony => Self::InvalidCeremony,
            PasskeyReauthenticationError::Rejected(_) => Self::PasskeyRejected,
            PasskeyReauthenticationError::SessionEnded => Self::Unauthenticated,
            PasskeyReauthenticationError::RateLimited(throttled) => throttled.into(),
            PasskeyReauthenticationError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<ManagePasskeysError> for ApiError {
    fn from(error: ManagePasskeysError) -> Self {
        match error {
            ManagePasskeysError::Invalid(errors) => errors.into(),
            ManagePasskeysError::NotFound => Self::NotFound,
            ManagePasskeysError::Infrastructure(e) => e.into(),
        }
    }
}
