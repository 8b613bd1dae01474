//! The things a client can ask of the auth service, each with its own error type.

use chrono::{DateTime, Utc};

use crate::session::SessionId;
use crate::user::User;

/// `Debug` for a use case: its ports are trait objects with nothing worth printing.
macro_rules! opaque_debug {
    ($($name:ident),*) => {$(
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    )*};
}

/// Every failure of the infrastructure reaches a use case's error as its `Infrastructure`
/// variant, so `?` works on a port's result.
macro_rules! infrastructure_error {
    ($($name:ident),*) => {$(
        impl From<crate::ports::StoreError> for $name {
            fn from(error: crate::ports::StoreError) -> Self {
                Self::Infrastructure(error.into())
            }
        }
        impl From<crate::ports::HashError> for $name {
            fn from(error: crate::ports::HashError) -> Self {
                Self::Infrastructure(error.into())
            }
        }
        impl From<crate::ports::TokenError> for $name {
            fn from(error: crate::ports::TokenError) -> Self {
                Self::Infrastructure(error.into())
            }
        }
        impl From<crate::passkey::RelyingPartyError> for $name {
            fn from(error: crate::passkey::RelyingPartyError) -> Self {
                Self::Infrastructure(error.into())
            }
        }
    )*};
}

infrastructure_error!(
    RegisterError,
    LogInError,
    SetPasswordError,
    AuthenticateError,
    LogOutError,
    ListSessionsError,
    LogOutEverywhereError,
    RevokeSessionError,
    PurgeExpiredSessionsError,
    CompleteOAuthError,
    StartOAuthError,
    ReauthenticateError,
    RemoveSignInMethodError,
    RequestPasswordResetError,
    ResetPasswordError,
    SendVerificationError,
    VerifyEmailError,
    ChangeEmailError,
    ConfirmEmailChangeError,
    RegisterPasskeyError,
    PasskeySignInError,
    PasskeyReauthenticationError,
    ManagePasskeysError
);

mod authenticate;
mod change_email;
mod complete_oauth;
mod deliver_mail;
mod link_identity;
mod log_in;
mod log_out;
mod mail_link;
mod manage_passkeys;
mod oauth_attempt;
mod oauth_sign_in;
mod passkey_ceremonies;
mod passkey_reauthentication;
mod passkey_sign_in;
mod reauthenticate;
mod register;
mod register_passkey;
mod remove_sign_in_method;
mod request_password_reset;
mod reset_password;
mod sessions;
mod set_password;
mod start_oauth;
mod verify_email;

#[cfg(test)]
pub(crate) mod passkey_test_support;
#[cfg(test)]
pub(crate) mod test_support;

pub use authenticate::{Authenticate, AuthenticateError, Authenticated};
pub use change_email::{
    ChangeEmail, ChangeEmailCommand, ChangeEmailError, ChangeEmailPorts, ConfirmEmailChange, ConfirmEmailChangeError,
};
pub use complete_oauth::{AUTH_TIME_LEEWAY, CompleteOAuth, CompleteOAuthCommand, CompleteOAuthPorts, CompletedOAuth};
pub use deliver_mail::{DeliverMail, DeliverMailPorts, Delivery, DropReason, GIVE_UP_AFTER, LEASE, backoff};
pub use link_identity::LinkedIdentity;
pub use log_in::{LogIn, LogInCommand, LogInError};
pub use log_out::{LogOut, LogOutError, LoggedOut};
pub use manage_passkeys::{ManagePasskeys, ManagePasskeysError};
pub use oauth_attempt::{CompleteOAuthError, OAuthErrorCode};
pub use oauth_sign_in::{OAuthOutcome, OAuthSignedIn};
pub use passkey_ceremonies::{PasskeyPorts, StartedCeremony};
pub use passkey_reauthentication::{
    PasskeyReauthenticationCommand, PasskeyReauthenticationError, ReauthenticateWithPasskey,
};
pub use passkey_sign_in::{PasskeySignInCommand, PasskeySignInError, SignInWithPasskey};
pub use reauthenticate::{Reauthenticate, ReauthenticateCommand, ReauthenticateError};
pub use register::{Register, RegisterCommand, RegisterError};
pub use register_passkey::{FinishPasskeyRegistrationCommand, RegisterPasskey, RegisterPasskeyError};
pub use remove_sign_in_method::{RemoveSignInMethod, RemoveSignInMethodCommand, RemoveSignInMethodError};
pub use request_password_reset::{RequestPasswordReset, RequestPasswordResetError};
pub use reset_password::{
    PasswordWasReset, ResetPassword, ResetPasswordCommand, ResetPasswordError, ResetPasswordPorts,
};
pub use sessions::{
    ListSessions, ListSessionsError, ListedSession, LogOutEverywhere, LogOutEverywhereError, PurgeExpiredSessions,
    PurgeExpiredSessionsError, RevokeSession, RevokeSessionError,
};
pub use set_password::{PasswordRules, PasswordSet, SetPassword, SetPasswordCommand, SetPasswordError};
pub use start_oauth::{FLOW_LIFETIME, StartOAuth, StartOAuthError, StartedOAuth};
pub use verify_email::{
    SendVerification, SendVerificationError, VERIFICATION_EVERY, VerificationPorts, VerifyEmailAddress,
    VerifyEmailError,
};

/// The outcome of a successful sign-in: the user and a fresh access token for a new session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub access_token: String,
    pub session_id: SessionId,
    pub expires_at: DateTime<Utc>,
}
