use std::sync::Arc;

use super::*;
use crate::password::PasswordHash;
use crate::ports::{
    FailureWindow, HashingTurn, MockFailureCounter, MockHashingGate, MockPasswordHasher, MockUserRepository,
    Reservation,
};
use crate::throttle::RateLimits;
use crate::use_cases::test_support::*;
use crate::user::User;

const NEW_PASSWORD: &str = "amber-lantern-77";

fn command(user: &User, current: Option<&str>) -> SetPasswordCommand {
    SetPasswordCommand {
        user_id: user.id,
        session_id: SessionId::generate(),
        new_password: NEW_PASSWORD.into(),
        current_password: current.map(str::to_owned),
        client: ClientInfo { ip: Some("198.51.100.7".into()), user_agent: None },
    }
}

fn users_with(found: User, stored: Vec<PasswordWrite>) -> MockUserRepository {
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
    let answers = std::sync::Mutex::new(stored.into_iter());
    users.expect_set_password().returning(move |_| Ok(answers.lock().unwrap().next().unwrap_or(PasswordWrite::Done)));
    users
}

fn hasher(current_matches: bool) -> MockPasswordHasher {
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().returning(move |_, _| Ok(current_matches));
    hasher.expect_hash().returning(|_| Ok(PasswordHash::new("new-hash")));
    hasher
}

fn set_password(users: MockUserRepository, hasher: MockPasswordHasher, throttle: Throttle) -> SetPassword {
    set_password_proven(users, hasher, throttle, chrono::Duration::seconds(30))
}

fn set_password_proven(
    users: MockUserRepository,
    hasher: MockPasswordHasher,
    throttle: Throttle,
    proven_ago: chrono::Duration,
) -> SetPassword {
    let rules = PasswordRules { policy: PasswordPolicy::default(), throttle, proof: proven(proven_ago) };
    SetPassword::new(Arc::new(users), Arc::new(hasher), rules, clock_at(t0()))
}

fn codes(error: SetPasswordError) -> Vec<(&'static str, FieldErrorCode)> {
    let SetPasswordError::Invalid(errors) = error else { panic!("expected validation errors, got {error:?}") };
    errors.errors().iter().map(|e| (e.field, e.code)).collect()
}

#[tokio::test]
async fn an_account_without_a_password_sets_one_and_keeps_only_this_session() {
    let me = user(None);
    let mut users = MockUserRepository::new();
    let found = me.clone();
    users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
    let cmd = command(&me, None);
    let keep = cmd.session_id;
    users
        .expect_set_password()
        .withf(move |c| c.previous.is_none() && c.new.as_str() == "new-hash" && c.keep == keep && c.now == t0())
        .times(1)
        .returning(|_| Ok(PasswordWrite::Done));
    let done = set_password(users, hasher(false), open_throttle()).execute(&cmd).await.unwrap();
    assert_eq!(done, PasswordSet::Set);
}

#[tokio::test]
async fn a_first_password_from_a_session_proven_too_long_ago_is_refused_before_any_hash() {
    let me = user(None);
    let mut users = MockUserRepository::new();
    let found = me.clone();
    users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
    users.expect_set_password().never();
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_hash().never();
    let stale = chrono::Duration::minutes(11);
    let result = set_password_proven(users, hasher, closed_throttle(), stale).execute(&command(&me, None)).await;
    assert!(matches!(result, Err(SetPasswordError::ReauthenticationRequired)), "{result:?}");
}

#[tokio::test]
async fn a_change_is_proven_by_the_current_password_however_old_the_session() {
    let me = user(Some("stored"));
    let users = users_with(me.clone(), vec![]);
    let stale = chrono::Duration::days(2);
    let done =
        set_password_proven(users, hasher(true), open_throttle(), stale).execute(&command(&me, Some("old"))).await;
    assert_eq!(done.unwrap(), PasswordSet::Changed);
}

#[tokio::test]
async fn a_change_needs_the_right_current_password() {
    let me = user(Some("old-hash"));
    let missing = set_password(users_with(me.clone(), vec![]), hasher(true), open_throttle())
        .execute(&command(&me, None))
        .await
        .unwrap_err();
    assert_eq!(codes(missing), [("current_password", FieldErrorCode::Required)]);
    let wrong = set_password(users_with(me.clone(), vec![]), hasher(false), open_throttle())
        .execute(&command(&me, Some("guess")))
        .await
        .unwrap_err();
    assert_eq!(codes(wrong), [("current_password", FieldErrorCode::Incorrect)]);
    let done = set_password(users_with(me.clone(), vec![]), hasher(true), open_throttle())
        .execute(&command(&me, Some("right")))
        .await
        .unwrap();
    assert_eq!(done, PasswordSet::Changed);
}

#[tokio::test]
async fn wrong_current_passwords_are_rate_limited_before_any_check() {
    let me = user(Some("old-hash"));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().never();
    let result = set_password(users_with(me.clone(), vec![]), hasher, closed_throttle())
        .execute(&command(&me, Some("guess")))
        .await;
    assert!(matches!(result, Err(SetPasswordError::RateLimited(_))), "{result:?}");
}

#[tokio::test]
async fn the_new_password_is_held_to_the_policy_under_its_own_name() {
    let me = user(None);
    let mut cmd = command(&me, None);
    cmd.new_password = "ada".into();
    let error = set_password(users_with(me, vec![]), hasher(true), open_throttle()).execute(&cmd).await.unwrap_err();
    assert_eq!(codes(error), [("new_password", FieldErrorCode::TooShort)]);
}

