//! A ceremony sealed into the string the client carries between start and finish, under a key
//! of its own derived from `SECRET_KEY`: the client can neither read the challenge's state nor
//! change what the ceremony is for.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yoshikosan_domain::passkey::{Ceremony, CeremonyPurpose, CeremonySealer, CeremonyState};
use yoshikosan_domain::{SessionId, UserId};
use yoshikosan_security::CookieCipher;

#[derive(Serialize, Deserialize)]
#[serde(tag = "for")]
enum WirePurpose {
    Register { user: Uuid, session: Uuid },
    SignIn,
    Reauthenticate { user: Uuid, session: Uuid },
}

#[derive(Serialize, Deserialize)]
struct WireCeremony {
    id: String,
    purpose: WirePurpose,
    state: String,
    expires_at: DateTime<Utc>,
}

#[derive(Debug)]
pub struct CeremonyCipher(CookieCipher);

impl CeremonyCipher {
    pub fn new(secret: &SecretString) -> Self {
        Self(CookieCipher::new(secret, "passkey ceremony"))
    }
}

impl CeremonySealer for CeremonyCipher {
    fn seal(&self, ceremony: &Ceremony) -> Option<String> {
        let purpose = match ceremony.purpose {
            CeremonyPurpose::Register { user_id, session_id } => {
                WirePurpose::Register { user: user_id.as_uuid(), session: session_id.as_uuid() }
            }
            CeremonyPurpose::SignIn => WirePurpose::SignIn,
            CeremonyPurpose::Reauthenticate { user_id, session_id } => {
                WirePurpose::Reauthenticate { user: user_id.as_uuid(), session: session_id.as_uuid() }
            }
        };
        let wire = WireCeremony {
            id: ceremony.id.clone(),
            purpose,
            state: ceremony.state.as_str().to_owned(),
            expires_at: ceremony.expires_at,
        };
        self.0.seal(&serde_json::to_vec(&wire).ok()?)
    }

    fn open(&self, sealed: &str) -> Option<Ceremony> {
        let wire: WireCeremony = serde_json::from_slice(&self.0.open(sealed)?).ok()?;
        let ids = |user, session| (UserId::from_uuid(user), SessionId::from_uuid(session));
        let purpose = match wire.purpose {
            WirePurpose::Register { user, session } => {
                let (user_id, session_id) = ids(user, session);
                CeremonyPurpose::Register { user_id, session_id }
            }
            WirePurpose::SignIn => CeremonyPurpose::SignIn,
            WirePurpose::Reauthenticate { user, session } => {
                let (user_id, session_id) = ids(user, session);
                CeremonyPurpose::Reauthenticate { user_id, session_id }
            }
        };
        Some(Ceremony { id: wire.id, purpose, state: CeremonyState::new(wire.state), expires_at: wire.expires_at })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn a_sealed_ceremony_opens_as_it_was_under_the_same_key_only() {
        let key = SecretString::from("a-secret-key-that-is-long-enough-0123456789");
        let purpose = CeremonyPurpose::Register { user_id: UserId::generate(), session_id: SessionId::generate() };
        let ceremony = Ceremony::new(purpose, CeremonyState::new("{\"challenge\":\"abc\"}".into()), Utc::now());
        let sealed = CeremonyCipher::new(&key).seal(&ceremony).unwrap();
        assert!(!sealed.contains("challenge"));
        assert_eq!(CeremonyCipher::new(&key).open(&sealed), Some(ceremony));
        let other = SecretString::from("another-secret-key-long-enough-0123456789ab");
        assert_eq!(CeremonyCipher::new(&other).open(&sealed), None);
        assert_eq!(CookieCipher::new(&key, "oauth flow").open(&sealed), None, "a key of its own");
        let mut altered = sealed.clone().into_bytes();
        altered[20] = if altered[20] == b'A' { b'B' } else { b'A' };
        assert_eq!(CeremonyCipher::new(&key).open(&String::from_utf8(altered).unwrap()), None);
    }
}
