use std::time::Instant;

use yoshikosan_domain::use_cases::{Authenticate, LogIn, LogOut, Register};
use yoshikosan_domain::{PasswordPolicy, TokenTtl};
use yoshikosan_persistence::Database;

use crate::config::CookieSettings;
use crate::routes::auth::ProviderResponse;

/// What the handlers share: the use cases, wired to their adapters at start-up.
#[derive(Debug)]
pub struct AppState {
    pub register: Register,
    pub log_in: LogIn,
    pub log_out: LogOut,
    pub authenticate: Authenticate,
    pub database: Database,
    pub cookie: CookieSettings,
    pub access_token_ttl: TokenTtl,
    pub password_policy: PasswordPolicy,
    pub oauth_providers: Vec<ProviderResponse>,
    pub started_at: Instant,
}
