use std::sync::Arc;

use crate::clock::Clock;
use crate::password::PasswordPolicy;
use crate::ports::{HashError, PasswordChange, PasswordHasher, PasswordWrite, StoreError, UserRepository};
use crate::session::SessionId;
use crate::throttle::{AttemptKeys, Throttle, Throttled};
use crate::user::UserId;
use crate::validation::{FieldError, FieldErrorCode, ValidationErrors};

const NEW: &str = "new_password";
const CURRENT: &str = "current_password";

/// A signed-in user's request to set a password (an account without one) or change it.
#[derive(Clone)]
pub struct SetPasswordCommand {
    pub user_id: UserId,
    /// The session asking: it stays, every other session of the user is revoked.
    pub session_id: SessionId,
    pub new_password: String,
    /// Required when the account has a password.
    pub current_password: Option<String>,
    /// The client's address: every change spends its budget and waits for its hashing turn.
    pub client_ip: Option<String>,
}

impl std::fmt::Debug for SetPasswordCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetPasswordCommand").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Too many wrong current passwords for this account.
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    /// The asking session (or its user) is gone.
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// Whether the account had a password before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSet {
    Set,
    Changed,
}

/// Sets or changes a signed-in user's password and revokes their other sessions.
#[derive(Clone)]
pub struct SetPassword {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    policy: PasswordPolicy,
    throttle: Throttle,
    clock: Arc<dyn Clock>,
}

impl SetPassword {
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        policy: PasswordPolicy,
        throttle: Throttle,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { users, hasher, policy, throttle, clock }
    }

    pub async fn execute(&self, command: &SetPasswordCommand) -> Result<PasswordSet, SetPasswordError> {
        // A password changed meanwhile (another request of the user's): decided again, the
        // current password is checked against the new hash.
        match self.attempt(command).await? {
            Some(done) => Ok(done),
            None => self
                .attempt(command)
                .await?
                .ok_or_else(|| SetPasswordError::Store(StoreError::Unexpected("the password kept changing".into()))),
        }
    }

    /// None when the password changed since it was read.
    async fn attempt(&self, command: &SetPasswordCommand) -> Result<Option<PasswordSet>, SetPasswordError> {
        let user = self.users.find_by_id(command.user_id).await?.ok_or(SetPasswordError::SessionEnded)?;
        let mut errors = ValidationErrors::default();
        let new = self
            .policy
            .check(&command.new_password, Some(&user.email))
            .map_err(|e| errors.push(FieldError { field: NEW, ..e }))
            .ok();
        let current = command.current_password.as_deref().filter(|c| !c.is_empty());
        if user.password_hash.is_some() && current.is_none() {
            errors.push(FieldError::required(CURRENT));
        }
        if user.password_hash.is_some() && current == Some(command.new_password.as_str()) {
            // Refused before any hashing: a "change" to the same password proves nothing and
            // would cost two hashes.
            errors.push(FieldError::new(
                NEW,
                FieldErrorCode::SameAsCurrent,
                "new password must differ from the current one",
            ));
        }
        let Some(new) = new else { return Err(errors.into()) };
        errors.into_result()?;

        // The email's budget only when a current password is guessed at; the address's always,
        // reserved before any hash, so requests sent at once get no more hashes than it holds.
        let guessed = user.password_hash.as_ref().zip(current);
        let keys = AttemptKeys::new(guessed.map(|_| &user.email), command.client_ip.as_deref());
        let mut attempt = self.throttle.admit(&keys, self.clock.now()).await?;
        attempt.hashing_turn().await?;
        if let Some((hash, current)) = guessed {
            let matches = self.hasher.verify(current, Some(hash.clone())).await?;
            if !matches {
                attempt.failed();
                let wrong = FieldError::new(CURRENT, FieldErrorCode::Incorrect, "current password is incorrect");
                return Err(ValidationErrors::from(wrong).into());
            }
        }
        let new_hash = self.hasher.hash(&new).await?;
        attempt.changed().await;
        let change = PasswordChange {
            user_id: user.id,
            previous: user.password_hash.clone(),
            new: new_hash,
            keep: command.session_id,
            now: self.clock.now(),
        };
        match self.users.set_password(&change).await? {
            PasswordWrite::Done => {}
            PasswordWrite::Stale => return Ok(None),
            PasswordWrite::SessionEnded => return Err(SetPasswordError::SessionEnded),
        }
        Ok(Some(if user.password_hash.is_some() { PasswordSet::Changed } else { PasswordSet::Set }))
    }
}

opaque_debug!(SetPassword);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::password::PasswordHash;
    use crate::ports::{
        FailureWindow, MockFailureCounter, MockHashingGate, MockPasswordHasher, MockUserRepository, Reservation,
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
            client_ip: Some("198.51.100.7".into()),
        }
    }

    fn users_with(found: User, stored: Vec<PasswordWrite>) -> MockUserRepository {
        let mut users = MockUserRepository::new();
        users.expect_find_by_id().returning(move |_| Ok(Some(found.clone())));
        let answers = std::sync::Mutex::new(stored.into_iter());
        users
            .expect_set_password()
            .returning(move |_| Ok(answers.lock().unwrap().next().unwrap_or(PasswordWrite::Done)));
        users
    }

    fn hasher(current_matches: bool) -> MockPasswordHasher {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().returning(move |_, _| Ok(current_matches));
        hasher.expect_hash().returning(|_| Ok(PasswordHash::new("new-hash")));
        hasher
    }

    fn set_password(users: MockUserRepository, hasher: MockPasswordHasher, throttle: Throttle) -> SetPassword {
        SetPassword::new(Arc::new(users), Arc::new(hasher), PasswordPolicy::default(), throttle, clock_at(t0()))
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
        let error =
            set_password(users_with(me, vec![]), hasher(true), open_throttle()).execute(&cmd).await.unwrap_err();
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
        assert!(matches!(result, Err(SetPasswordError::Store(_))), "{result:?}");
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
            counter
                .expect_reserve()
                .withf(|key, _, _, _| key.starts_with("ip:") || key.starts_with("email:"))
                .returning(|_, now, window, _| {
                    Ok(Reservation::Granted(FailureWindow { failures: 1, ends_at: now + window }))
                });
            counter.expect_release().never();
            counter.expect_clear().returning(|_| Ok(()));
            let throttle = Throttle::new(Arc::new(counter), RateLimits::default());
            let done = set_password(users_with(me.clone(), vec![]), hasher(true), throttle)
                .execute(&command(&me, current))
                .await;
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

    #[tokio::test]
    async fn both_hashes_wait_for_the_address_turn() {
        let me = user(Some("old-hash"));
        let mut gate = MockHashingGate::new();
        gate.expect_enter()
            .withf(|address| address == "ip:198.51.100.7")
            .times(1)
            .returning(|_| Err(Throttled { retry_after: chrono::Duration::seconds(1) }));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().never();
        hasher.expect_hash().never();
        let throttle = open_throttle().with_gate(Arc::new(gate));
        let result =
            set_password(users_with(me.clone(), vec![]), hasher, throttle).execute(&command(&me, Some("right"))).await;
        assert!(matches!(result, Err(SetPasswordError::RateLimited(_))), "{result:?}");
    }
}
