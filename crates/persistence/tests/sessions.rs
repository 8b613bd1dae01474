//! The session queries behind `/api/auth/sessions`, logout-all, `last_seen_at` and the purge.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::Duration;
use yoshikosan_domain::ports::UserRepository;
use yoshikosan_domain::{Session, SessionId, TokenHash};
use yoshikosan_persistence::testing::TestDatabase;

mod support;
use support::{new_session, new_user, stored};

/// A user with sessions created `ages` seconds ago (each living a week), and another user with one.
async fn two_users_with_sessions(db: &TestDatabase, ages: &[i64]) -> (Vec<Session>, Session) {
    let (ada, bob) = (new_user("ada@example.com"), new_user("bob@example.com"));
    let sessions = db.database.sessions();
    let mut created = Vec::new();
    for (i, age) in ages.iter().enumerate() {
        let base = new_session(&ada);
        let session = Session {
            token_hash: TokenHash::of(&format!("t{i}")),
            created_at: base.created_at - Duration::seconds(*age),
            expires_at: base.created_at - Duration::seconds(*age) + Duration::days(7),
            ..base
        };
        if i == 0 {
            db.database.users().create_with_session(&ada, &session, None).await.unwrap();
        } else {
            sessions.create(&session).await.unwrap();
        }
        created.push(session);
    }
    let bobs = new_session(&bob);
    db.database.users().create_with_session(&bob, &bobs, None).await.unwrap();
    (created, bobs)
}

#[tokio::test]
async fn lists_only_the_users_live_sessions_newest_first() {
    let db = TestDatabase::fresh().await;
    let (ada, _) = two_users_with_sessions(&db, &[30, 10, 20]).await;
    let now = ada[0].created_at + Duration::seconds(30);
    let listed = db.database.sessions().list_active(ada[0].user_id, now).await.unwrap();
    let ids: Vec<SessionId> = listed.iter().map(|s| s.id).collect();
    assert_eq!(ids, [ada[1].id, ada[2].id, ada[0].id]);
    assert_eq!(listed[0], ada[1], "a listed session reads back unchanged");

    // A week after the oldest began, it has expired and is no longer listed.
    let later = ada[0].expires_at;
    let listed = db.database.sessions().list_active(ada[0].user_id, later).await.unwrap();
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn a_session_is_revoked_only_by_its_owner() {
    let db = TestDatabase::fresh().await;
    let (ada, bobs) = two_users_with_sessions(&db, &[0]).await;
    let sessions = db.database.sessions();
    assert!(!sessions.delete_owned(ada[0].user_id, bobs.id).await.unwrap(), "ada revoked bob's session");
    assert!(stored(sessions.as_ref(), bobs.id).await.is_some());
    assert!(sessions.delete_owned(bobs.user_id, bobs.id).await.unwrap());
    assert!(!sessions.delete_owned(bobs.user_id, bobs.id).await.unwrap(), "deleted twice");
}

#[tokio::test]
async fn delete_all_removes_every_session_of_that_user_only() {
    let db = TestDatabase::fresh().await;
    let (ada, bobs) = two_users_with_sessions(&db, &[0, 1, 2]).await;
    let sessions = db.database.sessions();
    assert_eq!(sessions.delete_all(ada[0].user_id).await.unwrap(), 3);
    for session in &ada {
        assert_eq!(stored(sessions.as_ref(), session.id).await, None);
    }
    assert_eq!(stored(sessions.as_ref(), bobs.id).await, Some(bobs));
}

#[tokio::test]
async fn touch_moves_last_seen_forward_never_back() {
    let db = TestDatabase::fresh().await;
    let (ada, _) = two_users_with_sessions(&db, &[0]).await;
    let sessions = db.database.sessions();
    let later = ada[0].last_seen_at + Duration::minutes(5);
    sessions.touch(ada[0].id, later).await.unwrap();
    sessions.touch(ada[0].id, later - Duration::minutes(1)).await.unwrap();
    assert_eq!(stored(sessions.as_ref(), ada[0].id).await.unwrap().last_seen_at, later);
}

#[tokio::test]
async fn the_purge_deletes_expired_sessions_only() {
    let db = TestDatabase::fresh().await;
    let (ada, bobs) = two_users_with_sessions(&db, &[3600, 0]).await;
    let sessions = db.database.sessions();
    // The older session expires an hour before the newer one.
    let now = ada[0].expires_at + Duration::minutes(1);
    assert_eq!(sessions.delete_expired(now).await.unwrap(), 1);
    assert_eq!(stored(sessions.as_ref(), ada[0].id).await, None);
    assert!(stored(sessions.as_ref(), ada[1].id).await.is_some());
    assert!(stored(sessions.as_ref(), bobs.id).await.is_some());
}
