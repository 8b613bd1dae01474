//! Each use case's failure as the HTTP error it answers with; storage failures become 503 when
//! they may pass, 500 otherwise.

use yoshikosan_domain::ports::{Infrastructure, StoreError};
use yoshikosan_domain::use_cases::{
    AuthenticateError, ChangeEmailError, ConfirmEmailChangeError, ListSessionsError, LogInError, LogOutError,
    LogOutEverywhereError, ReauthenticateError, RegisterError, RemoveSignInMethodError, RequestPasswordResetError,
    ResetPasswordError, RevokeSessionError, SendVerificationError, SetPasswordError, VerifyEmailError,
};
use yoshikosan_domain::{Throttled, ValidationErrors};

use super::{ApiError, FieldProblem};

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors.errors().iter().map(FieldProblem::from).collect())
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            unexpected @ StoreError::Unexpected(_) => Self::Internal(unexpected.into()),
        }
    }
}

/// Every use case's infrastructure failure: 503 while the database is out of reach, else 500.
impl From<Infrastructure> for ApiError {
    fn from(error: Infrastructure) -> Self {
        match error {
            Infrastructure::Store(store) => store.into(),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<RegisterError> for ApiError {
    fn from(error: RegisterError) -> Self {
        match error {
            RegisterError::Invalid(errors) => errors.into(),
            RegisterError::EmailTaken => Self::EmailTaken,
            RegisterError::RateLimited(throttled) => throttled.into(),
            RegisterError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<LogInError> for ApiError {
    fn from(error: LogInError) -> Self {
        match error {
            LogInError::Invalid(errors) => errors.into(),
            LogInError::InvalidCredentials => Self::InvalidCredentials,
            LogInError::RateLimited(throttled) => throttled.into(),
            LogInError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<SetPasswordError> for ApiError {
    fn from(error: SetPasswordError) -> Self {
        match error {
            SetPasswordError::Invalid(errors) => errors.into(),
            SetPasswordError::RateLimited(throttled) => throttled.into(),
            SetPasswordError::SessionEnded => Self::Unauthenticated,
            SetPasswordError::ReauthenticationRequired => Self::ReauthenticationRequired,
            SetPasswordError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<ReauthenticateError> for ApiError {
    fn from(error: ReauthenticateError) -> Self {
        match error {
            ReauthenticateError::Invalid(errors) => errors.into(),
            ReauthenticateError::InvalidCredentials => Self::WrongPassword,
            ReauthenticateError::RateLimited(throttled) => throttled.into(),
            ReauthenticateError::SessionEnded => Self::Unauthenticated,
            ReauthenticateError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<RequestPasswordResetError> for ApiError {
    fn from(error: RequestPasswordResetError) -> Self {
        match error {
            RequestPasswordResetError::Invalid(errors) => errors.into(),
            RequestPasswordResetError::RateLimited(throttled) => throttled.into(),
            RequestPasswordResetError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<ResetPasswordError> for ApiError {
    fn from(error: ResetPasswordError) -> Self {
        match error {
            ResetPasswordError::Invalid(errors) => errors.into(),
            ResetPasswordError::InvalidLink => Self::InvalidLink,
            ResetPasswordError::LinkExpired => Self::LinkExpired,
            ResetPasswordError::RateLimited(throttled) => throttled.into(),
            ResetPasswordError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<SendVerificationError> for ApiError {
    fn from(error: SendVerificationError) -> Self {
        match error {
            SendVerificationError::AlreadyVerified => Self::AlreadyVerified,
            SendVerificationError::RateLimited(throttled) => throttled.into(),
            SendVerificationError::SessionEnded => Self::Unauthenticated,
            SendVerificationError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<VerifyEmailError> for ApiError {
    fn from(error: VerifyEmailError) -> Self {
        match error {
            VerifyEmailError::InvalidLink => Self::InvalidLink,
            VerifyEmailError::LinkExpired => Self::LinkExpired,
            VerifyEmailError::OtherAccount => Self::OtherAccountsLink,
            VerifyEmailError::RateLimited(throttled) => throttled.into(),
            VerifyEmailError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<ChangeEmailError> for ApiError {
    fn from(error: ChangeEmailError) -> Self {
        match error {
            ChangeEmailError::Invalid(errors) => errors.into(),
            ChangeEmailError::EmailTaken => Self::EmailTaken,
            ChangeEmailError::ReauthenticationRequired => Self::ReauthenticationRequired,
            ChangeEmailError::SessionEnded => Self::Unauthenticated,
            ChangeEmailError::RateLimited(throttled) => throttled.into(),
            ChangeEmailError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<ConfirmEmailChangeError> for ApiError {
    fn from(error: ConfirmEmailChangeError) -> Self {
        match error {
            ConfirmEmailChangeError::InvalidLink => Self::InvalidLink,
            ConfirmEmailChangeError::LinkExpired => Self::LinkExpired,
            ConfirmEmailChangeError::OtherAccount => Self::OtherAccountsLink,
            ConfirmEmailChangeError::EmailTaken => Self::EmailTaken,
            ConfirmEmailChangeError::RateLimited(throttled) => throttled.into(),
            ConfirmEmailChangeError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<RemoveSignInMethodError> for ApiError {
    fn from(error: RemoveSignInMethodError) -> Self {
        match error {
            RemoveSignInMethodError::NotFound => Self::NoSuchSignInMethod,
            RemoveSignInMethodError::LastSignInMethod => Self::LastSignInMethod,
            RemoveSignInMethodError::ReauthenticationRequired => Self::ReauthenticationRequired,
            RemoveSignInMethodError::SessionEnded => Self::Unauthenticated,
            RemoveSignInMethodError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<AuthenticateError> for ApiError {
    fn from(error: AuthenticateError) -> Self {
        match error {
            AuthenticateError::Unauthenticated => Self::Unauthenticated,
            AuthenticateError::TokenExpired => Self::TokenExpired,
            AuthenticateError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<LogOutError> for ApiError {
    fn from(error: LogOutError) -> Self {
        match error {
            LogOutError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<ListSessionsError> for ApiError {
    fn from(error: ListSessionsError) -> Self {
        match error {
            ListSessionsError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<LogOutEverywhereError> for ApiError {
    fn from(error: LogOutEverywhereError) -> Self {
        match error {
            LogOutEverywhereError::Infrastructure(e) => e.into(),
        }
    }
}

impl From<Throttled> for ApiError {
    fn from(throttled: Throttled) -> Self {
        // Whole seconds, rounded up: retrying at the advertised moment must succeed.
        let millis = throttled.retry_after.num_milliseconds().max(0).unsigned_abs();
        Self::RateLimited(millis.div_ceil(1000).max(1))
    }
}

impl From<RevokeSessionError> for ApiError {
    fn from(error: RevokeSessionError) -> Self {
        match error {
            RevokeSessionError::NotFound => Self::NotFound,
            RevokeSessionError::Infrastructure(e) => e.into(),
        }
    }
}
