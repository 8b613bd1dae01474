use std::sync::Arc;

use chrono::Duration;

use super::*;
use crate::mail::LinkToken;
use crate::mail::{MockEmailChangeStore, MockLinkTokens, MockMailOutbox, StoredLink};
use crate::ports::MockUserRepository;
use crate::use_cases::test_support::{clock, proven, t0, throttle_with_limits, user};

struct Setup {
    users: MockUserRepository,
    outbox: MockMailOutbox,
    links: MockLinkTokens,
    store: MockEmailChangeStore,
}

fn setup(account: &User, taken: bool) -> Setup {
    let mut users = MockUserRepository::new();
    let found = account.clone();
    users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
    let other = user(None);
    users.expect_find_by_email().returning(move |_| Ok(taken.then(|| other.clone())));
    Setup { users, outbox: MockMailOutbox::new(), links: MockLinkTokens::new(), store: MockEmailChangeStore::new() }
}

fn ports(s: Setup) -> ChangeEmailPorts {
    ChangeEmailPorts {
        users: Arc::new(s.users),
        outbox: Arc::new(s.outbox),
        links: Arc::new(s.links),
        store: Arc::new(s.store),
        clock: clock(),
    }
}

fn command(account: &User, email: &str) -> ChangeEmailCommand {
    ChangeEmailCommand {
        user_id: account.id,
        session_id: SessionId::generate(),
        email: email.into(),
        client: ClientInfo::default(),
    }
}

#[tokio::test]
async fn a_link_goes_to_the_new_address_only_with_a_recent_proof() {
    let account = user(Some("h"));
    let mut s = setup(&account, false);
    let id = account.id;
    s.outbox
        .expect_enqueue()
        .withf(move |job, _| {
            *job == MailJob::ConfirmNewEmail { user_id: id, email: Email::parse("new@example.com").unwrap() }
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let change = ChangeEmail::new(ports(s), proven(Duration::minutes(1)), throttle_with_limits(10, 10));
    change.execute(&command(&account, "New@Example.com")).await.unwrap();

    let stale =
        ChangeEmail::new(ports(setup(&account, false)), proven(Duration::hours(1)), throttle_with_limits(10, 10));
    let refused = stale.execute(&command(&account, "new@example.com")).await;
    assert!(matches!(refused, Err(ChangeEmailError::ReauthenticationRequired)), "{refused:?}");
}

#[tokio::test]
async fn the_same_address_and_a_taken_one_are_refused() {
    let account = user(Some("h"));
    let change =
        ChangeEmail::new(ports(setup(&account, false)), proven(Duration::minutes(1)), throttle_with_limits(10, 10));
    let same = change.execute(&command(&account, "ADA@example.com")).await;
    assert!(matches!(&same, Err(ChangeEmailError::Invalid(e)) if e.errors()[0].code == FieldErrorCode::SameAsCurrent));
    let change =
        ChangeEmail::new(ports(setup(&account, true)), proven(Duration::minutes(1)), throttle_with_limits(10, 10));
    let taken = change.execute(&command(&account, "taken@example.com")).await;
    assert!(matches!(taken, Err(ChangeEmailError::EmailTaken)), "{taken:?}");
}

fn link(owner: UserId) -> StoredLink {
    StoredLink {
        user_id: owner,
        email: Email::parse("new@example.com").unwrap(),
        purpose: Some(LinkPurpose::ChangeEmail),
        expires_at: t0() + Duration::hours(24),
    }
}

#[tokio::test]
async fn the_owner_confirms_and_the_old_address_is_told() {
    let account = user(Some("h"));
    let mut s = setup(&account, false);
    let owner = account.id;
    s.links.expect_find().returning(move |_| Ok(Some(link(owner))));
    s.store.expect_change_email().times(1).returning(|change| {
        assert_eq!(change.new.as_str(), "new@example.com");
        let Some(MailJob::Notice { email, notice, .. }) = &change.notice else { panic!("a notice") };
        assert_eq!(email.as_str(), "ada@example.com", "told to the address it leaves");
        assert_eq!(*notice, Notice::EmailChanged { to: Email::parse("new@example.com").unwrap() });
        Ok(ChangeWrite::Done)
    });
    let confirm = ConfirmEmailChange::new(ports(s), throttle_with_limits(10, 10)).sending_notices();
    confirm.execute(owner, LinkToken::generate().expose(), &ClientInfo::default()).await.unwrap();
}

#[tokio::test]
async fn another_account_s_session_a_used_link_and_a_taken_address_change_nothing() {
    let account = user(Some("h"));
    let mut s = setup(&account, false);
    let owner = UserId::generate();
    s.links.expect_find().returning(move |_| Ok(Some(link(owner))));
    s.store.expect_change_email().never();
    let confirm = ConfirmEmailChange::new(ports(s), throttle_with_limits(10, 10));
    let refused = confirm.execute(account.id, LinkToken::generate().expose(), &ClientInfo::default()).await;
    assert!(matches!(refused, Err(ConfirmEmailChangeError::OtherAccount)), "{refused:?}");

    for (write, expected) in [(ChangeWrite::LinkUsed, "InvalidLink"), (ChangeWrite::Taken, "EmailTaken")] {
        let mut s = setup(&account, false);
        let owner = account.id;
        s.links.expect_find().returning(move |_| Ok(Some(link(owner))));
        s.store.expect_change_email().returning(move |_| Ok(write));
        let confirm = ConfirmEmailChange::new(ports(s), throttle_with_limits(10, 10));
        let refused = confirm.execute(owner, LinkToken::generate().expose(), &ClientInfo::default()).await;
        assert!(format!("{refused:?}").contains(expected), "{refused:?}");
    }
}
