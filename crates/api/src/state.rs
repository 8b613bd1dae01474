use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use yoshikosan_domain::ports::{IdentityProvider, OAuthStateStore};
use yoshikosan_domain::use_cases::{
    Authenticate, ListSessions, LogIn, LogOut, LogOutEverywhere, OAuthSignIn, Register, RevokeSession,
};
use yoshikosan_domain::{OAuthProvider, PasswordPolicy, TokenTtl};
use yoshikosan_persistence::Database;
use yoshikosan_security::CookieCipher;

use crate::config::CookieSettings;

/// What the handlers share: the use cases, wired to their adapters at start-up.
#[derive(Debug)]
pub struct AppState {
    pub register: Register,
    pub log_in: LogIn,
    pub log_out: LogOut,
    pub authenticate: Authenticate,
    pub sessions: SessionsState,
    pub database: Database,
    pub cookie: CookieSettings,
    pub access_token_ttl: TokenTtl,
    pub password_policy: PasswordPolicy,
    pub oauth: OAuthState,
    pub started_at: Instant,
}

/// The signed-in user's session management.
#[derive(Debug)]
pub struct SessionsState {
    pub list: ListSessions,
    pub revoke: RevokeSession,
    pub log_out_everywhere: LogOutEverywhere,
}

/// Sign-in with providers: the configured ones only.
pub struct OAuthState {
    pub providers: HashMap<OAuthProvider, Arc<dyn IdentityProvider>>,
    pub sign_in: OAuthSignIn,
    pub states: Arc<dyn OAuthStateStore>,
    pub cipher: CookieCipher,
    /// FRONTEND_URL without a trailing slash.
    pub frontend: String,
}

impl OAuthState {
    /// The configured providers in a stable order (Google, then Discord).
    pub fn configured(&self) -> Vec<OAuthProvider> {
        OAuthProvider::ALL.into_iter().filter(|p| self.providers.contains_key(p)).collect()
    }

    pub fn login_error(&self, code: &str) -> String {
        format!("{}/login?error={code}", self.frontend)
    }

    /// `path` has been checked to be a local path starting with a single `/`.
    pub fn frontend_location(&self, path: &str) -> String {
        format!("{}{path}", self.frontend)
    }
}

impl std::fmt::Debug for OAuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthState").field("providers", &self.configured()).finish_non_exhaustive()
    }
}
