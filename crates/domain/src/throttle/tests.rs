use super::*;
use crate::email::Email;
use crate::ports::{FailureWindow, MockFailureCounter, MockHashingGate, StoreError};
use crate::use_cases::test_support::t0;

fn limits() -> RateLimits {
    RateLimits { window: Duration::seconds(900), max_per_email: 3, max_per_ip: 5 }
}

fn keys() -> AttemptKeys {
    AttemptKeys::new(Some(&Email::parse("ada@example.com").unwrap()), Some("203.0.113.9"))
}

fn is_email(key: &str) -> bool {
    key.starts_with("email:")
}

/// Grants every reservation in a window ending at `ends_at`, except on keys `refused` says no to.
fn counter(refused: fn(&str) -> bool, ends_at: DateTime<Utc>) -> MockFailureCounter {
    let mut counter = MockFailureCounter::new();
    counter.expect_reserve().returning(move |key, _, _, max| {
        Ok(if refused(key) {
            Reservation::Refused(FailureWindow { failures: max, ends_at })
        } else {
            Reservation::Granted(FailureWindow { failures: 1, ends_at })
        })
    });
    counter
}

async fn admit(counter: MockFailureCounter, keys: &AttemptKeys) -> Result<Attempt, Throttled> {
    Throttle::new(Arc::new(counter), limits()).admit(keys, t0()).await
}

#[tokio::test]
async fn under_both_limits_reserves_one_unit_of_each_with_its_own_maximum() {
    let mut counter = MockFailureCounter::new();
    counter
        .expect_reserve()
        .withf(|key, _, window, max| *window == Duration::seconds(900) && *max == if is_email(key) { 3 } else { 5 })
        .times(2)
        .returning(|_, now, window, _| Ok(Reservation::Granted(FailureWindow { failures: 1, ends_at: now + window })));
    admit(counter, &keys()).await.unwrap().failed();
}

#[tokio::test]
async fn a_spent_email_refuses_until_its_window_ends_without_touching_the_address() {
    let mut counter = counter(is_email, t0() + Duration::seconds(60));
    counter.expect_release().never();
    let refused = admit(counter, &keys()).await.unwrap_err();
    assert_eq!(refused, Throttled { retry_after: Duration::seconds(60) });
}

#[tokio::test]
async fn a_spent_address_refuses_any_email_and_gives_the_emails_unit_back() {
    let ends_at = t0() + Duration::seconds(30);
    let mut counter = counter(|key| !is_email(key), ends_at);
    counter.expect_release().withf(move |key, end| is_email(key) && *end == ends_at).times(1).returning(|_, _| Ok(()));
    let refused = admit(counter, &keys()).await.unwrap_err();
    assert_eq!(refused, Throttled { retry_after: Duration::seconds(30) });
}

#[tokio::test]
async fn an_unreachable_counter_fails_open() {
    let mut counter = MockFailureCounter::new();
    counter.expect_reserve().returning(|_, _, _, _| Err(StoreError::Unavailable("down".into())));
    counter.expect_release().never();
    counter.expect_clear().never();
    admit(counter, &keys()).await.unwrap().succeeded().await;
}

#[tokio::test]
async fn success_gives_back_the_address_unit_and_clears_the_email() {
    let mut counter = counter(|_| false, t0() + Duration::seconds(900));
    counter.expect_release().withf(|key, _| !is_email(key)).times(1).returning(|_, _| Ok(()));
    counter.expect_clear().withf(is_email).times(1).returning(|_| Ok(()));
    admit(counter, &keys()).await.unwrap().succeeded().await;
}

#[tokio::test]
async fn a_created_account_gives_back_only_the_emails_unit() {
    let mut counter = counter(|_| false, t0() + Duration::seconds(900));
    counter.expect_release().withf(|key, _| is_email(key)).times(1).returning(|_, _| Ok(()));
    counter.expect_clear().never();
    admit(counter, &keys()).await.unwrap().give_back_email().await;
}

#[tokio::test]
async fn a_failure_keeps_every_unit_spent() {
    let mut counter = counter(|_| false, t0() + Duration::seconds(900));
    counter.expect_release().never();
    counter.expect_clear().never();
    admit(counter, &keys()).await.unwrap().failed();
}

#[tokio::test]
async fn email_only_keys_spend_only_the_emails_budget() {
    let mut counter = MockFailureCounter::new();
    counter
        .expect_reserve()
        .withf(|key, _, _, max| is_email(key) && *max == 3)
        .times(1)
        .returning(|_, now, window, _| Ok(Reservation::Granted(FailureWindow { failures: 1, ends_at: now + window })));
    let email = Email::parse("ada@example.com").unwrap();
    admit(counter, &AttemptKeys::new(Some(&email), None)).await.unwrap().failed();
}

#[tokio::test]
async fn a_full_queue_refuses_and_gives_every_unit_back() {
    let mut counter = counter(|_| false, t0() + Duration::seconds(900));
    counter.expect_release().times(2).returning(|_, _| Ok(()));
    let mut gate = MockHashingGate::new();
    gate.expect_enter()
        .withf(|client| client == "ip:203.0.113.9")
        .times(1)
        .returning(|_| Err(Throttled { retry_after: Duration::seconds(1) }));
    let throttle = Throttle::new(Arc::new(counter), limits()).with_gate(Arc::new(gate));
    let mut attempt = throttle.admit(&keys(), t0()).await.unwrap();
    assert_eq!(attempt.hashing_turn().await.unwrap_err(), Throttled { retry_after: Duration::seconds(1) });
    attempt.failed();
}

#[tokio::test]
async fn the_turn_is_held_while_hashing_and_skipped_without_an_address() {
    let pool = Arc::new(tokio::sync::Semaphore::new(1));
    let mut gate = MockHashingGate::new();
    let place = pool.clone();
    gate.expect_enter().times(1).returning(move |_| Ok(HashingTurn::new(place.clone().try_acquire_owned().unwrap())));
    let throttle = Throttle::new(Arc::new(counter(|_| false, t0())), limits()).with_gate(Arc::new(gate));
    let mut attempt = throttle.admit(&keys(), t0()).await.unwrap();
    assert_eq!(pool.available_permits(), 1, "no turn taken before the hash");
    attempt.hashing_turn().await.unwrap();
    assert_eq!(pool.available_permits(), 0);
    attempt.hashed();
    assert_eq!(pool.available_permits(), 1);
    attempt.failed();
    let email = Email::parse("ada@example.com").unwrap();
    let mut no_address = throttle.admit(&AttemptKeys::new(Some(&email), None), t0()).await.unwrap();
    no_address.hashing_turn().await.unwrap();
    no_address.failed();
}
