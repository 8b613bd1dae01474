//! The OAuth flow cookie: what the callback needs to finish a flow the browser started (state,
//! PKCE verifier, nonce, where to return, and for a link flow who started it), sealed with
//! AES-GCM, HttpOnly, for ten minutes (the cookie itself: `cookies`).

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yoshikosan_domain::{FlowPurpose, PendingFlow, ProviderId, SessionId, UserId};
use yoshikosan_security::CookieCipher;

/// Also the purpose the cookie key is derived for: a sealed value of another kind (or of an
/// earlier layout) cannot open.
pub const CIPHER_PURPOSE: &str = "oauth-flow-cookie-v2";

/// The key of re-authentication flows, which an earlier release does not know: during a rolling
/// update its replicas cannot open one (they would read it as a sign-in) and answer
/// `invalid_state`.
pub const REAUTHENTICATION_PURPOSE: &str = "oauth-reauthentication-cookie-v1";

/// The flow cookie's keys: sign-in and link flows under [`CIPHER_PURPOSE`], re-authentication
/// flows under [`REAUTHENTICATION_PURPOSE`].
#[derive(Debug)]
pub struct FlowCiphers {
    flows: CookieCipher,
    reauthentication: CookieCipher,
}

impl FlowCiphers {
    pub fn new(secret: &SecretString) -> Self {
        Self {
            flows: CookieCipher::new(secret, CIPHER_PURPOSE),
            reauthentication: CookieCipher::new(secret, REAUTHENTICATION_PURPOSE),
        }
    }

    pub fn seal(&self, flow: &PendingFlow) -> Option<String> {
        seal(flow, if is_reauthentication(flow) { &self.reauthentication } else { &self.flows })
    }

    /// A flow opens only under its own purpose's key.
    pub fn open(&self, sealed: &str) -> Option<PendingFlow> {
        open(&self.flows, sealed)
            .filter(|flow| !is_reauthentication(flow))
            .or_else(|| open(&self.reauthentication, sealed).filter(is_reauthentication))
    }
}

fn is_reauthentication(flow: &PendingFlow) -> bool {
    matches!(flow.purpose, FlowPurpose::Reauthenticate { .. })
}

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
    /// A re-authentication flow: the user and the session that started it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reauthenticate: Option<(Uuid, Uuid)>,
    expires_at: DateTime<Utc>,
}

pub fn seal(flow: &PendingFlow, cipher: &CookieCipher) -> Option<String> {
    let (mut link, mut reauthenticate) = (None, None);
    match flow.purpose {
        FlowPurpose::SignIn => {}
        FlowPurpose::Link { user_id, session_id } => link = Some((user_id.as_uuid(), session_id.as_uuid())),
        FlowPurpose::Reauthenticate { user_id, session_id } => {
            reauthenticate = Some((user_id.as_uuid(), session_id.as_uuid()));
        }
    }
    let sealed = SealedFlow {
        provider: flow.provider.as_str().to_owned(),
        state: flow.state.clone(),
        pkce_verifier: flow.pkce_verifier.clone(),
        nonce: flow.nonce.clone(),
        redirect_to: flow.redirect_to.clone(),
        link,
        reauthenticate,
        expires_at: flow.expires_at,
    };
    cipher.seal(&serde_json::to_vec(&sealed).ok()?)
}

/// None for anything that was not sealed by [`seal`] with this key.
pub fn open(cipher: &CookieCipher, sealed: &str) -> Option<PendingFlow> {
    let flow: SealedFlow = serde_json::from_slice(&cipher.open(sealed)?).ok()?;
    let ids = |(user, session)| (UserId::from_uuid(user), SessionId::from_uuid(session));
    let purpose = match (flow.link.map(ids), flow.reauthenticate.map(ids)) {
        (None, None) => FlowPurpose::SignIn,
        (Some((user_id, session_id)), None) => FlowPurpose::Link { user_id, session_id },
        (None, Some((user_id, session_id))) => FlowPurpose::Reauthenticate { user_id, session_id },
        (Some(_), Some(_)) => return None,
    };
    Some(PendingFlow {
        provider: ProviderId::parse(&flow.provider).ok()?,
        state: flow.state,
        pkce_verifier: flow.pkce_verifier,
        nonce: flow.nonce,
        redirect_to: flow.redirect_to,
        purpose,
        expires_at: flow.expires_at,
    })
}

