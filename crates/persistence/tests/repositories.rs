//! Round trips and constraints of the SeaORM repositories, on whichever database
//! `TestDatabase::fresh` provides (SQLite, or PostgreSQL under `TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::{SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
use uuid::Uuid;
use yoshikosan_domain::ports::{CreateUserError, OAuthAccountRepository, UserRepository};
use yoshikosan_domain::{Email, ProviderId, Session, SessionId, User};
use yoshikosan_persistence::entities::{oauth_accounts, sessions, users};
use yoshikosan_persistence::testing::TestDatabase;

mod support;
use support::{new_session, new_user, stored};

async fn link(
    db: &TestDatabase,
    user: &User,
    provider: ProviderId,
    provider_user_id: &str,
) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now().trunc_subsecs(6);
    oauth_accounts::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id.as_uuid()),
        provider: Set(provider.as_str().into()),
        provider_user_id: Set(provider_user_id.into()),
        issuer: Set(None),
        access_token: Set(Some(vec![1, 2, 3])),
        refresh_token: Set(None),
        expires_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db.database.connection())
    .await
    .map(|_| ())
}

#[tokio::test]
async fn user_and_session_round_trip_unchanged() {
    let db = TestDatabase::fresh().await;
    let (users, sessions) = (db.database.users(), db.database.sessions());
    let user = new_user("round.trip@example.com");
    let session = new_session(&user);
    users.create_with_session(&user, &session, None).await.unwrap();

    assert_eq!(users.find_by_id(user.id).await.unwrap(), Some(user.clone()));
    let by_email = users.find_by_email(&Email::parse("Round.Trip@EXAMPLE.com").unwrap()).await.unwrap();
    assert_eq!(by_email, Some(user.clone()));
    assert_eq!(stored(sessions.as_ref(), session.id).await, Some(session));
    assert_eq!(users.find_by_email(&Email::parse("other@example.com").unwrap()).await.unwrap(), None);
}

#[tokio::test]
async fn a_taken_email_is_email_taken_and_writes_nothing() {
    let db = TestDatabase::fresh().await;
    let users = db.database.users();
    let first = new_user("taken@example.com");
    users.create_with_session(&first, &new_session(&first), None).await.unwrap();

    let second = new_user("taken@example.com");
    let result = users.create_with_session(&second, &new_session(&second), None).await;
    assert_eq!(result, Err(CreateUserError::EmailTaken));
    let conn = db.database.connection();
    assert_eq!(users::Entity::find().count(conn).await.unwrap(), 1);
    assert_eq!(sessions::Entity::find().count(conn).await.unwrap(), 1, "the failed registration left a session");
}

#[tokio::test]
async fn a_failed_session_insert_rolls_back_the_user() {
    let db = TestDatabase::fresh().await;
    let users = db.database.users();
    let first = new_user("first@example.com");
    let session = new_session(&first);
    users.create_with_session(&first, &session, None).await.unwrap();

    // Same token hash as an existing session: the second insert of the transaction fails.
    let second = new_user("second@example.com");
    let clash = Session { id: SessionId::generate(), user_id: second.id, ..session };
    assert!(matches!(users.create_with_session(&second, &clash, None).await, Err(CreateUserError::Store(_))));
    assert_eq!(users.find_by_id(second.id).await.unwrap(), None, "user written without its session");
}

#[tokio::test]
async fn deleting_a_session_is_idempotent() {
    let db = TestDatabase::fresh().await;
    let user = new_user("logout@example.com");
    let session = new_session(&user);
    db.database.users().create_with_session(&user, &session, None).await.unwrap();
    let sessions = db.database.sessions();
    let second = new_session(&user);
    sessions.create(&second).await.unwrap();

    sessions.delete(session.id).await.unwrap();
    sessions.delete(session.id).await.unwrap();
    assert_eq!(stored(sessions.as_ref(), session.id).await, None);
    assert_eq!(stored(sessions.as_ref(), second.id).await, Some(second), "another session was revoked too");
}

#[tokio::test]
async fn linked_providers_show_on_the_user_and_are_unique_per_provider_id() {
    let db = TestDatabase::fresh().await;
    let users = db.database.users();
    let user = new_user("linked@example.com");
    users.create_with_session(&user, &new_session(&user), None).await.unwrap();
    link(&db, &user, support::provider("google"), "google-sub-1").await.unwrap();
    link(&db, &user, support::provider("discord"), "80351110224678912").await.unwrap();

    let found = users.find_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(support::sign_in_methods(&found), ["password", "google", "discord"]);

    let other = new_user("other@example.com");
    users.create_with_session(&other, &new_session(&other), None).await.unwrap();
    let duplicate = link(&db, &other, support::provider("google"), "google-sub-1").await.unwrap_err();
    assert!(matches!(duplicate.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))));

    let accounts = db.database.oauth_accounts();
    let account =
        accounts.find_by_provider_user_id(&support::provider("google"), "google-sub-1").await.unwrap().unwrap();
    assert_eq!(account.user_id, user.id);
    assert!(accounts.find_by_provider_user_id(&support::provider("discord"), "google-sub-1").await.unwrap().is_none());
}

#[tokio::test]
async fn deleting_a_user_cascades_to_sessions_and_links() {
    let db = TestDatabase::fresh().await;
    let user = new_user("cascade@example.com");
    db.database.users().create_with_session(&user, &new_session(&user), None).await.unwrap();
    link(&db, &user, support::provider("discord"), "1").await.unwrap();

    let conn = db.database.connection();
    users::Entity::delete_by_id(user.id.as_uuid()).exec(conn).await.unwrap();
    assert_eq!(sessions::Entity::find().count(conn).await.unwrap(), 0);
    assert_eq!(oauth_accounts::Entity::find().count(conn).await.unwrap(), 0);
}

#[tokio::test]
async fn a_session_for_a_missing_user_is_refused() {
    let db = TestDatabase::fresh().await;
    let ghost = new_user("ghost@example.com");
    assert!(db.database.sessions().create(&new_session(&ghost)).await.is_err());
}
