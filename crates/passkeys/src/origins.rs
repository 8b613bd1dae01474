//! Which of the site's origins can use passkeys under an RP ID. Browsers accept no IP address
//! as a relying party, and a passkey only from a secure context: https, or plain http on
//! `localhost`.

use std::net::IpAddr;

use webauthn_rs::prelude::Url;

/// Why passkeys are off, for `check-config` and the start-up log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeysOff {
    #[error("WEBAUTHN_RP_ID is {0:?}, an IP address: browsers accept only a domain as a passkey's relying party")]
    AddressAsRpId(String),
    #[error("WEBAUTHN_RP_ID is {0:?}, which is not a domain name")]
    NotADomain(String),
    #[error(
        "no page origin can use passkeys under the RP ID {rp_id:?}: an origin must be https (or plain http on \
         localhost) and its host the RP ID or under it (FRONTEND_URL and CORS_ORIGINS give {origins})"
    )]
    NoOrigin { rp_id: String, origins: String },
}

/// The origins among `candidates` that may use passkeys under `rp_id`, in order and without
/// repeats; an error when there are none or the RP ID cannot be one.
pub fn passkey_origins(rp_id: &str, candidates: &[Url]) -> Result<Vec<Url>, PasskeysOff> {
    let bare = rp_id.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<IpAddr>().is_ok() {
        return Err(PasskeysOff::AddressAsRpId(rp_id.to_owned()));
    }
    let is_domain = !rp_id.is_empty()
        && rp_id
            .split('.')
            .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !is_domain {
        return Err(PasskeysOff::NotADomain(rp_id.to_owned()));
    }
    let mut accepted: Vec<Url> = Vec::new();
    for origin in candidates {
        let Some(host) = origin.domain() else { continue };
        let under = host == rp_id || host.ends_with(&format!(".{rp_id}"));
        let local = host == "localhost" || host.ends_with(".localhost");
        let secure = origin.scheme() == "https" || (origin.scheme() == "http" && local);
        let origin = Url::parse(&origin.origin().ascii_serialization()).ok();
        if let Some(origin) = origin.filter(|o| under && secure && !accepted.contains(o)) {
            accepted.push(origin);
        }
    }
    if accepted.is_empty() {
        let origins = candidates.iter().map(|o| o.origin().ascii_serialization()).collect::<Vec<_>>().join(", ");
        return Err(PasskeysOff::NoOrigin { rp_id: rp_id.to_owned(), origins });
    }
    Ok(accepted)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn urls(list: &[&str]) -> Vec<Url> {
        list.iter().map(|u| Url::parse(u).unwrap()).collect()
    }

    #[test]
    fn https_origins_under_the_rp_id_and_http_on_localhost_qualify() {
        let found = passkey_origins(
            "example.com",
            &urls(&[
                "https://app.example.com/",
                "https://example.com:8443",
                "http://example.com",
                "https://example.org",
            ]),
        )
        .unwrap();
        assert_eq!(found, urls(&["https://app.example.com", "https://example.com:8443"]));
        assert_eq!(
            passkey_origins("localhost", &urls(&["http://localhost:6666"])).unwrap(),
            urls(&["http://localhost:6666"])
        );
    }

    #[test]
    fn an_address_or_a_site_without_a_secure_origin_turns_passkeys_off_saying_why() {
        assert!(matches!(
            passkey_origins("127.0.0.1", &urls(&["http://127.0.0.1:3000"])),
            Err(PasskeysOff::AddressAsRpId(_))
        ));
        assert!(matches!(passkey_origins("[::1]", &urls(&["http://[::1]:3000"])), Err(PasskeysOff::AddressAsRpId(_))));
        let Err(off) = passkey_origins("example.com", &urls(&["http://example.com"])) else { panic!("http accepted") };
        assert!(off.to_string().contains("http://example.com"), "{off}");
        assert!(matches!(passkey_origins("exa mple.com", &[]), Err(PasskeysOff::NotADomain(_))));
    }
}