#[tokio::test]
async fn a_session_revoked_meanwhile_sets_nothing() {
    let me = user(None);
    let mut hasher = hasher(true);
    hasher.checkpoint();
    hasher.expect_hash().times(1).returning(|_| Ok(PasswordHash::new("new-hash")));
    let users = users_with(me.clone(), vec![PasswordWrite::SessionEnded]);
    let result = set_password(users, hasher, open_throttle()).execute(&command(&me, None)).await;
    assert!(matches!(result, Err(SetPasswordError::SessionEnded)), "{result:?}");
}

#[tokio::test]
async fn a_password_changed_meanwhile_is_decided_again() {
    let me = user(Some("old-hash"));
    let users = users_with(me.clone(), vec![PasswordWrite::Stale]);
    let done = set_password(users, hasher(true), open_throttle()).execute(&command(&me, Some("right"))).await;
    assert_eq!(done.unwrap(), PasswordSet::Changed);
    let users = users_with(me.clone(), vec![PasswordWrite::Stale, PasswordWrite::Stale]);
    let result = set_password(users, hasher(true), open_throttle()).execute(&command(&me, Some("right"))).await;
    assert!(matches!(result, Err(SetPasswordError::Infrastructure(Infrastructure::Store(_)))), "{result:?}");
}

#[tokio::test]
async fn the_same_password_again_is_refused_before_any_hash() {
    let me = user(Some("old-hash"));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().never();
    hasher.expect_hash().never();
    let error = set_password(users_with(me.clone(), vec![]), hasher, open_throttle())
        .execute(&command(&me, Some(NEW_PASSWORD)))
        .await
        .unwrap_err();
    assert_eq!(codes(error), [("new_password", FieldErrorCode::SameAsCurrent)]);
}

#[tokio::test]
async fn every_change_spends_the_address_budget_and_keeps_it_spent() {
    for current in [None, Some("right")] {
        let me = user(current.map(|_| "old-hash"));
        let mut counter = MockFailureCounter::new();
        counter.expect_reserve().withf(|key, _, _, _| key.starts_with("ip:") || key.starts_with("email:")).returning(
            |_, now, window, _| Ok(Reservation::Granted(FailureWindow { failures: 1, ends_at: now + window })),
        );
        counter.expect_release().never();
        counter.expect_clear().returning(|_| Ok(()));
        let throttle = Throttle::new(Arc::new(counter), RateLimits::default());
        let done =
            set_password(users_with(me.clone(), vec![]), hasher(true), throttle).execute(&command(&me, current)).await;
        assert!(done.is_ok(), "{done:?}");
    }
    let me = user(None);
    let result = set_password(users_with(me.clone(), vec![]), hasher(true), closed_throttle())
        .execute(&command(&me, None))
        .await;
    assert!(
        matches!(result, Err(SetPasswordError::RateLimited(_))),
        "a first password spends the address too: {result:?}"
    );
}

/// Set when dropped: the address's turn at the hashing pool ends.
struct Place(Arc<std::sync::atomic::AtomicBool>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn both_hashes_run_within_one_turn_of_the_address() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let me = user(Some("old-hash"));
    let released = Arc::new(AtomicBool::new(false));
    let mut gate = MockHashingGate::new();
    let place = released.clone();
    gate.expect_enter()
        .withf(|address| address == "ip:198.51.100.7")
        .times(1)
        .returning(move |_| Ok(HashingTurn::new(Place(place.clone()))));
    let held_hashes = Arc::new(AtomicUsize::new(0));
    let mut hasher = MockPasswordHasher::new();
    let (seen, during) = (released.clone(), held_hashes.clone());
    hasher.expect_verify().returning(move |_, _| {
        if !seen.load(Ordering::SeqCst) {
            during.fetch_add(1, Ordering::SeqCst);
        }
        Ok(true)
    });
    let (seen, during) = (released.clone(), held_hashes.clone());
    hasher.expect_hash().returning(move |_| {
        if !seen.load(Ordering::SeqCst) {
            during.fetch_add(1, Ordering::SeqCst);
        }
        Ok(PasswordHash::new("new-hash"))
    });
    let throttle = open_throttle().with_gate(Arc::new(gate));
    let done =
        set_password(users_with(me.clone(), vec![]), hasher, throttle).execute(&command(&me, Some("right"))).await;
    assert_eq!(done.unwrap(), PasswordSet::Changed);
    assert_eq!(held_hashes.load(Ordering::SeqCst), 2, "the check and the new hash, both within the turn");
    assert!(released.load(Ordering::SeqCst), "the turn ends with the change");
}

#[tokio::test]
async fn a_change_refused_a_turn_hashes_nothing() {
    let me = user(Some("old-hash"));
    let mut gate = MockHashingGate::new();
    gate.expect_enter().times(1).returning(|_| Err(Throttled { retry_after: chrono::Duration::seconds(1) }));
    let mut hasher = MockPasswordHasher::new();
    hasher.expect_verify().never();
    hasher.expect_hash().never();
    let throttle = open_throttle().with_gate(Arc::new(gate));
    let result =
        set_password(users_with(me.clone(), vec![]), hasher, throttle).execute(&command(&me, Some("right"))).await;
    assert!(matches!(result, Err(SetPasswordError::RateLimited(_))), "{result:?}");
}
