use std::sync::Arc;

use super::*;
use crate::email::Email;
use crate::mail::LinkToken;
use crate::mail::{MockEmailVerificationStore, MockLinkTokens, MockMailOutbox, StoredLink, VerifyWrite};
use crate::ports::{FailureWindow, MockFailureCounter, MockUserRepository};
use crate::use_cases::test_support::{clock, t0, throttle_with_limits, user};

struct Setup {
    users: MockUserRepository,
    outbox: MockMailOutbox,
    links: MockLinkTokens,
    store: MockEmailVerificationStore,
    counter: MockFailureCounter,
}

fn setup(account: &User) -> Setup {
    let mut users = MockUserRepository::new();
    let found = account.clone();
    users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
    let mut counter = MockFailureCounter::new();
    counter
        .expect_reserve()
        .returning(|_, now, window, _| Ok(Reservation::Granted(FailureWindow { failures: 1, ends_at: now + window })));
    Setup {
        users,
        outbox: MockMailOutbox::new(),
        links: MockLinkTokens::new(),
        store: MockEmailVerificationStore::new(),
        counter,
    }
}

fn ports(s: Setup) -> VerificationPorts {
    VerificationPorts {
        users: Arc::new(s.users),
        outbox: Arc::new(s.outbox),
        links: Arc::new(s.links),
        store: Arc::new(s.store),
        counter: Arc::new(s.counter),
        clock: clock(),
    }
}

fn link_of(owner: UserId, expires_in: Duration) -> StoredLink {
    StoredLink {
        user_id: owner,
        email: Email::parse("ada@example.com").unwrap(),
        purpose: Some(LinkPurpose::VerifyEmail),
        expires_at: t0() + expires_in,
    }
}

#[tokio::test]
async fn a_new_verification_mail_is_enqueued_for_the_account_address() {
    let account = user(Some("h"));
    let mut s = setup(&account);
    let id = account.id;
    s.outbox
        .expect_enqueue()
        .withf(move |job, _| {
            *job == MailJob::VerifyEmail { user_id: id, email: Email::parse("ada@example.com").unwrap() }
        })
        .times(1)
        .returning(|_, _| Ok(()));
    SendVerification::new(ports(s), throttle_with_limits(10, 10)).execute(account.id, None).await.unwrap();
}

#[tokio::test]
async fn a_verified_address_gets_no_new_mail() {
    let mut account = user(Some("h"));
    account.email_verified = true;
    let s = setup(&account);
    let refused = SendVerification::new(ports(s), throttle_with_limits(10, 10)).execute(account.id, None).await;
    assert!(matches!(refused, Err(SendVerificationError::AlreadyVerified)), "{refused:?}");
}

#[tokio::test]
async fn a_second_mail_within_the_minute_is_refused_with_the_wait() {
    let account = user(Some("h"));
    let mut s = setup(&account);
    s.counter = MockFailureCounter::new();
    s.counter.expect_reserve().returning(|key, now, window, max| {
        assert!(key.starts_with("verification:") && window == VERIFICATION_EVERY && max == 1);
        Ok(Reservation::Refused(FailureWindow { failures: 1, ends_at: now + Duration::seconds(40) }))
    });
    let refused = SendVerification::new(ports(s), throttle_with_limits(10, 10)).execute(account.id, None).await;
    assert!(matches!(refused, Err(SendVerificationError::RateLimited(t)) if t.retry_after == Duration::seconds(40)));
}

#[tokio::test]
async fn the_owner_signed_in_verifies_with_their_link() {
    let account = user(Some("h"));
    let mut s = setup(&account);
    let owner = account.id;
    s.links.expect_find().returning(move |_| Ok(Some(link_of(owner, Duration::hours(24)))));
    s.store.expect_verify().times(1).returning(move |v| {
        assert_eq!((v.user_id, v.email.as_str()), (owner, "ada@example.com"));
        Ok(VerifyWrite::Done)
    });
    let token = LinkToken::generate();
    VerifyEmailAddress::new(ports(s), throttle_with_limits(10, 10)).execute(owner, token.expose(), None).await.unwrap();
}

#[tokio::test]
async fn a_link_used_from_another_account_s_session_verifies_nothing() {
    let victim = user(Some("h"));
    let squatter = UserId::generate();
    let mut s = setup(&victim);
    s.links.expect_find().returning(move |_| Ok(Some(link_of(squatter, Duration::hours(24)))));
    s.store.expect_verify().never();
    let verify = VerifyEmailAddress::new(ports(s), throttle_with_limits(10, 10));
    let refused = verify.execute(victim.id, LinkToken::generate().expose(), None).await;
    assert!(matches!(refused, Err(VerifyEmailError::OtherAccount)), "{refused:?}");
}

#[tokio::test]
async fn expired_used_and_other_purpose_links_are_refused_and_spend_the_address_budget() {
    let account = user(Some("h"));
    let mut s = setup(&account);
    let owner = account.id;
    let mut answers = vec![
        Some(link_of(owner, Duration::hours(24))),
        Some(StoredLink { purpose: Some(LinkPurpose::PasswordReset), ..link_of(owner, Duration::hours(1)) }),
        Some(link_of(owner, Duration::zero())),
    ];
    s.links.expect_find().returning(move |_| Ok(answers.pop().flatten()));
    s.store.expect_verify().returning(|_| Ok(VerifyWrite::LinkUsed));
    let verify = VerifyEmailAddress::new(ports(s), throttle_with_limits(10, 2));
    let mut outcomes = Vec::new();
    for _ in 0..4 {
        outcomes.push(verify.execute(owner, LinkToken::generate().expose(), Some("203.0.113.9")).await);
    }
    assert!(matches!(outcomes[0], Err(VerifyEmailError::LinkExpired)), "{outcomes:?}");
    assert!(matches!(outcomes[1], Err(VerifyEmailError::InvalidLink)), "another purpose: {outcomes:?}");
    assert!(matches!(outcomes[2], Err(VerifyEmailError::InvalidLink)), "used meanwhile: {outcomes:?}");
    assert!(
        matches!(outcomes[3], Err(VerifyEmailError::RateLimited(_))),
        "two refusals per address here (a link used meanwhile is no guess): {outcomes:?}"
    );
}
