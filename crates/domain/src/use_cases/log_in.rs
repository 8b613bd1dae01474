use std::sync::Arc;

use crate::clock::Clock;
use crate::email::Email;
use crate::ports::Infrastructure;
use crate::ports::{PasswordHasher, SessionRepository, UserRepository};
use crate::session::{ClientInfo, SignInMethod};
use crate::session_issuer::SessionIssuer;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::validation::{FieldError, ValidationErrors};

use super::SignedIn;

#[derive(Clone, Default)]
pub struct LogInCommand {
    pub email: String,
    pub password: String,
    pub client: ClientInfo,
}

impl std::fmt::Debug for LogInCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogInCommand").field("email", &self.email).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LogInError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Unknown email, wrong password and password-less account alike.
    #[error("email or password is incorrect")]
    InvalidCredentials,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Checks an email and password and opens a new session.
#[derive(Clone)]
pub struct LogIn {
    users: Arc<dyn UserRepository>,
    sessions: Arc<dyn SessionRepository>,
    hasher: Arc<dyn PasswordHasher>,
    issuer: SessionIssuer,
    throttle: Throttle,
    clock: Arc<dyn Clock>,
}

impl LogIn {
    pub fn new(
        users: Arc<dyn UserRepository>,
        sessions: Arc<dyn SessionRepository>,
        hasher: Arc<dyn PasswordHasher>,
        issuer: SessionIssuer,
        throttle: Throttle,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { users, sessions, hasher, issuer, throttle, clock }
    }

    #[tracing::instrument(name = "log_in", skip_all)]
    pub async fn execute(&self, command: LogInCommand) -> Result<SignedIn, LogInError> {
        let mut errors = ValidationErrors::default();
        let email = Email::parse(&command.email).map_err(|e| errors.push(e)).ok();
        if command.password.is_empty() {
            errors.push(FieldError::required("password"));
        }
        let Some(email) = email else {
            return Err(LogInError::Invalid(errors));
        };
        errors.into_result()?;
        let keys = ThrottledAction::LogIn.keys(&email, command.client.ip.as_deref());
        // Reserved before any lookup or bcrypt: a blocked guesser costs next to nothing, and
        // requests sent at once get no more checks than the budget holds.
        let mut attempt = self.throttle.admit(&keys, self.clock.now()).await?;

        let user = self.users.find_by_email(&email).await?;
        let hash = user.as_ref().and_then(|u| u.password_hash.clone());
        // Always verify, against a dummy hash when there is none, so timing reveals nothing.
        let matches = attempt.verify::<LogInError>(&*self.hasher, &command.password, hash.clone()).await?;
        let (user, verified) = match (user, hash) {
            (Some(user), Some(verified)) if matches => (user, verified),
            _ => {
                attempt.failed();
                return Err(LogInError::InvalidCredentials);
            }
        };
        let (session, access_token) = self.issuer.issue(user.id, &command.client, SignInMethod::Password)?;
        // Only while the password checked is still the account's: a claim or a password change
        // committed since the check leaves nothing to sign in with (and clears no failures).
        if !self.sessions.create_for_password(&session, &verified).await? {
            attempt.failed();
            return Err(LogInError::InvalidCredentials);
        }
        attempt.succeeded().await;
        Ok(SignedIn { user, access_token, session_id: session.id, expires_at: session.expires_at })
    }
}

