//! The mail outbox, its links and the password reset's write, on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use chrono::{Duration, SubsecRound, Utc};
use yoshikosan_domain::mail::{
    AttachedLink, LinkPurpose, LinkToken, LinkTokens, MailJob, MailOutbox, NewLink, PasswordReset, PasswordResetStore,
    ResetWrite,
};
use yoshikosan_domain::ports::UserRepository;
use yoshikosan_domain::{Email, PasswordHash, Session, SignInMethod, User};
use yoshikosan_persistence::testing::TestDatabase;

mod support;
use support::{new_session, new_user};

fn now() -> chrono::DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn reset_request(email: &str) -> MailJob {
    MailJob::PasswordResetRequested { email: Email::parse(email).unwrap() }
}

async fn account(db: &TestDatabase) -> (User, Session) {
    let user = new_user("ada@example.com");
    let session = new_session(&user);
    db.database.users().create_with_session(&user, &session, None).await.unwrap();
    (user, session)
}

/// Leases the one row due, attaches a fresh link to it and returns the link's token.
async fn attach(db: &TestDatabase, user: &User) -> LinkToken {
    let outbox = db.database.mail_outbox();
    outbox.enqueue(&reset_request(user.email.as_str()), now()).await.unwrap();
    let leased = outbox.lease(now(), now() + Duration::minutes(2), 10).await.unwrap();
    let mail = leased.last().unwrap();
    let token = LinkToken::generate();
    let link =
        AttachedLink { user_id: user.id, sealed_token: "sealed".into(), expires_at: now() + Duration::minutes(30) };
    let new = NewLink {
        mail_id: mail.id,
        purpose: LinkPurpose::PasswordReset,
        hash: token.hash(),
        email: user.email.clone(),
        link,
        now: now(),
    };
    outbox.attach_link(&new).await.unwrap();
    token
}

fn reset_of(user: &User, token: &LinkToken, email_verified: bool) -> PasswordReset {
    let session = Session { method: SignInMethod::PasswordReset, ..new_session(user) };
    PasswordReset {
        notice: None,
        link: token.hash(),
        user_id: user.id,
        email_verified,
        new: PasswordHash::new("$2b$04$reset"),
        session,
        now: now(),
    }
}

#[tokio::test]
async fn a_row_is_leased_by_one_sender_at_a_time_until_its_lease_ends() {
    let db = TestDatabase::fresh().await;
    let outbox = db.database.mail_outbox();
    outbox.enqueue(&reset_request("ada@example.com"), now()).await.unwrap();
    let first = db.database.mail_outbox();
    let second = db.database.mail_outbox();
    let until = now() + Duration::minutes(2);
    let (a, b) = tokio::join!(first.lease(now(), until, 10), second.lease(now(), until, 10));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 1, "two senders at once lease the row once: {a:?} {b:?}");
    let leased = a.into_iter().chain(b).next().unwrap();
    assert_eq!(leased.attempts, 1);
    assert_eq!(leased.job, reset_request("ada@example.com"));
    assert!(outbox.lease(now(), until, 10).await.unwrap().is_empty(), "still leased");
    let later = until + Duration::seconds(1);
    let again = outbox.lease(later, later + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(again.len(), 1, "a lease that ran out (a sender that died) frees the row");
    assert_eq!(again[0].attempts, 2);
}

#[tokio::test]
async fn a_retried_row_waits_for_its_time_and_a_removed_one_is_gone() {
    let db = TestDatabase::fresh().await;
    let outbox = db.database.mail_outbox();
    outbox.enqueue(&reset_request("ada@example.com"), now()).await.unwrap();
    let leased = outbox.lease(now(), now() + Duration::minutes(2), 10).await.unwrap();
    let next = now() + Duration::seconds(30);
    outbox.retry(leased[0].id, next).await.unwrap();
    assert!(outbox.lease(now(), now() + Duration::minutes(2), 10).await.unwrap().is_empty());
    let stats = outbox.stats().await.unwrap();
    assert_eq!(stats.pending, 1);
    assert!(stats.oldest.is_some());
    let due = outbox.lease(next, next + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    outbox.remove(due[0].id).await.unwrap();
    assert_eq!(outbox.stats().await.unwrap().pending, 0);
}

#[tokio::test]
async fn an_attached_link_is_found_by_its_hash_and_a_newer_one_voids_it() {
    let db = TestDatabase::fresh().await;
    let (user, _) = account(&db).await;
    let older = attach(&db, &user).await;
    let outbox = db.database.mail_outbox();
    let found = outbox.find(&older.hash()).await.unwrap().unwrap();
    assert_eq!((found.user_id, found.purpose), (user.id, Some(LinkPurpose::PasswordReset)));
    let leased = outbox.lease(now() + Duration::minutes(3), now() + Duration::minutes(5), 10).await.unwrap();
    assert_eq!(leased[0].link.as_ref().unwrap().sealed_token, "sealed", "the row carries the sealed token");
    let newer = attach(&db, &user).await;
    assert!(outbox.find(&older.hash()).await.unwrap().is_none(), "superseded");
    assert!(outbox.find(&newer.hash()).await.unwrap().is_some());
}

#[tokio::test]
async fn a_reset_uses_its_link_once_sets_the_password_and_replaces_every_session() {
    let db = TestDatabase::fresh().await;
    let (mut user, old_session) = account(&db).await;
    user.email_verified = true;
    let token = attach(&db, &user).await;
    let store = db.database.link_uses();
    // Read as unverified: the account is claimed.
    let reset = reset_of(&user, &token, false);
    assert_eq!(store.reset(&reset).await.unwrap(), ResetWrite::Done);
    let stored = db.database.users().find_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash.unwrap().as_str(), "$2b$04$reset");
    assert!(stored.email_verified);
    let sessions = db.database.sessions();
    let active = sessions.list_active(user.id, now()).await.unwrap();
    assert_eq!(active.iter().map(|s| s.id).collect::<Vec<_>>(), [reset.session.id], "only the new session");
    assert_ne!(active[0].id, old_session.id);
    assert_eq!(active[0].method, SignInMethod::PasswordReset);
    let again = reset_of(&stored_user(&db, &user).await, &token, true);
    assert_eq!(store.reset(&again).await.unwrap(), ResetWrite::LinkUsed, "single use");
}

