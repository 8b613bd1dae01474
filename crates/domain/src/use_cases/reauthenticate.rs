use std::sync::Arc;

use crate::clock::Clock;
use crate::ports::{Infrastructure, PasswordHasher, SessionRepository, UserRepository};
use crate::session::SessionId;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::user::UserId;
use crate::validation::{FieldError, ValidationErrors};

/// A signed-in person's password, given again to prove that they hold the session.
#[derive(Clone)]
pub struct ReauthenticateCommand {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub password: String,
    /// The client's address: an attempt spends its budget and waits for its hashing turn.
    pub client_ip: Option<String>,
}

impl std::fmt::Debug for ReauthenticateCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReauthenticateCommand").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReauthenticateError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// A wrong password, or an account without one: told apart no more than at login.
    #[error("the password is incorrect")]
    InvalidCredentials,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    /// The asking session (or its user) is gone.
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Checks the password as a login does (budgets, hashing turn, a dummy hash for an account
/// without one) and records the proof on the asking session. Opens no session.
#[derive(Clone)]
pub struct Reauthenticate {
    users: Arc<dyn UserRepository>,
    sessions: Arc<dyn SessionRepository>,
    hasher: Arc<dyn PasswordHasher>,
    throttle: Throttle,
    clock: Arc<dyn Clock>,
}

impl Reauthenticate {
    pub fn new(
        users: Arc<dyn UserRepository>,
        sessions: Arc<dyn SessionRepository>,
        hasher: Arc<dyn PasswordHasher>,
        throttle: Throttle,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { users, sessions, hasher, throttle, clock }
    }

    #[tracing::instrument(name = "reauthenticate", skip_all, fields(user = %command.user_id))]
    pub async fn execute(&self, command: &ReauthenticateCommand) -> Result<(), ReauthenticateError> {
        if command.password.is_empty() {
            return Err(ValidationErrors::from(FieldError::required("password")).into());
        }
        let user = self.users.find_by_id(command.user_id).await?.ok_or(ReauthenticateError::SessionEnded)?;
        let keys = ThrottledAction::Reauthenticate.keys(&user.email, command.client_ip.as_deref());
        let mut attempt = self.throttle.admit(&keys, self.clock.now()).await?;
        let hash = user.password_hash.clone();
        let matches = attempt.verify::<ReauthenticateError>(&*self.hasher, &command.password, hash).await?;
        if !matches || user.password_hash.is_none() {
            attempt.failed();
            return Err(ReauthenticateError::InvalidCredentials);
        }
        // A claim or a password change since the check revoked this session: nothing recorded.
        if !self.sessions.record_proof(user.id, command.session_id, self.clock.now()).await? {
            attempt.failed();
            return Err(ReauthenticateError::SessionEnded);
        }
        attempt.succeeded().await;
        Ok(())
    }
}

opaque_debug!(Reauthenticate);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockPasswordHasher, MockSessionRepository, MockUserRepository};
    use crate::use_cases::test_support::*;
    use crate::user::User;

    fn use_case(
        found: Option<User>,
        hasher: MockPasswordHasher,
        sessions: MockSessionRepository,
        throttle: Throttle,
    ) -> Reauthenticate {
        let mut users = MockUserRepository::new();
        users.expect_find_by_id().returning(move |_| Ok(found.clone()));
        Reauthenticate::new(Arc::new(users), Arc::new(sessions), Arc::new(hasher), throttle, clock_at(t0()))
    }

    fn command(password: &str) -> ReauthenticateCommand {
        ReauthenticateCommand {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            password: password.into(),
            client_ip: Some("198.51.100.7".into()),
        }
    }

    fn hasher(answer: bool) -> MockPasswordHasher {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().times(1).returning(move |_, _| Ok(answer));
        hasher
    }

    fn recording(times: usize, answer: bool) -> MockSessionRepository {
        let mut sessions = MockSessionRepository::new();
        sessions.expect_record_proof().withf(|_, _, at| *at == t0()).times(times).returning(move |_, _, _| Ok(answer));
        sessions
    }

    #[tokio::test]
    async fn the_right_password_records_the_proof_on_the_asking_session() {
        let result = use_case(Some(user(Some("stored"))), hasher(true), recording(1, true), open_throttle())
            .execute(&command("right-password"))
            .await;
        assert!(result.is_ok());
    }

    #[tokio::test]
    async fn a_wrong_password_records_nothing() {
        let result = use_case(Some(user(Some("stored"))), hasher(false), recording(0, true), open_throttle())
            .execute(&command("wrong-password"))
            .await;
        assert!(matches!(result, Err(ReauthenticateError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn an_account_without_a_password_is_checked_against_a_dummy_and_refused() {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().withf(|_, hash| hash.is_none()).times(1).returning(|_, _| Ok(true));
        let result = use_case(Some(user(None)), hasher, recording(0, true), open_throttle())
            .execute(&command("anything-at-all"))
            .await;
        assert!(matches!(result, Err(ReauthenticateError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn a_throttled_attempt_checks_no_password() {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().never();
        let result = use_case(Some(user(Some("stored"))), hasher, recording(0, true), closed_throttle())
            .execute(&command("right-password"))
            .await;
        assert!(matches!(result, Err(ReauthenticateError::RateLimited(_))));
    }

    #[tokio::test]
    async fn a_session_revoked_meanwhile_gets_no_proof() {
        let result = use_case(Some(user(Some("stored"))), hasher(true), recording(1, false), open_throttle())
            .execute(&command("right-password"))
            .await;
        assert!(matches!(result, Err(ReauthenticateError::SessionEnded)));
    }

    #[tokio::test]
    async fn an_empty_password_is_required_and_costs_nothing() {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().never();
        let result = use_case(None, hasher, recording(0, true), closed_throttle()).execute(&command("")).await;
        assert!(matches!(result, Err(ReauthenticateError::Invalid(_))));
    }
}