/// What a `Location` may not carry raw: anything outside ASCII (`/。evil` reads as `/.evil` to
/// some), and the characters a URL never holds unencoded.
const NOT_IN_LOCATION: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'{').add(b'}').add(b'|').add(b'^');

/// A relative path on our frontend, percent-encoded, or `fallback`: never a scheme, a host
/// (`//evil.com`), a backslash that browsers read as a slash (`/\evil.com`), or a dot segment
/// (`/.//evil.com`, `/%2e%2e//evil.com`), which a browser resolves into one of those.
pub fn safe_redirect(redirect_to: Option<&str>, fallback: &str) -> String {
    match redirect_to {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 2048
                && !path.chars().any(|c| c.is_control() || c.is_whitespace())
                && !has_dot_segment(path) =>
        {
            utf8_percent_encode(path, NOT_IN_LOCATION).to_string()
        }
        _ => fallback.to_owned(),
    }
}

/// Whether the path (before any query or fragment) has a `.` or `..` segment, encoded or not.
fn has_dot_segment(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').any(|segment| matches!(segment.to_ascii_lowercase().replace("%2e", ".").as_str(), "." | ".."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(purpose: FlowPurpose) -> PendingFlow {
        PendingFlow {
            provider: ProviderId::parse("google").unwrap(),
            state: "state".into(),
            pkce_verifier: "verifier".into(),
            nonce: None,
            redirect_to: "/account".into(),
            purpose,
            expires_at: Utc::now(),
        }
    }

    #[test]
    fn a_reauthentication_flow_is_sealed_where_an_earlier_release_cannot_open_it() {
        let secret = SecretString::from("0123456789abcdef0123456789abcdef-test");
        let ciphers = FlowCiphers::new(&secret);
        let earlier_release = CookieCipher::new(&secret, CIPHER_PURPOSE);
        let ids = (UserId::generate(), SessionId::generate());
        let reauthentication = flow(FlowPurpose::Reauthenticate { user_id: ids.0, session_id: ids.1 });
        let sealed = ciphers.seal(&reauthentication).unwrap();
        assert!(open(&earlier_release, &sealed).is_none(), "an older replica answers invalid_state");
        assert_eq!(ciphers.open(&sealed).map(|f| f.purpose), Some(reauthentication.purpose));
        for purpose in [FlowPurpose::SignIn, FlowPurpose::Link { user_id: ids.0, session_id: ids.1 }] {
            let sealed = ciphers.seal(&flow(purpose)).unwrap();
            assert_eq!(open(&earlier_release, &sealed).map(|f| f.purpose), Some(purpose), "unchanged");
            assert_eq!(ciphers.open(&sealed).map(|f| f.purpose), Some(purpose));
        }
    }

    #[test]
    fn only_local_paths_are_kept() {
        for good in ["/", "/dashboard", "/a/b?tab=2#x"] {
            assert_eq!(safe_redirect(Some(good), "/"), good);
        }
        for bad in [
            "//evil.com",
            "https://evil.com",
            "/\\evil.com",
            "evil.com",
            "/\t/evil.com",
            "",
            "/ x",
            "\\\\evil.com",
            "/.//evil.com",
            "/%2e%2e//evil.com",
            "/a/..//evil.com",
            "/%2E/x",
            "/a/.",
            "/a/%2e%2E",
        ] {
            assert_eq!(safe_redirect(Some(bad), "/"), "/", "{bad:?}");
        }
        assert_eq!(safe_redirect(None, "/"), "/");
        assert_eq!(safe_redirect(Some("//evil.com"), "/account"), "/account");
    }

    #[test]
    fn what_is_kept_is_percent_encoded_for_the_location_header() {
        assert_eq!(safe_redirect(Some("/\u{3002}evil"), "/"), "/%E3%80%82evil");
        assert_eq!(safe_redirect(Some("/caf\u{e9}?q=\"a\""), "/"), "/caf%C3%A9?q=%22a%22");
        assert_eq!(safe_redirect(Some("/a.b/..c/%41?x=/../"), "/"), "/a.b/..c/%41?x=/../");
    }
}
