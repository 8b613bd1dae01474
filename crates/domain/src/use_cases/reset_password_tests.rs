use std::sync::Arc;

use chrono::Duration;

use super::*;
use crate::mail::{LinkPurpose, LinkToken, MockLinkTokens, MockPasswordResetStore, StoredLink};
use crate::password::PasswordHash;
use crate::ports::{MockPasswordHasher, MockUserRepository};
use crate::use_cases::test_support::{clock_at, codec_for, issuer, t0, throttle_with_limits, user};
use crate::user::User;

fn ada() -> crate::email::Email {
    crate::email::Email::parse("ada@example.com").unwrap()
}

const STRONG: &str = "a quite long new passphrase";

struct Setup {
    links: MockLinkTokens,
    users: MockUserRepository,
    store: MockPasswordResetStore,
    hasher: MockPasswordHasher,
    throttle: Throttle,
    now: chrono::DateTime<chrono::Utc>,
}

fn setup(account: &User, expires_in: Duration) -> Setup {
    let mut links = MockLinkTokens::new();
    let user_id = account.id;
    links.expect_find().returning(move |_| {
        Ok(Some(StoredLink {
            user_id,
            email: ada(),
            purpose: Some(LinkPurpose::PasswordReset),
            expires_at: t0() + expires_in,
        }))
    });
    let mut users = MockUserRepository::new();
    let found = account.clone();
    users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().returning(|_| Ok(PasswordHash::new("$2b$04$new")));
    Setup {
        links,
        users,
        store: MockPasswordResetStore::new(),
        hasher,
        throttle: throttle_with_limits(10, 2),
        now: t0(),
    }
}

fn reset(setup: Setup) -> ResetPassword {
    let user_id = crate::user::UserId::generate();
    let ports = ResetPasswordPorts {
        links: Arc::new(setup.links),
        users: Arc::new(setup.users),
        store: Arc::new(setup.store),
        hasher: Arc::new(setup.hasher),
        clock: clock_at(setup.now),
    };
    ResetPassword::new(ports, issuer(codec_for(user_id)), PasswordPolicy::default(), setup.throttle)
}

fn command(token: &str, password: &str) -> ResetPasswordCommand {
    let client = ClientInfo { ip: Some("203.0.113.9".into()), user_agent: None };
    ResetPasswordCommand { token: token.into(), new_password: password.into(), client }
}

#[tokio::test]
async fn a_reset_sets_the_password_signs_in_with_a_reset_session_and_marks_the_address_verified() {
    let account = user(Some("$2b$04$old"));
    let mut s = setup(&account, Duration::minutes(30));
    let token = LinkToken::generate();
    let expected = token.hash();
    s.store.expect_reset().times(1).returning(move |reset| {
        assert_eq!(reset.link, expected);
        assert!(!reset.email_verified, "read as unverified: the store claims it");
        assert_eq!(reset.new.as_str(), "$2b$04$new");
        assert_eq!(reset.session.method, SignInMethod::PasswordReset);
        assert_eq!(reset.session.authenticated_at, t0(), "a reset is a recent proof");
        Ok(ResetWrite::Done)
    });
    let done = reset(s).execute(&command(token.expose(), STRONG)).await.unwrap();
    assert!(done.claimed);
    assert!(done.signed_in.user.email_verified);
    assert!(done.signed_in.user.linked_providers.is_empty());
}

#[tokio::test]
async fn a_verified_account_is_not_claimed() {
    let mut account = user(Some("$2b$04$old"));
    account.email_verified = true;
    account.linked_providers = vec![crate::provider_id::ProviderId::parse("google").unwrap()];
    let mut s = setup(&account, Duration::minutes(30));
    s.store.expect_reset().returning(|reset| {
        assert!(reset.email_verified);
        Ok(ResetWrite::Done)
    });
    let done = reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await.unwrap();
    assert!(!done.claimed);
    assert_eq!(done.signed_in.user.linked_providers.len(), 1, "its links stay");
}

