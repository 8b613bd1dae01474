//! The lookup of every authenticated request, and the PostgreSQL session cache behind it:
//! what was revoked or changed, by this process, another, or by hand, is never served stale.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{ConnectionTrait, DbBackend};
use yoshikosan_domain::passkey::{
    CredentialId, Passkey, PasskeyAdded, PasskeyAddition, PasskeyId, PasskeyName, PasskeyRepository, StoredCredential,
};
use yoshikosan_domain::ports::{AccountWrite, OAuthSignInStore, OAuthSignInWrite, SessionRepository, UserRepository};
use yoshikosan_domain::{OAuthAccount, ProviderId, Session, User};
use yoshikosan_persistence::testing::TestDatabase;
use yoshikosan_persistence::{Database, DatabaseOptions};

mod support;
use support::{new_session, new_user};

/// A link to `user` as it stands.
fn linking(user: &User) -> AccountWrite {
    AccountWrite::Existing(support::as_read(user))
}

async fn signed_in(db: &Database) -> (User, Session) {
    let user = new_user("ada@example.com");
    let session = new_session(&user);
    db.users().create_with_session(&user, &session, None).await.unwrap();
    (user, session)
}

fn link(user: &User, provider: ProviderId) -> OAuthAccount {
    let now = Utc::now();
    OAuthAccount {
        id: uuid::Uuid::now_v7(),
        user_id: user.id,
        provider_user_id: format!("{provider}-1"),
        provider,
        issuer: None,
        created_at: now,
        updated_at: now,
    }
}

/// Polls `check` for up to five seconds: news from another connection is not instant.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) {
        if check().await {
            return start.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    panic!("{what}: not within 5 s");
}

