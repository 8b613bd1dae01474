//! The passkeys' relying party: its ID, the name browsers show, and the page origins that can
//! use it. Passkeys are off, saying why, when no origin can; an RP ID set explicitly that cannot
//! work is a problem, since the operator asked for it.

use yoshikosan_passkeys::{PasskeysOff, Url, passkey_origins};

use super::vars::{Problems, Vars};

#[derive(Debug, Clone)]
pub struct PasskeySettings {
    pub rp_id: String,
    pub rp_name: String,
    /// The origins passkeys work from; why they are off otherwise.
    pub origins: Result<Vec<Url>, PasskeysOff>,
}

impl PasskeySettings {
    pub fn enabled(&self) -> bool {
        self.origins.is_ok()
    }
}

const DEFAULT_RP_NAME: &str = "Yoshikosan";
const MAX_RP_NAME_CHARS: usize = 100;

/// `origins` are the browser origins allowed to call the API: FRONTEND_URL's (at each of its
/// ports) and CORS_ORIGINS.
pub(super) fn passkeys(
    vars: &Vars,
    frontend: Option<&Url>,
    origins: Option<&Vec<String>>,
    problems: &mut Problems,
) -> Option<PasskeySettings> {
    let rp_name = vars.get("WEBAUTHN_RP_NAME").unwrap_or(DEFAULT_RP_NAME).to_owned();
    let name_ok =
        problems.check(if rp_name.chars().count() > MAX_RP_NAME_CHARS || rp_name.chars().any(char::is_control) {
            Err(format!("WEBAUTHN_RP_NAME must be at most {MAX_RP_NAME_CHARS} characters without control characters"))
        } else {
            Ok(())
        });
    let explicit = vars.get("WEBAUTHN_RP_ID").map(str::to_ascii_lowercase);
    let rp_id = explicit.clone().or_else(|| frontend.and_then(Url::host_str).map(str::to_owned))?;
    let candidates: Vec<Url> = frontend
        .map(|url| url.as_str())
        .into_iter()
        .chain(origins.into_iter().flatten().map(String::as_str))
        .filter_map(|origin| Url::parse(origin).ok())
        .collect();
    let found = passkey_origins(&rp_id, &candidates);
    if let (Some(_), Err(off)) = (&explicit, &found) {
        problems.0.push(off.to_string());
        return None;
    }
    name_ok?;
    Some(PasskeySettings { rp_id, rp_name, origins: found })
}