opaque_debug!(LogIn);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::password::PasswordHash;
    use crate::ports::{MockPasswordHasher, MockSessionRepository, MockUserRepository};
    use crate::use_cases::test_support::*;
    use crate::user::{User, UserId};
    use crate::validation::FieldErrorCode;

    fn command(email: &str, password: &str) -> LogInCommand {
        LogInCommand { email: email.into(), password: password.into(), ..Default::default() }
    }

    fn log_in(found: Option<User>, hasher: MockPasswordHasher, sessions: MockSessionRepository) -> LogIn {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(move |_| Ok(found.clone()));
        log_in_with(users, hasher, sessions, open_throttle())
    }

    fn log_in_with(
        users: MockUserRepository,
        hasher: MockPasswordHasher,
        sessions: MockSessionRepository,
        throttle: Throttle,
    ) -> LogIn {
        let issuer = issuer(codec_for(UserId::generate()));
        LogIn::new(Arc::new(users), Arc::new(sessions), Arc::new(hasher), issuer, throttle, clock_at(t0()))
    }

    #[tokio::test]
    async fn a_throttled_email_costs_no_lookup_and_no_bcrypt() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().never();
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().never();
        let result = log_in_with(users, hasher, no_sessions(), closed_throttle())
            .execute(command("ada@example.com", "right-password"))
            .await;
        assert!(matches!(result, Err(LogInError::RateLimited(_))));
    }

    #[tokio::test]
    async fn a_wrong_password_keeps_the_units_reserved_on_email_and_address() {
        let mut counter = crate::ports::MockFailureCounter::new();
        counter.expect_reserve().times(2).returning(|_, now, window, _| {
            Ok(crate::ports::Reservation::Granted(crate::ports::FailureWindow { failures: 1, ends_at: now + window }))
        });
        counter.expect_release().never();
        counter.expect_clear().never();
        let throttle = Throttle::new(Arc::new(counter), crate::throttle::RateLimits::default());
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(Some(user(Some("stored")))));
        let mut cmd = command("ada@example.com", "wrong-password");
        cmd.client.ip = Some("198.51.100.7".into());
        let result =
            log_in_with(users, hasher_expecting(Some("stored"), false), no_sessions(), throttle).execute(cmd).await;
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn a_right_password_gives_back_the_address_unit_and_clears_the_email() {
        let mut counter = crate::ports::MockFailureCounter::new();
        counter.expect_reserve().times(2).returning(|_, now, window, _| {
            Ok(crate::ports::Reservation::Granted(crate::ports::FailureWindow { failures: 1, ends_at: now + window }))
        });
        counter.expect_release().withf(|key, _| key.starts_with("ip:")).times(1).returning(|_, _| Ok(()));
        counter.expect_clear().withf(|key| key.starts_with("email:")).times(1).returning(|_| Ok(()));
        let throttle = Throttle::new(Arc::new(counter), crate::throttle::RateLimits::default());
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(Some(user(Some("stored")))));
        let mut sessions = MockSessionRepository::new();
        sessions.expect_create_for_password().times(1).returning(|_, _| Ok(true));
        let mut cmd = command("ada@example.com", "right-password");
        cmd.client.ip = Some("198.51.100.7".into());
        let result = log_in_with(users, hasher_expecting(Some("stored"), true), sessions, throttle).execute(cmd).await;
        assert!(result.is_ok());
    }

    fn hasher_expecting(hash: Option<&'static str>, answer: bool) -> MockPasswordHasher {
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .withf(move |_, given| given.as_ref().map(PasswordHash::as_str) == hash)
            .times(1)
            .returning(move |_, _| Ok(answer));
        hasher
    }

    fn no_sessions() -> MockSessionRepository {
        let mut sessions = MockSessionRepository::new();
        sessions.expect_create_for_password().never();
        sessions
    }

    #[tokio::test]
    async fn unknown_email_still_runs_a_verification() {
        let result = log_in(None, hasher_expecting(None, false), no_sessions())
            .execute(command("nobody@example.com", "whatever-pass"))
            .await;
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn wrong_password_is_invalid_credentials() {
        let result = log_in(Some(user(Some("stored"))), hasher_expecting(Some("stored"), false), no_sessions())
            .execute(command("ada@example.com", "wrong-password"))
            .await;
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn an_account_without_password_never_signs_in_with_one() {
        // Even a hasher that says yes cannot sign in an OAuth-only account.
        let result = log_in(Some(user(None)), hasher_expecting(None, true), no_sessions())
            .execute(command("ada@example.com", "anything-at-all"))
            .await;
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn right_password_opens_a_session_for_that_user() {
        let found = user(Some("stored"));
        let user_id = found.id;
        let mut sessions = MockSessionRepository::new();
        sessions
            .expect_create_for_password()
            .withf(move |s, _| s.user_id == user_id)
            .times(1)
            .returning(|_, _| Ok(true));
        let signed_in = log_in(Some(found), hasher_expecting(Some("stored"), true), sessions)
            .execute(command("ADA@example.com", "right-password"))
            .await
            .unwrap();
        assert_eq!(signed_in.user.id, user_id);
        assert_eq!(signed_in.access_token, format!("tok.{}", signed_in.session_id));
    }

    #[tokio::test]
    async fn a_password_replaced_after_the_check_opens_no_session() {
        // A claim (or a password change) committed between the check and the session.
        let mut sessions = MockSessionRepository::new();
        sessions
            .expect_create_for_password()
            .withf(|_, verified| verified.as_str() == "stored")
            .times(1)
            .returning(|_, _| Ok(false));
        let result = log_in(Some(user(Some("stored"))), hasher_expecting(Some("stored"), true), sessions)
            .execute(command("ada@example.com", "right-password"))
            .await;
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[tokio::test]
    async fn missing_fields_are_required() {
        let Err(LogInError::Invalid(errors)) =
            log_in(None, MockPasswordHasher::new(), no_sessions()).execute(command("", "")).await
        else {
            panic!("expected validation errors");
        };
        let codes: Vec<_> = errors.errors().iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(codes, [("email", FieldErrorCode::Required), ("password", FieldErrorCode::Required)]);
    }
}
