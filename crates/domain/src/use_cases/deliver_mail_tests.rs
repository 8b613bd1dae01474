use std::sync::{Arc, Mutex};

use chrono::Duration;

use super::*;
use crate::email::Email;
use crate::mail::{MockLinkSealer, MockMailOutbox, MockMailer};
use crate::ports::{FailureWindow, MockFailureCounter, MockUserRepository};
use crate::use_cases::test_support::{clock_at, t0, user};
use crate::user::User;

struct Setup {
    outbox: MockMailOutbox,
    users: MockUserRepository,
    sealer: MockLinkSealer,
    mailer: MockMailer,
    counter: MockFailureCounter,
    now: DateTime<Utc>,
}

fn request(created_at: DateTime<Utc>, attempts: u32) -> LeasedMail {
    let email = Email::parse("ada@example.com").unwrap();
    LeasedMail {
        id: uuid::Uuid::new_v4(),
        job: MailJob::PasswordResetRequested { email },
        link: None,
        created_at,
        attempts,
    }
}

/// An outbox that leases `mail` once; a known account; a sealer that seals as "sealed:<token>".
fn setup(mail: LeasedMail, account: Option<User>) -> Setup {
    setup_many(vec![mail], account)
}

fn setup_many(mails: Vec<LeasedMail>, account: Option<User>) -> Setup {
    let mut outbox = MockMailOutbox::new();
    outbox.expect_lease().times(1).return_once(move |_, _, _| Ok(mails));
    let mut users = MockUserRepository::new();
    let by_email = account.clone();
    users.expect_find_by_email().returning(move |_| Ok(by_email.clone()));
    users.expect_find_by_id().returning(move |_| Ok(account.clone()));
    let mut sealer = MockLinkSealer::new();
    sealer.expect_seal().returning(|token| Some(format!("sealed:{}", token.expose())));
    sealer.expect_open().returning(|sealed| sealed.strip_prefix("sealed:").and_then(LinkToken::parse));
    let mut counter = MockFailureCounter::new();
    counter
        .expect_reserve()
        .returning(|_, now, window, _| Ok(Reservation::Granted(FailureWindow { failures: 1, ends_at: now + window })));
    Setup { outbox, users, sealer, mailer: MockMailer::new(), counter, now: t0() }
}

fn deliver(s: Setup) -> DeliverMail {
    let ports = DeliverMailPorts {
        outbox: Arc::new(s.outbox),
        users: Arc::new(s.users),
        sealer: Arc::new(s.sealer),
        mailer: Arc::new(s.mailer),
        counter: Arc::new(s.counter),
        clock: clock_at(s.now),
    };
    DeliverMail::new(ports, 5)
}

#[tokio::test]
async fn a_reset_request_for_an_account_gets_a_link_that_lives_30_minutes_from_the_request_then_goes() {
    let created = t0() - Duration::minutes(2);
    let mail = request(created, 1);
    let id = mail.id;
    let mut s = setup(mail, Some(user(None)));
    let attached = Arc::new(Mutex::new(None));
    let seen = attached.clone();
    s.outbox.expect_attach_link().times(1).returning(move |new| {
        assert_eq!(new.link.expires_at, created + Duration::minutes(30));
        assert_eq!(new.purpose, LinkPurpose::PasswordReset);
        *seen.lock().unwrap() = Some(new.clone());
        Ok(())
    });
    let sent = attached.clone();
    s.mailer.expect_send().times(1).returning(move |mail| {
        let new = sent.lock().unwrap().clone().unwrap();
        let MailMessage::PasswordReset { token, expires_at } = &mail.message else { panic!("a reset mail") };
        assert_eq!(token.hash(), new.hash, "the mail carries the stored link's token");
        assert_eq!(*expires_at, new.link.expires_at);
        assert_eq!(mail.to.as_str(), "ada@example.com");
        assert_eq!(mail.name, None, "an unproven address is not greeted with the name its registrant chose");
        Ok(())
    });
    s.outbox.expect_remove().withf(move |removed| *removed == id).times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Sent]);
}

