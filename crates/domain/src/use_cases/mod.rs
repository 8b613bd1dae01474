//! The things a client can ask of the auth service, each with its own error type.

mod authenticate;
mod log_in;
mod log_out;
mod oauth_sign_in;
mod register;
mod session_issuer;

#[cfg(test)]
mod test_support;

pub use authenticate::{Authenticate, AuthenticateError, Authenticated};
pub use log_in::{LogIn, LogInCommand, LogInError};
pub use log_out::{LogOut, LogOutError};
pub use oauth_sign_in::{OAuthSignIn, OAuthSignInCommand, OAuthSignInError};
pub use register::{Register, RegisterCommand, RegisterError};
pub use session_issuer::{SessionIssuer, SignedIn};