#[tokio::test]
async fn an_expired_link_is_refused_by_the_clock() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    s.now = t0() + Duration::minutes(30);
    let refused = reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await;
    assert!(matches!(refused, Err(ResetPasswordError::LinkExpired)), "{refused:?}");
}

#[tokio::test]
async fn a_link_a_second_before_it_expires_works() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    s.now = t0() + Duration::minutes(30) - Duration::seconds(1);
    s.store.expect_reset().returning(|_| Ok(ResetWrite::Done));
    reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await.unwrap();
}

#[tokio::test]
async fn a_weak_password_is_refused_before_the_link_is_used_and_spends_nothing() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    s.throttle = throttle_with_limits(10, 1);
    s.store.expect_reset().times(1).returning(|_| Ok(ResetWrite::Done));
    let reset = reset(s);
    let token = LinkToken::generate();
    for weak in ["short", "password123", "ada@example.com"] {
        let refused = reset.execute(&command(token.expose(), weak)).await;
        assert!(
            matches!(&refused, Err(ResetPasswordError::Invalid(e)) if e.errors()[0].field == "new_password"),
            "{refused:?}"
        );
    }
    reset.execute(&command(token.expose(), STRONG)).await.unwrap();
}

#[tokio::test]
async fn a_used_or_voided_link_is_invalid() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    s.store.expect_reset().returning(|_| Ok(ResetWrite::LinkUsed));
    let refused = reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await;
    assert!(matches!(refused, Err(ResetPasswordError::InvalidLink)), "{refused:?}");
}

#[tokio::test]
async fn unknown_and_malformed_tokens_are_invalid_and_spend_the_address_budget() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    s.links = MockLinkTokens::new();
    s.links.expect_find().returning(|_| Ok(None));
    let reset = reset(s);
    let unknown = reset.execute(&command(LinkToken::generate().expose(), STRONG)).await;
    assert!(matches!(unknown, Err(ResetPasswordError::InvalidLink)), "{unknown:?}");
    let malformed = reset.execute(&command("not-a-token", STRONG)).await;
    assert!(matches!(malformed, Err(ResetPasswordError::InvalidLink)), "{malformed:?}");
    let third = reset.execute(&command("not-a-token", STRONG)).await;
    assert!(matches!(third, Err(ResetPasswordError::RateLimited(_))), "two per address here: {third:?}");
}

#[tokio::test]
async fn a_token_of_another_purpose_is_invalid() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    s.links = MockLinkTokens::new();
    let user_id = account.id;
    s.links.expect_find().returning(move |_| {
        Ok(Some(StoredLink { user_id, email: ada(), purpose: None, expires_at: t0() + Duration::minutes(30) }))
    });
    let refused = reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await;
    assert!(matches!(refused, Err(ResetPasswordError::InvalidLink)), "{refused:?}");
}

#[tokio::test]
async fn an_account_verified_meanwhile_is_decided_again_and_not_claimed() {
    let account = user(None);
    let mut s = setup(&account, Duration::minutes(30));
    let mut verified = account.clone();
    verified.email_verified = true;
    s.users = MockUserRepository::new();
    let mut reads = vec![verified, account];
    s.users.expect_find_by_id().returning(move |_| Ok(reads.pop()));
    let mut seq = mockall::Sequence::new();
    s.store.expect_reset().times(1).in_sequence(&mut seq).returning(|_| Ok(ResetWrite::Stale));
    s.store.expect_reset().times(1).in_sequence(&mut seq).returning(|reset| {
        assert!(reset.email_verified);
        Ok(ResetWrite::Done)
    });
    let done = reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await.unwrap();
    assert!(!done.claimed);
}

#[tokio::test]
async fn a_link_sent_to_an_address_the_account_has_left_is_invalid() {
    let mut account = user(Some("$2b$04$old"));
    account.email = crate::email::Email::parse("moved@example.com").unwrap();
    let mut s = setup(&account, Duration::minutes(30));
    s.store.expect_reset().never();
    let refused = reset(s).execute(&command(LinkToken::generate().expose(), STRONG)).await;
    assert!(matches!(refused, Err(ResetPasswordError::InvalidLink)), "{refused:?}");
}