async fn stored_user(db: &TestDatabase, user: &User) -> User {
    db.database.users().find_by_id(user.id).await.unwrap().unwrap()
}

#[tokio::test]
async fn two_resets_with_one_link_at_once_succeed_once() {
    let db = TestDatabase::fresh().await;
    let (user, _) = account(&db).await;
    let token = attach(&db, &user).await;
    let (a, b) = (reset_of(&user, &token, false), reset_of(&user, &token, false));
    let (first, second) = (db.database.link_uses(), db.database.link_uses());
    let (a, b) = tokio::join!(first.reset(&a), second.reset(&b));
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert!(matches!(outcomes, [ResetWrite::Done, ResetWrite::LinkUsed | ResetWrite::Stale]), "{outcomes:?}");
    assert_eq!(db.database.sessions().list_active(user.id, now()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_expired_link_changes_nothing() {
    let db = TestDatabase::fresh().await;
    let (user, session) = account(&db).await;
    let token = attach(&db, &user).await;
    let mut reset = reset_of(&user, &token, false);
    reset.now = now() + Duration::minutes(31);
    assert_eq!(db.database.link_uses().reset(&reset).await.unwrap(), ResetWrite::LinkUsed);
    let stored = stored_user(&db, &user).await;
    assert_eq!(stored.password_hash, user.password_hash, "rolled back");
    assert!(!stored.email_verified);
    assert!(support::stored(&*db.database.sessions(), session.id).await.is_some());
}

#[tokio::test]
async fn a_reset_read_under_another_verification_is_stale() {
    let db = TestDatabase::fresh().await;
    let (user, _) = account(&db).await;
    let token = attach(&db, &user).await;
    let reset = reset_of(&user, &token, true);
    assert_eq!(db.database.link_uses().reset(&reset).await.unwrap(), ResetWrite::Stale);
    assert!(db.database.mail_outbox().find(&token.hash()).await.unwrap().is_some(), "the link stays usable");
}

#[tokio::test]
async fn a_registration_s_verification_mail_is_written_with_the_account_or_not_at_all() {
    let db = TestDatabase::fresh().await;
    let user = new_user("ada@example.com");
    let job = MailJob::VerifyEmail { user_id: user.id, email: user.email.clone() };
    db.database.users().create_with_session(&user, &new_session(&user), Some(job.clone())).await.unwrap();
    let twin = new_user("ada@example.com");
    let again = MailJob::VerifyEmail { user_id: twin.id, email: twin.email.clone() };
    let refused = db.database.users().create_with_session(&twin, &new_session(&twin), Some(again)).await;
    assert!(refused.is_err(), "the address is taken");
    let leased = db.database.mail_outbox().lease(now(), now() + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(
        leased.iter().map(|m| m.job.clone()).collect::<Vec<_>>(),
        [job],
        "one row: the refused sign-up's went with it"
    );
}

#[tokio::test]
async fn a_verification_link_verifies_only_the_address_it_was_sent_to_and_only_once() {
    use yoshikosan_domain::mail::{EmailVerification, EmailVerificationStore, VerifyWrite};
    let db = TestDatabase::fresh().await;
    let (user, _) = account(&db).await;
    let token = LinkToken::generate();
    let outbox = db.database.mail_outbox();
    outbox.enqueue(&MailJob::VerifyEmail { user_id: user.id, email: user.email.clone() }, now()).await.unwrap();
    let mail = outbox.lease(now(), now() + Duration::minutes(2), 10).await.unwrap().remove(0);
    let link =
        AttachedLink { user_id: user.id, sealed_token: "sealed".into(), expires_at: now() + Duration::hours(24) };
    let new = NewLink {
        mail_id: mail.id,
        purpose: LinkPurpose::VerifyEmail,
        hash: token.hash(),
        email: user.email.clone(),
        link,
        now: now(),
    };
    outbox.attach_link(&new).await.unwrap();
    let stores = db.database.link_uses();
    let elsewhere = Email::parse("changed@example.com").unwrap();
    let wrong = EmailVerification { link: token.hash(), user_id: user.id, email: elsewhere, now: now() };
    assert_eq!(stores.verify(&wrong).await.unwrap(), VerifyWrite::LinkUsed, "another address: nothing");
    assert!(!stored_user(&db, &user).await.email_verified);
    let right = EmailVerification { email: user.email.clone(), ..wrong };
    assert_eq!(stores.verify(&right).await.unwrap(), VerifyWrite::Done);
    assert!(stored_user(&db, &user).await.email_verified);
    assert_eq!(stores.verify(&right).await.unwrap(), VerifyWrite::LinkUsed, "single use");
}