#[tokio::test]
async fn finds_the_session_with_its_user_and_linked_providers() {
    let db = TestDatabase::fresh().await;
    let (user, session) = signed_in(&db.database).await;
    let (found_session, found_user) = db.database.sessions().find_with_user(session.id).await.unwrap().unwrap();
    assert_eq!(found_session, session);
    assert_eq!((found_user.id, found_user.linked_providers.len()), (user.id, 0));

    for provider in [support::provider("discord"), support::provider("google")] {
        let write = OAuthSignInWrite {
            notice: None,
            replaces: None,
            account: linking(&user),
            new_link: Some(link(&user, provider)),
            session: Some(new_session(&user)),
        };
        db.database.oauth_sign_ins().commit(&write).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Read through a second pool, whose cache has never seen this user.
    let other = Database::connect(&db.url, &DatabaseOptions::default()).await.unwrap();
    let (_, found_user) = other.sessions().find_with_user(session.id).await.unwrap().unwrap();
    assert_eq!(
        found_user.linked_providers,
        [support::provider("discord"), support::provider("google")],
        "in the order linked"
    );
    assert_eq!(other.sessions().find_with_user(new_session(&user).id).await.unwrap(), None);
}

#[tokio::test]
async fn a_session_revoked_here_is_refused_by_the_next_lookup() {
    let db = TestDatabase::fresh().await;
    let (_, session) = signed_in(&db.database).await;
    wait_until_live(&db.database).await;
    let sessions = db.database.sessions();
    assert!(sessions.find_with_user(session.id).await.unwrap().is_some());
    // On PostgreSQL this one is answered from the cache.
    assert!(sessions.find_with_user(session.id).await.unwrap().is_some());
    sessions.delete(session.id).await.unwrap();
    assert_eq!(sessions.find_with_user(session.id).await.unwrap(), None);
}

/// The test above can pass on the notification alone, when it wins the race with the next
/// lookup. Here the trigger that sends it is off, so only this instance's own eviction can help.
#[tokio::test]
async fn a_revocation_here_is_refused_at_once_without_its_notification() {
    let Some(db) = postgres().await else { return };
    let (user, first) = signed_in(&db.database).await;
    let sessions = db.database.sessions();
    let [second, third, unseen] = [new_session(&user), new_session(&user), new_session(&user)];
    for session in [&second, &third, &unseen] {
        sessions.create(session).await.unwrap();
    }
    wait_until_live(&db.database).await;
    sql(&db, "ALTER TABLE sessions DISABLE TRIGGER sessions_notify_change").await;
    for session in [&first, &second, &third, &unseen] {
        sessions.find_with_user(session.id).await.unwrap().unwrap();
    }
    sql(&db, &format!("DELETE FROM sessions WHERE id = '{}'", unseen.id)).await;
    assert!(sessions.find_with_user(unseen.id).await.unwrap().is_some(), "not answered from the cache");

    sessions.delete(first.id).await.unwrap();
    assert_eq!(sessions.find_with_user(first.id).await.unwrap(), None, "served after delete");
    assert!(sessions.delete_owned(user.id, second.id).await.unwrap());
    assert_eq!(sessions.find_with_user(second.id).await.unwrap(), None, "served after delete_owned");
    sessions.delete_all(user.id).await.unwrap();
    assert_eq!(sessions.find_with_user(third.id).await.unwrap(), None, "served after delete_all");
}

/// Two instances on one PostgreSQL database: one revokes, the other must stop serving the
/// session it has cached, and must not go on serving a user that changed.
#[tokio::test]
async fn another_instances_changes_reach_this_cache() {
    let Some(db) = postgres().await else { return };
    let (user, session) = signed_in(&db.database).await;
    let mut other = Database::connect(&db.url, &DatabaseOptions::default()).await.unwrap();
    other.start_change_listener();
    wait_until_live(&db.database).await;
    let sessions = db.database.sessions();
    sessions.find_with_user(session.id).await.unwrap().unwrap();

    let write = OAuthSignInWrite {
        notice: None,
        replaces: None,
        account: linking(&user),
        new_link: Some(link(&user, support::provider("google"))),
        session: Some(new_session(&user)),
    };
    other.oauth_sign_ins().commit(&write).await.unwrap();
    eventually("the new link seen", async || {
        let (_, user) = sessions.find_with_user(session.id).await.unwrap().unwrap();
        user.linked_providers == [support::provider("google")]
    })
    .await;

    other.sessions().delete(session.id).await.unwrap();
    let took =
        eventually("the revocation seen", async || sessions.find_with_user(session.id).await.unwrap().is_none()).await;
    assert!(took < Duration::from_millis(500), "revocation took {took:?} to reach the other instance");
}

/// A passkey added or removed on another instance changes the account's ways in here too.
#[tokio::test]
async fn another_instances_passkeys_reach_this_cache() {
    let Some(db) = postgres().await else { return };
    let (user, session) = signed_in(&db.database).await;
    let mut other = Database::connect(&db.url, &DatabaseOptions::default()).await.unwrap();
    other.start_change_listener();
    wait_until_live(&db.database).await;
    let sessions = db.database.sessions();
    assert_eq!(sessions.find_with_user(session.id).await.unwrap().unwrap().1.passkeys, 0);

    let passkey = Passkey {
        id: PasskeyId::generate(),
        user_id: user.id,
        credential_id: CredentialId::from_base64url("credential".into()),
        credential: StoredCredential::new("{}".into()),
        name: PasskeyName::parse("Phone").unwrap(),
        sign_count: 0,
        backed_up: true,
        address_unproven: false,
        created_at: Utc::now(),
        last_used_at: None,
    };
    let addition = PasskeyAddition { passkey, keep: session.id, now: Utc::now(), notice: None };
    assert_eq!(other.passkeys().add(&addition).await.unwrap(), PasskeyAdded::Done);
    eventually("the new passkey seen", async || {
        sessions.find_with_user(session.id).await.unwrap().unwrap().1.passkeys == 1
    })
    .await;
    sql(&db, &format!("DELETE FROM passkeys WHERE user_id = '{}'", user.id)).await;
    eventually("the removal seen", async || {
        sessions.find_with_user(session.id).await.unwrap().unwrap().1.passkeys == 0
    })
    .await;
}

/// An operator deleting sessions by hand, in psql, is obeyed too.
#[tokio::test]
async fn a_delete_made_outside_the_service_is_obeyed() {
    let Some(db) = postgres().await else { return };
    let (sessions, session) = cached(&db).await;
    sql(&db, "DELETE FROM sessions").await;
    eventually("the manual delete seen", async || sessions.find_with_user(session.id).await.unwrap().is_none()).await;
}

/// While notifications cannot arrive the cache is off, so nothing changed meanwhile is missed;
/// it comes back on by itself.
#[tokio::test]
async fn losing_the_notification_connection_turns_the_cache_off_until_it_is_back() {
    let Some(db) = postgres().await else { return };
    let (sessions, session) = cached(&db).await;

    sql(&db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'").await;
    eventually("the cache turned off", async || !db.database.session_cache_live()).await;
    // Made while nobody listens: its notification is lost for good.
    sql(&db, "DELETE FROM sessions").await;
    wait_until_live(&db.database).await;
    assert_eq!(sessions.find_with_user(session.id).await.unwrap(), None, "an entry from before the outage was served");
}

/// A database whose schema predates the triggers (the service started with `AUTO_MIGRATE=false`
/// and the migration not yet applied): changes would go unannounced, so nothing is cached.
#[tokio::test]
async fn without_the_triggers_the_cache_stays_off() {
    let Some(db) = postgres().await else { return };
    sql(&db, "DROP TRIGGER users_notify_change ON users").await;
    let mut unmigrated = Database::connect(&db.url, &DatabaseOptions::default()).await.unwrap();
    unmigrated.start_change_listener();
    // Long enough for the listener to connect and retry.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!unmigrated.session_cache_live(), "cache on without the triggers that keep it right");
}

async fn postgres() -> Option<TestDatabase> {
    let db = TestDatabase::fresh().await;
    if db.backend() == DbBackend::Postgres {
        return Some(db);
    }
    // Past the harness's capture, so the skip shows.
    let _ = writeln!(std::io::stderr(), "skipped: the session cache exists on PostgreSQL only (set TEST_DATABASE_URL)");
    None
}

/// A signed-in session, read once so that it sits in the cache.
async fn cached(db: &TestDatabase) -> (Arc<dyn SessionRepository>, Session) {
    let (_, session) = signed_in(&db.database).await;
    wait_until_live(&db.database).await;
    let sessions = db.database.sessions();
    sessions.find_with_user(session.id).await.unwrap().unwrap();
    (sessions, session)
}

/// On SQLite there is no cache to wait for.
async fn wait_until_live(db: &Database) {
    if db.backend() == DbBackend::Postgres {
        eventually("the session cache on", async || db.session_cache_live()).await;
    }
}

async fn sql(db: &TestDatabase, statement: &str) {
    // A connection of its own, as a person at a psql prompt would have.
    let admin = sea_orm::Database::connect(&db.url).await.unwrap();
    admin.execute_unprepared(statement).await.unwrap();
    admin.close().await.unwrap();
}
