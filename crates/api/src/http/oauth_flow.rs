//! The OAuth flow cookie: what the callback needs to finish a sign-in the browser started (state,
//! PKCE verifier, nonce, where to return, who was signed in), sealed with AES-GCM, HttpOnly, for
//! ten minutes, and sent only to the callback path.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yoshikosan_security::CookieCipher;

use crate::config::CookieSettings;

pub const FLOW_COOKIE: &str = "yoshikosan_oauth";
const FLOW_COOKIE_PATH: &str = "/api/auth/callback";
pub const FLOW_LIFETIME: Duration = Duration::minutes(10);
/// Also the purpose the cookie key is derived for: a sealed value of another kind cannot open.
pub const CIPHER_PURPOSE: &str = "oauth-flow-cookie-v1";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FlowState {
    pub provider: String,
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: Option<String>,
    pub redirect_to: String,
    pub signed_in_user: Option<Uuid>,
    pub expires_at: DateTime<Utc>,
}

impl FlowState {
    pub fn seal(&self, cipher: &CookieCipher) -> Option<String> {
        cipher.seal(&serde_json::to_vec(self).ok()?)
    }

    pub fn open(cipher: &CookieCipher, sealed: &str) -> Option<Self> {
        serde_json::from_slice(&cipher.open(sealed)?).ok()
    }
}

/// SameSite=Lax: Strict would be withheld on the provider's cross-site redirect back to us.
pub fn flow_cookie(settings: &CookieSettings, sealed: String) -> Cookie<'static> {
    Cookie::build(FLOW_COOKIE, sealed)
        .http_only(true)
        .path(FLOW_COOKIE_PATH)
        .same_site(SameSite::Lax)
        .secure(settings.secure)
        .max_age(CookieDuration::seconds(FLOW_LIFETIME.num_seconds()))
        .finish()
}

pub fn flow_cookie_removal(settings: &CookieSettings) -> Cookie<'static> {
    let mut cookie = flow_cookie(settings, String::new());
    cookie.make_removal();
    cookie
}

/// A relative path on our frontend, or `/`: never a scheme, a host (`//evil.com`), or a
/// backslash that browsers read as a slash (`/\evil.com`).
pub fn safe_redirect(redirect_to: Option<&str>) -> String {
    match redirect_to {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 2048
                && !path.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept() {
        for good in ["/", "/dashboard", "/a/b?tab=2#x"] {
            assert_eq!(safe_redirect(Some(good)), good);
        }
        for bad in
            ["//evil.com", "https://evil.com", "/\\evil.com", "evil.com", "/\t/evil.com", "", "/ x", "\\\\evil.com"]
        {
            assert_eq!(safe_redirect(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_redirect(None), "/");
    }
}
