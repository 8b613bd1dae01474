//! The OAuth sign-in writes and the single-use state store, on SQLite or PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::{Duration, SubsecRound, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use uuid::Uuid;
use yoshikosan_domain::ports::{
    AccountChange, AccountWrite, CommitError, ExistingAccount, OAuthSignInStore, OAuthSignInWrite, OAuthStateStore,
    PasswordChange, PasswordWrite, UserRepository,
};
use yoshikosan_domain::{
    DisplayName, Email, OAuthAccount, PasswordHash, ProviderIdentity, Session, SessionId, SignInMethod, TokenHash,
    User, UserId,
};
use yoshikosan_persistence::entities::{oauth_accounts, oauth_states, sessions, users};
use yoshikosan_persistence::testing::TestDatabase;

fn provider(id: &str) -> yoshikosan_domain::ProviderId {
    yoshikosan_domain::ProviderId::parse(id).unwrap()
}

fn sign_in_methods(user: &User) -> Vec<String> {
    let password = user.password_hash.as_ref().map(|_| "password".to_owned());
    password.into_iter().chain(user.linked_providers.iter().map(ToString::to_string)).collect()
}

const GOOGLE: &str = "https://accounts.google.com";

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn provider_user(email: &str) -> User {
    let identity = ProviderIdentity {
        provider: provider("google"),
        issuer: Some(GOOGLE.into()),
        provider_user_id: "sub".into(),
        email: None,
        email_verified: true,
        email_verified_claim: Some(true),
        name: Some("From Google".into()),
        avatar_url: Some("https://example.com/a.png".into()),
        authenticated_at: None,
    };
    User::from_provider(&identity, Email::parse(email).unwrap(), now())
}

fn link(user_id: UserId, provider_user_id: &str) -> OAuthAccount {
    OAuthAccount {
        id: Uuid::now_v7(),
        user_id,
        provider: provider("google"),
        provider_user_id: provider_user_id.into(),
        issuer: Some(GOOGLE.into()),
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
        method: SignInMethod::Provider(provider("google")),
        authenticated_at: now(),
    }
}

fn new_account(email: &str, provider_user_id: &str) -> OAuthSignInWrite {
    let user = provider_user(email);
    OAuthSignInWrite {
        notice: None,
        replaces: None,
        new_link: Some(link(user.id, provider_user_id)),
        session: Some(session(user.id)),
        account: AccountWrite::Create(user),
    }
}

