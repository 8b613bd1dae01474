//! The OAuth sign-in writes and the single-use state store, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::{Duration, SubsecRound, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use uuid::Uuid;
use yoshikosan_domain::ports::{CommitError, OAuthSignInStore, OAuthSignInWrite, OAuthStateStore, UserRepository};
use yoshikosan_domain::{
    DisplayName, Email, OAuthAccount, OAuthProvider, ProviderIdentity, Session, SessionId, TokenHash, User, UserId,
};
use yoshikosan_persistence::entities::{oauth_accounts, oauth_states, sessions, users};
use yoshikosan_persistence::testing::TestDatabase;

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn provider_user(email: &str) -> User {
    let identity = ProviderIdentity {
        provider: OAuthProvider::Google,
        provider_user_id: "sub".into(),
        email: None,
        email_verified: true,
        name: Some("From Google".into()),
        avatar_url: Some("https://example.com/a.png".into()),
    };
    User::from_provider(&identity, Email::parse(email).unwrap(), now())
}

fn link(user_id: UserId, provider_user_id: &str) -> OAuthAccount {
    OAuthAccount {
        id: Uuid::now_v7(),
        user_id,
        provider: OAuthProvider::Google,
        provider_user_id: provider_user_id.into(),
        encrypted_access_token: None,
        encrypted_refresh_token: None,
        token_expires_at: None,
        created_at: now(),
        updated_at: now(),
    }
}

fn session(user_id: UserId) -> Session {
    let id = SessionId::generate();
    Session {
        id,
        user_id,
        token_hash: TokenHash::of(&id.to_string()),
        created_at: now(),
        expires_at: now() + Duration::days(7),
        last_seen_at: now(),
        user_agent: None,
        ip: None,
    }
}

fn new_account(email: &str, provider_user_id: &str) -> OAuthSignInWrite {
    let user = provider_user(email);
    OAuthSignInWrite {
        new_link: Some(link(user.id, provider_user_id)),
        session: session(user.id),
        new_user: Some(user),
    }
}

#[tokio::test]
async fn a_new_account_is_written_with_its_link_and_session() {
    let db = TestDatabase::fresh().await;
    let write = new_account("google.user@example.com", "sub-1");
    db.database.oauth_sign_ins().commit(&write).await.unwrap();
    let user = db.database.users().find_by_id(write.session.user_id).await.unwrap().unwrap();
    assert_eq!(user.sign_in_methods(), ["google"]);
    assert_eq!(user.name, DisplayName::parse("From Google").unwrap());
    assert!(user.password_hash.is_none());
}

#[tokio::test]
async fn a_conflicting_write_is_a_conflict_and_leaves_nothing_behind() {
    let db = TestDatabase::fresh().await;
    let store = db.database.oauth_sign_ins();
    store.commit(&new_account("first@example.com", "sub-1")).await.unwrap();

    // The same provider account again, for a new user: the link collides after the user insert.
    let same_link = new_account("second@example.com", "sub-1");
    assert_eq!(store.commit(&same_link).await, Err(CommitError::Conflict));
    // The same email again: the user collides.
    let same_email = new_account("first@example.com", "sub-2");
    assert_eq!(store.commit(&same_email).await, Err(CommitError::Conflict));

    let conn = db.database.connection();
    assert_eq!(users::Entity::find().count(conn).await.unwrap(), 1, "a user of a failed sign-in remained");
    assert_eq!(oauth_accounts::Entity::find().count(conn).await.unwrap(), 1);
    assert_eq!(sessions::Entity::find().count(conn).await.unwrap(), 1);
}

#[tokio::test]
async fn a_state_is_consumed_once() {
    let db = TestDatabase::fresh().await;
    let states = db.database.oauth_states();
    let expires = now() + Duration::minutes(10);
    assert!(states.consume("state-a", expires).await.unwrap());
    assert!(!states.consume("state-a", expires).await.unwrap(), "a replayed state was accepted");
    assert!(states.consume("state-b", expires).await.unwrap());
    let stored: Vec<String> = oauth_states::Entity::find()
        .all(db.database.connection())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.state_hash)
        .collect();
    assert!(!stored.contains(&"state-a".to_owned()), "the raw state was stored");
}

#[tokio::test]
async fn expired_states_are_forgotten() {
    let db = TestDatabase::fresh().await;
    let states = db.database.oauth_states();
    assert!(states.consume("old", now() - Duration::seconds(1)).await.unwrap());
    assert!(states.consume("new", now() + Duration::minutes(10)).await.unwrap());
    assert_eq!(oauth_states::Entity::find().count(db.database.connection()).await.unwrap(), 1);
}
