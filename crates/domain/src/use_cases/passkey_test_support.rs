//! A passkey use case's ports for tests: a sealer and a ledger of finished ceremonies that
//! behave as the real ones do, and mocks for the rest.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::passkey_ceremonies::PasskeyPorts;
use super::test_support::{clock_at, t0};
use crate::passkey::{
    Assertion, Ceremony, CeremonySealer, CredentialId, CredentialResponse, MockPasskeyRepository, MockRelyingParty,
    Passkey, PasskeyId, PasskeyName, PublicKeyOptions, StoredCredential,
};
use crate::ports::{MockUserRepository, OAuthStateStore, StoreError};
use crate::user::{User, UserId};

/// Seals by keeping: the client holds only a key, and anything else opens nothing.
#[derive(Default)]
pub struct KeptCeremonies(Mutex<HashMap<String, Ceremony>>);

impl CeremonySealer for KeptCeremonies {
    fn seal(&self, ceremony: &Ceremony) -> Option<String> {
        let key = format!("sealed-{}", ceremony.id);
        self.0.lock().unwrap().insert(key.clone(), ceremony.clone());
        Some(key)
    }

    fn open(&self, sealed: &str) -> Option<Ceremony> {
        self.0.lock().unwrap().get(sealed).cloned()
    }
}

/// Remembers every key consumed.
#[derive(Default)]
pub struct Ledger(Mutex<HashSet<String>>);

#[async_trait]
impl OAuthStateStore for Ledger {
    async fn consume(&self, state: &str, _expires_at: DateTime<Utc>) -> Result<bool, StoreError> {
        Ok(self.0.lock().unwrap().insert(state.to_owned()))
    }
}

pub fn passkey_of(user_id: UserId, credential: &str) -> Passkey {
    Passkey {
        id: PasskeyId::generate(),
        user_id,
        credential_id: CredentialId::from_base64url(credential.into()),
        credential: StoredCredential::new(format!("stored {credential}")),
        name: PasskeyName::parse("Chrome on Linux").unwrap(),
        sign_count: 3,
        backed_up: false,
        address_unproven: false,
        created_at: t0(),
        last_used_at: None,
    }
}

pub fn answer(credential: &str) -> CredentialResponse {
    CredentialResponse::new(format!("{{\"id\":\"{credential}\"}}"))
}

pub fn options() -> (PublicKeyOptions, crate::passkey::CeremonyState) {
    (PublicKeyOptions::new("{\"challenge\":\"c\"}".into()), crate::passkey::CeremonyState::new("state".into()))
}

pub fn assertion(count: u32) -> Assertion {
    Assertion { sign_count: count, backed_up: false, credential: StoredCredential::new(format!("count {count}")) }
}

/// A relying party that names `(user, credential)` for every answer.
pub fn identifying(user: UserId, credential: &'static str) -> MockRelyingParty {
    let mut rp = MockRelyingParty::new();
    rp.expect_start_sign_in().returning(|| Ok(options()));
    rp.expect_start_reauthentication().returning(|_| Ok(options()));
    rp.expect_start_registration().returning(|_, _| Ok(options()));
    rp.expect_identify().returning(move |_| Ok((Some(user), CredentialId::from_base64url(credential.into()))));
    rp
}

pub fn users_finding(user: User) -> MockUserRepository {
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(move |_| Ok(Some(user.clone())));
    users
}

pub fn ports(users: MockUserRepository, passkeys: MockPasskeyRepository, rp: MockRelyingParty) -> PasskeyPorts {
    PasskeyPorts {
        users: Arc::new(users),
        passkeys: Arc::new(passkeys),
        relying_party: Arc::new(rp),
        sealer: Arc::new(KeptCeremonies::default()),
        used: Arc::new(Ledger::default()),
        clock: clock_at(t0()),
    }
}

/// The same ports, read at another time: a ceremony started under `ports` is finished later.
pub fn later(ports: &PasskeyPorts, now: DateTime<Utc>) -> PasskeyPorts {
    PasskeyPorts { clock: clock_at(now), ..ports.clone() }
}
