//! The things a client can ask of the auth service, each with its own error type.

mod authenticate;
mod log_in;
mod log_out;
mod oauth_sign_in;
mod register;
mod session_issuer;
mod sessions;

#[cfg(test)]
pub(crate) mod test_support;

pub use authenticate::{Authenticate, AuthenticateError, Authenticated, LAST_SEEN_RESOLUTION};
pub use log_in::{LogIn, LogInCommand, LogInError, LogInPorts};
pub use log_out::{LogOut, LogOutError, LoggedOut};
pub use oauth_sign_in::{OAuthOutcome, OAuthSignIn, OAuthSignInCommand, OAuthSignInError, OAuthSignedIn};
pub use register::{Register, RegisterCommand, RegisterError, RegisterPorts};
pub use session_issuer::{SessionIssuer, SignedIn};
pub use sessions::{
    ListSessions, ListedSession, LogOutEverywhere, PurgeExpiredSessions, RevokeSession, RevokeSessionError,
};
