//! Passkeys in the store, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL: one credential
//! once, a use recorded only while its counter moves forward, the session a use opens written
//! with it, and a removal ending the sessions the passkey opened and no others.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::{Duration, SubsecRound, Utc};
use yoshikosan_domain::passkey::{
    Assertion, CredentialId, Passkey, PasskeyAdded, PasskeyAddition, PasskeyId, PasskeyName, PasskeyRepository,
    PasskeyUse, StoredCredential, UseRecorded,
};
use yoshikosan_domain::ports::{PasswordWrite, RemovedMethod, SignInMethodRemoval, UserRepository};
use yoshikosan_domain::{Session, SignInMethod, User};
use yoshikosan_persistence::testing::TestDatabase;

mod support;
use support::{new_session, new_user, stored};

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn passkey(user: &User, credential: &str, count: u32) -> Passkey {
    Passkey {
        id: PasskeyId::generate(),
        user_id: user.id,
        credential_id: CredentialId::from_base64url(credential.into()),
        credential: StoredCredential::new(format!("{{\"counter\":{count}}}")),
        name: PasskeyName::parse("Chrome on Linux").unwrap(),
        sign_count: count,
        backed_up: false,
        address_unproven: false,
        created_at: now(),
        last_used_at: None,
    }
}

async fn account(db: &TestDatabase, email: &str) -> (User, Session) {
    let user = new_user(email);
    let session = new_session(&user);
    db.database.users().create_with_session(&user, &session, None).await.unwrap();
    (user, session)
}

async fn added(db: &TestDatabase, user: &User, keep: &Session, credential: &str, count: u32) -> Passkey {
    let passkey = passkey(user, credential, count);
    let addition = PasskeyAddition { passkey: passkey.clone(), keep: keep.id, now: now(), notice: None };
    assert_eq!(db.database.passkeys().add(&addition).await.unwrap(), PasskeyAdded::Done);
    passkey
}

fn used(passkey: &Passkey, count: u32) -> PasskeyUse {
    let assertion = Assertion {
        sign_count: count,
        backed_up: true,
        credential: StoredCredential::new(format!("{{\"counter\":{count}}}")),
    };
    PasskeyUse { passkey_id: passkey.id, user_id: passkey.user_id, assertion, at: now() }
}

#[tokio::test]
async fn a_credential_is_registered_once_on_any_account_and_counts_as_a_way_in() {
    let db = TestDatabase::fresh().await;
    let (ada, ada_session) = account(&db, "ada@example.com").await;
    let (bob, bob_session) = account(&db, "bob@example.com").await;
    added(&db, &ada, &ada_session, "credential-1", 0).await;
    let again =
        PasskeyAddition { passkey: passkey(&bob, "credential-1", 0), keep: bob_session.id, now: now(), notice: None };
    assert_eq!(db.database.passkeys().add(&again).await.unwrap(), PasskeyAdded::Exists);
    assert_eq!(db.database.users().find_by_id(ada.id).await.unwrap().unwrap().passkeys, 1);
    let (_, looked_up) = db.database.sessions().find_with_user(ada_session.id).await.unwrap().unwrap();
    assert_eq!(looked_up.passkeys, 1, "the per-request lookup sees it too");
    assert_eq!(db.database.users().find_by_id(bob.id).await.unwrap().unwrap().passkeys, 0);
}

