//! The OAuth flow cookie: what the callback needs to finish a flow the browser started (state,
//! PKCE verifier, nonce, where to return, and for a link flow who started it), sealed with
//! AES-GCM, HttpOnly, for ten minutes, and sent only to the callback path.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yoshikosan_domain::use_cases::FLOW_LIFETIME;
use yoshikosan_domain::{FlowPurpose, OAuthProvider, PendingFlow, SessionId, UserId};
use yoshikosan_security::CookieCipher;

use crate::config::CookieSettings;

pub const FLOW_COOKIE: &str = "yoshikosan_oauth";
const FLOW_COOKIE_PATH: &str = "/api/auth/callback";
/// Also the purpose the cookie key is derived for: a sealed value of another kind (or of an
/// earlier layout) cannot open.
pub const CIPHER_PURPOSE: &str = "oauth-flow-cookie-v2";

/// A [`PendingFlow`] as the cookie carries it.
#[derive(Debug, Serialize, Deserialize)]
struct SealedFlow {
    provider: String,
    state: String,
    pkce_verifier: String,
    nonce: Option<String>,
    redirect_to: String,
    /// A link flow: the user and the session that started it.
    link: Option<(Uuid, Uuid)>,
    expires_at: DateTime<Utc>,
}

pub fn seal(flow: &PendingFlow, cipher: &CookieCipher) -> Option<String> {
    let link = match flow.purpose {
        FlowPurpose::SignIn => None,
        FlowPurpose::Link { user_id, session_id } => Some((user_id.as_uuid(), session_id.as_uuid())),
    };
    let sealed = SealedFlow {
        provider: flow.provider.as_str().to_owned(),
        state: flow.state.clone(),
        pkce_verifier: flow.pkce_verifier.clone(),
        nonce: flow.nonce.clone(),
        redirect_to: flow.redirect_to.clone(),
        link,
        expires_at: flow.expires_at,
    };
    cipher.seal(&serde_json::to_vec(&sealed).ok()?)
}

/// None for anything that was not sealed by [`seal`] with this key.
pub fn open(cipher: &CookieCipher, sealed: &str) -> Option<PendingFlow> {
    let flow: SealedFlow = serde_json::from_slice(&cipher.open(sealed)?).ok()?;
    let purpose = match flow.link {
        None => FlowPurpose::SignIn,
        Some((user, session)) => {
            FlowPurpose::Link { user_id: UserId::from_uuid(user), session_id: SessionId::from_uuid(session) }
        }
    };
    Some(PendingFlow {
        provider: OAuthProvider::parse(&flow.provider)?,
        state: flow.state,
        pkce_verifier: flow.pkce_verifier,
        nonce: flow.nonce,
        redirect_to: flow.redirect_to,
        purpose,
        expires_at: flow.expires_at,
    })
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

/// A relative path on our frontend, or `fallback`: never a scheme, a host (`//evil.com`), or a
/// backslash that browsers read as a slash (`/\evil.com`).
pub fn safe_redirect(redirect_to: Option<&str>, fallback: &str) -> String {
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
        _ => fallback.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept() {
        for good in ["/", "/dashboard", "/a/b?tab=2#x"] {
            assert_eq!(safe_redirect(Some(good), "/"), good);
        }
        for bad in
            ["//evil.com", "https://evil.com", "/\\evil.com", "evil.com", "/\t/evil.com", "", "/ x", "\\\\evil.com"]
        {
            assert_eq!(safe_redirect(Some(bad), "/"), "/", "{bad:?}");
        }
        assert_eq!(safe_redirect(None, "/"), "/");
        assert_eq!(safe_redirect(Some("//evil.com"), "/account"), "/account");
    }
}
