//! Removing a way in, the proof a session records, and the rows an older replica writes, on
//! SQLite and (with `TEST_DATABASE_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::{Duration, SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use uuid::Uuid;
use yoshikosan_domain::ports::{
    AccountWrite, OAuthAccountRepository, OAuthSignInStore, OAuthSignInWrite, PasswordWrite, RemovedMethod,
    SignInMethodRemoval, UserRepository,
};
use yoshikosan_domain::{OAuthAccount, ProviderId, Session, SessionId, SignInMethod, User, UserId};
use yoshikosan_persistence::testing::TestDatabase;

mod support;
use support::{new_session, new_user};

fn provider(id: &str) -> ProviderId {
    ProviderId::parse(id).unwrap()
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A session of `user` opened by `method`.
fn opened_by(user: &User, method: SignInMethod) -> Session {
    Session { method, ..new_session(user) }
}

/// Links `provider` (as `sub`) to the user, as a link flow does.
async fn link(db: &TestDatabase, user: &User, provider_id: &str, sub: &str) {
    let link = OAuthAccount {
        id: Uuid::now_v7(),
        user_id: user.id,
        provider: provider(provider_id),
        provider_user_id: sub.into(),
        issuer: None,
        created_at: now(),
        updated_at: now(),
    };
    let account = support::as_read(user);
    let write = OAuthSignInWrite {
        notice: None,
        account: AccountWrite::Existing(account),
        new_link: Some(link),
        session: None,
        replaces: None,
    };
    db.database.oauth_sign_ins().commit(&write).await.unwrap();
}

/// A user with a password and the given links, signed in by `keep` (a password session).
async fn account(db: &TestDatabase, providers: &[&str]) -> (User, Session) {
    let mut user = new_user("ada@example.com");
    let keep = new_session(&user);
    db.database.users().create_with_session(&user, &keep, None).await.unwrap();
    for (i, p) in providers.iter().enumerate() {
        link(db, &user, p, &format!("{p}-sub-{i}")).await;
        user.linked_providers.push(provider(p));
    }
    (user, keep)
}

fn removal(user: &User, keep: &Session, remove: RemovedMethod) -> SignInMethodRemoval {
    SignInMethodRemoval {
        notice: None,
        user_id: user.id,
        password: user.password_hash.clone(),
        providers: user.linked_providers.clone(),
        passkeys: user.passkeys,
        remove,
        keep: keep.id,
        now: now(),
    }
}

#[tokio::test]
async fn unlinking_remembers_the_identity_and_ends_only_the_other_sessions_it_may_have_opened() {
    let db = TestDatabase::fresh().await;
    let (user, keep) = account(&db, &["google", "discord"]).await;
    let sessions = db.database.sessions();
    let by_google = opened_by(&user, SignInMethod::Provider(provider("google")));
    let by_password = opened_by(&user, SignInMethod::Password);
    let current_by_google = opened_by(&user, SignInMethod::Provider(provider("google")));
    let unknown = opened_by(&user, SignInMethod::Unknown);
    for session in [&by_google, &by_password, &current_by_google, &unknown] {
        sessions.create(session).await.unwrap();
    }
    let unlink = removal(&user, &current_by_google, RemovedMethod::Provider(provider("google")));
    assert_eq!(db.database.users().remove_sign_in_method(&unlink).await.unwrap(), PasswordWrite::Done);

    let after = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(after.linked_providers, [provider("discord")]);
    assert!(after.password_hash.is_some());
    assert!(!db_sessions(&db, by_google.id).await, "another session Google opened ends");
    assert!(!db_sessions(&db, unknown.id).await, "and one that may have been opened by it");
    assert!(db_sessions(&db, current_by_google.id).await, "the asking session stays");
    assert!(db_sessions(&db, by_password.id).await, "sessions of other ways in stay");
    assert!(db_sessions(&db, keep.id).await);
    let accounts = db.database.oauth_accounts();
    assert!(accounts.was_unlinked_by(user.id, &provider("google"), "google-sub-0").await.unwrap());
    assert!(!accounts.was_unlinked_by(user.id, &provider("discord"), "discord-sub-1").await.unwrap());

    // Linked again on purpose: no longer remembered as unlinked.
    link(&db, &after, "google", "google-sub-0").await;
    assert!(!accounts.was_unlinked_by(user.id, &provider("google"), "google-sub-0").await.unwrap());
}

async fn db_sessions(db: &TestDatabase, id: SessionId) -> bool {
    db.database.sessions().find_with_user(id).await.unwrap().is_some()
}

/// Links written in the same microsecond come back in either order: the same links, read in
/// another order, are no change to the account.
#[tokio::test]
async fn links_read_in_another_order_are_the_same_links() {
    let db = TestDatabase::fresh().await;
    let (mut user, keep) = account(&db, &["google", "discord"]).await;
    user.linked_providers.reverse();
    let unlink = removal(&user, &keep, RemovedMethod::Provider(provider("google")));
    assert_eq!(db.database.users().remove_sign_in_method(&unlink).await.unwrap(), PasswordWrite::Done);
}

#[tokio::test]
async fn removing_the_password_ends_the_other_password_sessions() {
    let db = TestDatabase::fresh().await;
    let (user, keep) = account(&db, &["google"]).await;
    let other = opened_by(&user, SignInMethod::Password);
    db.database.sessions().create(&other).await.unwrap();
    let write = db.database.users().remove_sign_in_method(&removal(&user, &keep, RemovedMethod::Password)).await;
    assert_eq!(write.unwrap(), PasswordWrite::Done);
    let after = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
    assert!(after.password_hash.is_none());
    assert!(db_sessions(&db, keep.id).await);
    assert!(!db_sessions(&db, other.id).await);
}

/// Two removals decided on the same reading, sent at once: the user's lock lets one through,
/// and the other finds the account changed and writes nothing.
#[tokio::test]
async fn two_removals_at_once_cannot_both_pass() {
    let db = TestDatabase::fresh().await;
    let (mut user, keep) = account(&db, &["google", "discord"]).await;
    user.password_hash = None;
    let backend = db.backend();
    let clear = match backend {
        DbBackend::Postgres => "UPDATE users SET password_hash = NULL WHERE id = $1",
        _ => "UPDATE users SET password_hash = NULL WHERE id = ?",
    };
    let statement = Statement::from_sql_and_values(backend, clear, [user.id.as_uuid().into()]);
    db.database.connection().execute_raw(statement).await.unwrap();
    for _ in 0..5 {
        let users = db.database.users();
        let google = removal(&user, &keep, RemovedMethod::Provider(provider("google")));
        let discord = removal(&user, &keep, RemovedMethod::Provider(provider("discord")));
        let (a, b) = tokio::join!(users.remove_sign_in_method(&google), users.remove_sign_in_method(&discord));
        let mut answers = [a.unwrap(), b.unwrap()];
        answers.sort_by_key(|w| format!("{w:?}"));
        assert_eq!(answers, [PasswordWrite::Done, PasswordWrite::Stale]);
        let left = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(left.linked_providers.len(), 1, "one way in is left");
        // Put the removed one back for the next round.
        let removed = if left.linked_providers[0] == provider("google") { "discord" } else { "google" };
        link(&db, &left, removed, &format!("{removed}-again-{}", Uuid::now_v7())).await;
        user = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn a_proof_is_recorded_on_the_users_live_session_only() {
    let db = TestDatabase::fresh().await;
    let (user, keep) = account(&db, &[]).await;
    let sessions = db.database.sessions();
    let later = now() + Duration::minutes(3);
    assert!(!sessions.record_proof(UserId::generate(), keep.id, later).await.unwrap(), "another user's");
    assert!(sessions.find_proof(UserId::generate(), keep.id).await.unwrap().is_none());
    assert!(sessions.record_proof(user.id, keep.id, later).await.unwrap());
    assert_eq!(sessions.find_proof(user.id, keep.id).await.unwrap().unwrap().authenticated_at, later);
    let listed = sessions.list_active(user.id, now()).await.unwrap();
    assert_eq!((listed[0].authenticated_at, &listed[0].method), (later, &SignInMethod::Password));
    let after_expiry = keep.expires_at + Duration::seconds(1);
    assert!(!sessions.record_proof(user.id, keep.id, after_expiry).await.unwrap(), "expired");
}

/// A replica of the previous release inserts sessions without the new columns: its sessions
/// read as proven when they were created, by an unknown method.
#[tokio::test]
async fn a_session_an_older_replica_wrote_reads_its_creation_as_its_proof() {
    let db = TestDatabase::fresh().await;
    let (user, keep) = account(&db, &[]).await;
    let backend = db.backend();
    let created = now() - Duration::hours(2);
    let id = SessionId::generate();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO sessions (id, user_id, token_hash, expires_at, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)"
        }
        _ => {
            "INSERT INTO sessions (id, user_id, token_hash, expires_at, created_at, last_seen_at) \
             VALUES (?, ?, ?, ?, ?, ?)"
        }
    };
    let values = [
        id.as_uuid().into(),
        user.id.as_uuid().into(),
        "older-replica-token-hash".into(),
        (created + Duration::days(7)).into(),
        created.into(),
        created.into(),
    ];
    db.database.connection().execute_raw(Statement::from_sql_and_values(backend, sql, values)).await.unwrap();
    let sessions = db.database.sessions();
    assert_eq!(sessions.find_proof(user.id, id).await.unwrap().unwrap().authenticated_at, created);
    let (session, _) = sessions.find_with_user(id).await.unwrap().unwrap();
    assert_eq!((session.method, session.authenticated_at), (SignInMethod::Unknown, created));
    assert!(db_sessions(&db, keep.id).await);
}