#[tokio::test]
async fn a_revoked_session_adds_nothing() {
    let db = TestDatabase::fresh().await;
    let (ada, session) = account(&db, "ada@example.com").await;
    db.database.sessions().delete(session.id).await.unwrap();
    let addition =
        PasskeyAddition { passkey: passkey(&ada, "credential-1", 0), keep: session.id, now: now(), notice: None };
    assert_eq!(db.database.passkeys().add(&addition).await.unwrap(), PasskeyAdded::SessionEnded);
    assert!(db.database.passkeys().list(ada.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_use_is_recorded_only_while_its_counter_moves_forward_and_its_session_only_with_it() {
    let db = TestDatabase::fresh().await;
    let (ada, keep) = account(&db, "ada@example.com").await;
    let counting = added(&db, &ada, &keep, "counting", 3).await;
    let store = db.database.passkeys();
    let first = Session { method: SignInMethod::Passkey(counting.id), ..new_session(&ada) };
    assert_eq!(store.sign_in(&used(&counting, 5), &first, Some(keep.id)).await.unwrap(), UseRecorded::Done);
    assert!(stored(&*db.database.sessions(), first.id).await.is_some());
    assert!(stored(&*db.database.sessions(), keep.id).await.is_none(), "the browser's previous session is replaced");
    let older = Session { method: SignInMethod::Passkey(counting.id), ..new_session(&ada) };
    assert_eq!(store.sign_in(&used(&counting, 4), &older, None).await.unwrap(), UseRecorded::CounterWentBackwards);
    assert!(stored(&*db.database.sessions(), older.id).await.is_none(), "no session for a refused use");
    let listed = store.list(ada.id).await.unwrap();
    assert_eq!((listed[0].sign_count, listed[0].backed_up), (5, true));
    assert!(listed[0].last_used_at.is_some());
    assert_eq!(listed[0].credential, StoredCredential::new("{\"counter\":5}".into()));
    // An authenticator that keeps no counter answers 0 each time, and is not refused for it.
    let synced = added(&db, &ada, &first, "synced", 0).await;
    for _ in 0..2 {
        let session = Session { method: SignInMethod::Passkey(synced.id), ..new_session(&ada) };
        assert_eq!(store.sign_in(&used(&synced, 0), &session, None).await.unwrap(), UseRecorded::Done);
    }
}

#[tokio::test]
async fn removing_a_passkey_ends_the_sessions_it_opened_and_only_those() {
    let db = TestDatabase::fresh().await;
    let (mut ada, keep) = account(&db, "ada@example.com").await;
    let one = added(&db, &ada, &keep, "one", 0).await;
    let two = added(&db, &ada, &keep, "two", 0).await;
    ada.passkeys = 2;
    let store = db.database.passkeys();
    let by_one = Session { method: SignInMethod::Passkey(one.id), ..new_session(&ada) };
    let by_two = Session { method: SignInMethod::Passkey(two.id), ..new_session(&ada) };
    let by_password = new_session(&ada);
    store.sign_in(&used(&one, 0), &by_one, None).await.unwrap();
    store.sign_in(&used(&two, 0), &by_two, None).await.unwrap();
    db.database.sessions().create(&by_password).await.unwrap();
    let removal = SignInMethodRemoval {
        user_id: ada.id,
        password: ada.password_hash.clone(),
        providers: vec![],
        passkeys: 2,
        remove: RemovedMethod::Passkey(one.id),
        keep: keep.id,
        now: now(),
        notice: None,
    };
    assert_eq!(db.database.users().remove_sign_in_method(&removal).await.unwrap(), PasswordWrite::Done);
    let sessions = db.database.sessions();
    assert!(stored(&*sessions, by_one.id).await.is_none());
    assert!(stored(&*sessions, by_two.id).await.is_some());
    assert!(stored(&*sessions, by_password.id).await.is_some());
    assert!(stored(&*sessions, keep.id).await.is_some());
    // Decided on two passkeys; one is left, so the same decision is stale.
    let again = SignInMethodRemoval { remove: RemovedMethod::Passkey(two.id), ..removal };
    assert_eq!(db.database.users().remove_sign_in_method(&again).await.unwrap(), PasswordWrite::Stale);
    assert_eq!(store.list(ada.id).await.unwrap().len(), 1);
    // A use of the removed passkey opens nothing.
    let late = Session { method: SignInMethod::Passkey(one.id), ..new_session(&ada) };
    assert_eq!(store.sign_in(&used(&one, 0), &late, None).await.unwrap(), UseRecorded::Gone);
    assert!(stored(&*sessions, late.id).await.is_none());
}

#[tokio::test]
async fn a_passkey_re_authentication_records_the_proof_on_a_live_session_only() {
    let db = TestDatabase::fresh().await;
    let (ada, keep) = account(&db, "ada@example.com").await;
    let key = added(&db, &ada, &keep, "key", 0).await;
    let mut proof = used(&key, 0);
    proof.at = now() + Duration::seconds(30);
    let store = db.database.passkeys();
    assert_eq!(store.reauthenticate(&proof, keep.id).await.unwrap(), UseRecorded::Done);
    let (session, _) = db.database.sessions().find_with_user(keep.id).await.unwrap().unwrap();
    assert_eq!(session.authenticated_at, proof.at);
    db.database.sessions().delete(keep.id).await.unwrap();
    assert_eq!(store.reauthenticate(&used(&key, 0), keep.id).await.unwrap(), UseRecorded::SessionEnded);
}
