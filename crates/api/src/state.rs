use std::time::Instant;

use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;
use yoshikosan_domain::use_cases::{
    Authenticate, ChangeEmail, CompleteOAuth, ConfirmEmailChange, ListSessions, LogIn, LogOut, LogOutEverywhere,
    ManagePasskeys, OAuthErrorCode, Reauthenticate, ReauthenticateWithPasskey, Register, RegisterPasskey,
    RemoveSignInMethod, RequestPasswordReset, ResetPassword, RevokeSession, SendVerification, SetPassword,
    SignInWithPasskey, StartOAuth, VerifyEmailAddress,
};

use yoshikosan_domain::{PasswordPolicy, ProviderId, ProviderRegistry, TokenTtl};
use yoshikosan_persistence::Database;

use crate::cookies::Cookies;
use crate::http::oauth_flow::FlowCiphers;

/// What the handlers share: the use cases, wired to their adapters at start-up, in bundles by
/// what they serve.
#[derive(Debug)]
pub struct AppState {
    pub accounts: AccountFlows,
    /// The session check of every authenticated request.
    pub authenticate: Authenticate,
    pub sessions: SessionsState,
    pub oauth: OAuthFlows,
    pub web: WebSettings,
    pub operations: Operations,
    pub mail: MailFlows,
    /// None when passkeys are off: their routes answer 404.
    pub passkeys: Option<PasskeyFlows>,
}

impl AppState {
    /// The passkey flows, or 404 while passkeys are off: the routes are not there.
    pub fn passkeys(&self) -> Result<&PasskeyFlows, crate::error::ApiError> {
        self.passkeys.as_ref().ok_or(crate::error::ApiError::NotFound)
    }
}

/// Passkeys: adding one, signing in and proving who one is with one, naming them. Removing one
/// is removing a way in ([`AccountFlows::remove_sign_in_method`]).
#[derive(Debug)]
pub struct PasskeyFlows {
    pub register: RegisterPasskey,
    pub sign_in: SignInWithPasskey,
    pub reauthenticate: ReauthenticateWithPasskey,
    pub manage: ManagePasskeys,
}

impl MailFlows {
    /// The mail routes answer 404 while mail is off: they are not there.
    pub fn available(&self) -> Result<(), crate::error::ApiError> {
        if self.enabled { Ok(()) } else { Err(crate::error::ApiError::NotFound) }
    }
}

/// What goes by mail: a password reset, the proof of an address, a change of address.
#[derive(Debug)]
pub struct MailFlows {
    /// False in production without SMTP_URL: the mail routes answer 404.
    pub enabled: bool,
    pub request_reset: RequestPasswordReset,
    pub reset: ResetPassword,
    pub send_verification: SendVerification,
    pub verify_email: VerifyEmailAddress,
    pub change_email: ChangeEmail,
    pub confirm_email_change: ConfirmEmailChange,
    /// Wakes the sender when a request enqueued a mail.
    pub wake: Arc<tokio::sync::Notify>,
}

/// Email and password: registering, signing in and out, setting a password; and the account's
/// ways in: proving who one is again, removing a way in.
#[derive(Debug)]
pub struct AccountFlows {
    pub register: Register,
    pub log_in: LogIn,
    pub log_out: LogOut,
    pub set_password: SetPassword,
    pub reauthenticate: Reauthenticate,
    pub remove_sign_in_method: RemoveSignInMethod,
    pub password_policy: PasswordPolicy,
}

/// How sessions travel to a browser.
#[derive(Debug)]
pub struct WebSettings {
    pub cookie: Cookies,
    pub access_token_ttl: TokenTtl,
}

/// What operators read: health, uptime and metrics.
#[derive(Debug)]
pub struct Operations {
    pub database: Database,
    pub started_at: Instant,
    /// Renders the process's metrics for `/metrics`.
    pub metrics: PrometheusHandle,
}

/// The signed-in user's session management.
#[derive(Debug)]
pub struct SessionsState {
    pub list: ListSessions,
    pub revoke: RevokeSession,
    pub log_out_everywhere: LogOutEverywhere,
}

/// Sign-in and linking with providers: the configured ones only.
#[derive(Debug)]
pub struct OAuthFlows {
    pub providers: Arc<ProviderRegistry>,
    pub start: StartOAuth,
    pub complete: CompleteOAuth,
    /// Seal and open the flow cookie.
    pub ciphers: FlowCiphers,
    /// FRONTEND_URL without a trailing slash.
    pub frontend: String,
}

impl OAuthFlows {
    /// The frontend page a failed flow returns to: the account page for a flow started there
    /// (a link, a re-authentication).
    pub fn error_page(&self, from_account: bool, code: OAuthErrorCode) -> String {
        let page = if from_account { "account" } else { "login" };
        format!("{}/{page}?error={}", self.frontend, code.as_str())
    }

    /// The account page asking the person to confirm it's them before linking `provider`.
    pub fn reauthentication_page(&self, provider: &ProviderId) -> String {
        let code = OAuthErrorCode::ReauthenticationRequired.as_str();
        format!("{}/account?error={code}&provider={provider}", self.frontend)
    }

    /// The login page, offering `provider`'s button, then returning to `redirect_to` (a path
    /// that [`safe_redirect`](crate::http::oauth_flow::safe_redirect) kept).
    pub fn login_page_for(&self, provider: &ProviderId, redirect_to: &str) -> String {
        let mut url = format!("{}/login?provider={provider}", self.frontend);
        if redirect_to != "/" {
            url.push_str("&redirect_to=");
            url.extend(percent_encoding::utf8_percent_encode(redirect_to, percent_encoding::NON_ALPHANUMERIC));
        }
        url
    }

    /// `path` has been checked to be a local path starting with a single `/`.
    pub fn frontend_location(&self, path: &str) -> String {
        format!("{}{path}", self.frontend)
    }
}