#[tokio::test]
async fn an_address_without_an_account_gets_no_mail() {
    let mut s = setup(request(t0(), 1), None);
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::NothingToSend]);
}

#[tokio::test]
async fn a_refused_send_is_retried_with_backoff_and_the_row_kept() {
    let mut s = setup(request(t0(), 3), Some(user(None)));
    s.outbox.expect_attach_link().returning(|_| Ok(()));
    s.mailer.expect_send().returning(|_| Err(crate::mail::MailError("connection refused".into())));
    s.outbox.expect_retry().withf(|_, next| *next == t0() + Duration::minutes(2)).times(1).returning(|_, _| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Retrying]);
}

#[tokio::test]
async fn a_link_that_expired_before_it_could_be_sent_is_dropped() {
    let mut mail = request(t0() - Duration::minutes(31), 4);
    mail.link = Some(AttachedLink {
        user_id: user(None).id,
        sealed_token: format!("sealed:{}", LinkToken::generate().expose()),
        expires_at: t0() - Duration::minutes(1),
    });
    let mut s = setup(mail, Some(user(None)));
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Dropped(DropReason::Expired)]);
}

#[tokio::test]
async fn a_mail_is_given_up_after_a_day() {
    let mut s = setup(request(t0() - GIVE_UP_AFTER, 40), Some(user(None)));
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Dropped(DropReason::GaveUp)]);
}

#[tokio::test]
async fn a_failure_whose_next_attempt_would_be_after_a_day_gives_up() {
    let mut mail = request(t0() - GIVE_UP_AFTER + Duration::minutes(10), 30);
    mail.link = Some(AttachedLink {
        user_id: user(None).id,
        sealed_token: format!("sealed:{}", LinkToken::generate().expose()),
        expires_at: t0() + Duration::minutes(10),
    });
    let mut s = setup(mail, Some(user(None)));
    s.mailer.expect_send().returning(|_| Err(crate::mail::MailError("451 try later".into())));
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Dropped(DropReason::GaveUp)]);
}

#[tokio::test]
async fn an_address_over_its_cap_gets_no_more_mail_this_hour() {
    let mut s = setup(request(t0(), 1), Some(user(None)));
    s.counter = MockFailureCounter::new();
    s.counter.expect_reserve().returning(|_, now, _, max| {
        assert_eq!(max, 5);
        Ok(Reservation::Refused(FailureWindow { failures: max, ends_at: now + Duration::minutes(20) }))
    });
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Dropped(DropReason::OverCap)]);
}

#[tokio::test]
async fn a_token_sealed_under_another_key_is_dropped_not_sent() {
    let mut mail = request(t0(), 2);
    mail.link = Some(AttachedLink {
        user_id: user(None).id,
        sealed_token: "sealed under an old key".into(),
        expires_at: t0() + Duration::minutes(10),
    });
    let mut s = setup(mail, Some(user(None)));
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Dropped(DropReason::Unreadable)]);
}

#[test]
fn backoff_doubles_from_30_seconds_to_at_most_30_minutes() {
    let waits: Vec<i64> = (1..=9).map(|n| backoff(n).num_seconds()).collect();
    assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
}

#[tokio::test]
async fn a_row_that_cannot_be_handled_holds_up_no_other() {
    let mut broken = request(t0(), 1);
    broken.job = MailJob::PasswordResetRequested { email: Email::parse("broken@example.com").unwrap() };
    let fine = request(t0(), 1);
    let mut s = setup_many(vec![broken, fine], Some(user(None)));
    s.users = MockUserRepository::new();
    s.users.expect_find_by_email().returning(|email| {
        if email.as_str() == "broken@example.com" {
            Err(StoreError::Unexpected("a row this build cannot read".into()))
        } else {
            Ok(Some(user(None)))
        }
    });
    s.users.expect_find_by_id().returning(|_| Ok(Some(user(None))));
    s.outbox.expect_attach_link().returning(|_| Ok(()));
    s.mailer.expect_send().times(1).returning(|_| Ok(()));
    s.outbox.expect_remove().times(1).returning(|_| Ok(()));
    assert_eq!(deliver(s).run_once().await.unwrap(), [Delivery::Sent]);
}