#[tokio::test]
async fn a_new_account_is_written_with_its_link_and_session() {
    let db = TestDatabase::fresh().await;
    let write = new_account("google.user@example.com", "sub-1");
    db.database.oauth_sign_ins().commit(&write).await.unwrap();
    let user = db.database.users().find_by_id(write.session.as_ref().unwrap().user_id).await.unwrap().unwrap();
    assert_eq!(sign_in_methods(&user), ["google"]);
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

/// Forgotten 5 minutes after they expire: an instance whose clock runs behind, which still
/// takes a state for unexpired, finds it used.
#[tokio::test]
async fn expired_states_are_forgotten_once_no_clock_can_take_them_for_live() {
    let db = TestDatabase::fresh().await;
    let states = db.database.oauth_states();
    assert!(states.consume("long gone", now() - Duration::minutes(6)).await.unwrap());
    assert!(states.consume("just expired", now() - Duration::seconds(1)).await.unwrap());
    assert!(states.consume("new", now() + Duration::minutes(10)).await.unwrap());
    assert_eq!(oauth_states::Entity::find().count(db.database.connection()).await.unwrap(), 2);
    assert!(!states.consume("just expired", now() + Duration::minutes(10)).await.unwrap());
}

/// A password account with one session and one provider link, as a squatter leaves it.
async fn squatted(db: &TestDatabase) -> (User, Session) {
    let mut user = provider_user("victim@example.com");
    user.email_verified = false;
    user.password_hash = Some(PasswordHash::new("squatters-hash"));
    let squatter_session = session(user.id);
    let write = OAuthSignInWrite {
        notice: None,
        replaces: None,
        account: AccountWrite::Create(user.clone()),
        new_link: Some(link(user.id, "squatter-sub")),
        session: Some(squatter_session.clone()),
    };
    db.database.oauth_sign_ins().commit(&write).await.unwrap();
    (user, squatter_session)
}

fn existing(user: &User, change: AccountChange) -> ExistingAccount {
    ExistingAccount {
        user_id: user.id,
        email_verified: user.email_verified,
        change,
        through_link: None,
        link_issuer: None,
        started_by: None,
        now: now(),
    }
}

#[tokio::test]
async fn a_claim_removes_the_password_links_and_sessions_in_one_commit() {
    let db = TestDatabase::fresh().await;
    let (user, squatter_session) = squatted(&db).await;
    let owner_session = session(user.id);
    let claim = OAuthSignInWrite {
        notice: None,
        replaces: None,
        account: AccountWrite::Existing(existing(&user, AccountChange::Claim)),
        new_link: Some(link(user.id, "owner-sub")),
        session: Some(owner_session.clone()),
    };
    db.database.oauth_sign_ins().commit(&claim).await.unwrap();
    let claimed = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
    assert_eq!((claimed.password_hash.clone(), claimed.email_verified), (None, true));
    assert_eq!(sign_in_methods(&claimed), ["google"]);
    let sessions = db.database.sessions();
    assert!(sessions.find_with_user(squatter_session.id).await.unwrap().is_none(), "the squatter's session remains");
    assert!(sessions.find_with_user(owner_session.id).await.unwrap().is_some());

    // A second claim decided on the same (now stale) read conflicts instead of undoing the first.
    let again = OAuthSignInWrite {
        notice: None,
        replaces: None,
        account: AccountWrite::Existing(existing(&user, AccountChange::Claim)),
        new_link: Some(link(user.id, "second-sub")),
        session: Some(session(user.id)),
    };
    assert_eq!(db.database.oauth_sign_ins().commit(&again).await, Err(CommitError::Conflict));
    assert!(sessions.find_with_user(owner_session.id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_write_whose_link_or_session_is_gone_changes_nothing() {
    let db = TestDatabase::fresh().await;
    let (user, squatter_session) = squatted(&db).await;
    let store = db.database.oauth_sign_ins();
    let mut through_a_removed_link = existing(&user, AccountChange::None);
    through_a_removed_link.through_link = Some(Uuid::now_v7());
    let write = OAuthSignInWrite {
        notice: None,
        replaces: None,
        account: AccountWrite::Existing(through_a_removed_link),
        new_link: None,
        session: Some(session(user.id)),
    };
    assert_eq!(store.commit(&write).await, Err(CommitError::Conflict));

    db.database.sessions().delete(squatter_session.id).await.unwrap();
    let mut link_flow = existing(&user, AccountChange::None);
    link_flow.started_by = Some(squatter_session.id);
    let write = OAuthSignInWrite {
        notice: None,
        replaces: None,
        account: AccountWrite::Existing(link_flow),
        new_link: Some(link(user.id, "late-sub")),
        session: None,
    };
    assert_eq!(store.commit(&write).await, Err(CommitError::SessionEnded));
    let conn = db.database.connection();
    assert_eq!(oauth_accounts::Entity::find().count(conn).await.unwrap(), 1);
    assert_eq!(sessions::Entity::find().count(conn).await.unwrap(), 0);
}

#[tokio::test]
async fn a_session_opens_for_a_password_only_while_it_is_the_accounts() {
    let db = TestDatabase::fresh().await;
    let (user, kept) = squatted(&db).await;
    let sessions = db.database.sessions();
    let checked = PasswordHash::new("squatters-hash");
    assert!(sessions.create_for_password(&session(user.id), &checked).await.unwrap());
    let change = PasswordChange {
        notice: None,
        user_id: user.id,
        previous: Some(checked.clone()),
        new: PasswordHash::new("new-hash"),
        keep: kept.id,
        now: now(),
    };
    assert_eq!(db.database.users().set_password(&change).await.unwrap(), PasswordWrite::Done);
    let late = session(user.id);
    assert!(!sessions.create_for_password(&late, &checked).await.unwrap(), "a stale password opened a session");
    assert!(sessions.find_with_user(late.id).await.unwrap().is_none());
    let listed = sessions.list_active(user.id, now()).await.unwrap();
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), [kept.id], "other sessions are revoked");
    // Changing it again from the old hash, or from a revoked session, changes nothing.
    assert_eq!(db.database.users().set_password(&change).await.unwrap(), PasswordWrite::Stale);
    let from_revoked = PasswordChange {
        notice: None,
        previous: Some(PasswordHash::new("new-hash")),
        keep: SessionId::generate(),
        ..change
    };
    assert_eq!(db.database.users().set_password(&from_revoked).await.unwrap(), PasswordWrite::SessionEnded);
    let stored = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, Some(PasswordHash::new("new-hash")));
}

/// A claim in progress (the user's row written, not yet committed) holds back a password
/// login's session until it commits, and then the login finds its password gone.
#[tokio::test]
async fn a_login_waits_for_a_claim_in_progress_and_then_opens_nothing() {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let db = TestDatabase::fresh().await;
    let (user, _) = squatted(&db).await;
    let conn = db.database.connection();
    let claim = conn.begin().await.unwrap();
    let backend = conn.get_database_backend();
    let (claim_sql, id) = match backend {
        sea_orm::DbBackend::Postgres => {
            ("UPDATE users SET password_hash = NULL WHERE id = $1", user.id.as_uuid().into())
        }
        _ => ("UPDATE users SET password_hash = NULL WHERE id = ?", user.id.as_uuid().into()),
    };
    claim.execute_raw(Statement::from_sql_and_values(backend, claim_sql, [id])).await.unwrap();

    let sessions = db.database.sessions();
    let late = session(user.id);
    let login = tokio::spawn({
        let late = late.clone();
        async move { sessions.create_for_password(&late, &PasswordHash::new("squatters-hash")).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!login.is_finished(), "the login did not wait for the claim");
    claim.commit().await.unwrap();
    assert!(!login.await.unwrap().unwrap(), "a password checked before the claim opened a session");
    assert!(db.database.sessions().find_with_user(late.id).await.unwrap().is_none());
}
