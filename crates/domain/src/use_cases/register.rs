use std::sync::Arc;

use crate::clock::Clock;
use crate::email::Email;
use crate::mail::MailJob;
use crate::password::{Password, PasswordPolicy};
use crate::ports::Infrastructure;
use crate::ports::{CreateUserError, PasswordHasher, UserRepository};
use crate::session::{ClientInfo, SignInMethod};
use crate::session_issuer::SessionIssuer;
use crate::throttle::{Attempt, Throttle, Throttled, ThrottledAction};
use crate::user::{DisplayName, User};
use crate::validation::ValidationErrors;

use super::SignedIn;

/// Raw input; an absent field is passed as an empty string and reported as `required`.
#[derive(Clone, Default)]
pub struct RegisterCommand {
    pub email: String,
    pub password: String,
    pub name: String,
    pub client: ClientInfo,
}

impl std::fmt::Debug for RegisterCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterCommand").field("email", &self.email).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

impl From<CreateUserError> for RegisterError {
    fn from(error: CreateUserError) -> Self {
        match error {
            CreateUserError::EmailTaken => Self::EmailTaken,
            CreateUserError::Store(e) => e.into(),
        }
    }
}

/// Creates a password account and signs it in.
#[derive(Clone)]
pub struct Register {
    users: Arc<dyn UserRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    issuer: SessionIssuer,
    policy: PasswordPolicy,
    throttle: Throttle,
    /// Mail is on: a new account is sent a link that proves its address.
    verification_mail: bool,
}

impl Register {
    pub fn new(
        users: Arc<dyn UserRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        issuer: SessionIssuer,
        policy: PasswordPolicy,
        throttle: Throttle,
    ) -> Self {
        Self { users, hasher, clock, issuer, policy, throttle, verification_mail: false }
    }

    /// Sends each new account a link that proves its address, written with the account.
    #[must_use]
    pub fn sending_verification(mut self) -> Self {
        self.verification_mail = true;
        self
    }

    #[tracing::instrument(name = "register", skip_all)]
    pub async fn execute(&self, command: RegisterCommand) -> Result<SignedIn, RegisterError> {
        let mut errors = ValidationErrors::default();
        let email = Email::parse(&command.email).map_err(|e| errors.push(e)).ok();
        let password = self.policy.check(&command.password, email.as_ref()).map_err(|e| errors.push(e)).ok();
        let name = DisplayName::parse(&command.name).map_err(|e| errors.push(e)).ok();
        let (Some(email), Some(password), Some(name)) = (email, password, name) else {
            return Err(RegisterError::Invalid(errors));
        };

        // Every registration spends a unit of its address's budget; the email's unit is given
        // back unless the email is taken, so probing which addresses have accounts is limited.
        let keys = ThrottledAction::Register.keys(&email, command.client.ip.as_deref());
        let mut attempt = self.throttle.admit(&keys, self.clock.now()).await?;
        let result = self.create(email, password, name, &command.client, &mut attempt).await;
        if matches!(result, Err(RegisterError::EmailTaken)) {
            attempt.failed();
        } else {
            attempt.give_back_email().await;
        }
        result
    }

    async fn create(
        &self,
        email: Email,
        password: Password,
        name: DisplayName,
        client: &ClientInfo,
        attempt: &mut Attempt,
    ) -> Result<SignedIn, RegisterError> {
        // Checked before hashing so a taken address costs no bcrypt; the unique index still
        // decides races between two registrations of the same address.
        if self.users.find_by_email(&email).await?.is_some() {
            return Err(RegisterError::EmailTaken);
        }
        let hash = attempt.hash::<RegisterError>(&*self.hasher, &password).await?;
        let user = User::with_password(email, name, hash, self.clock.now());
        let (session, access_token) = self.issuer.issue(user.id, client, SignInMethod::Password)?;
        let mail = self.verification_mail.then(|| MailJob::VerifyEmail { user_id: user.id, email: user.email.clone() });
        self.users.create_with_session(&user, &session, mail).await?;
        Ok(SignedIn { user, access_token, session_id: session.id, expires_at: session.expires_at })
    }
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register").field("policy", &self.policy).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::password::PasswordHash;
    use crate::ports::StoreError;
    use crate::ports::{MockPasswordHasher, MockUserRepository};
    use crate::session::TokenHash;
    use crate::use_cases::test_support::*;
    use crate::user::UserId;
    use crate::validation::FieldErrorCode;

    fn command(email: &str, password: &str, name: &str) -> RegisterCommand {
        RegisterCommand { email: email.into(), password: password.into(), name: name.into(), ..Default::default() }
    }

    fn register(users: MockUserRepository, hasher: MockPasswordHasher) -> Register {
        register_throttled(users, hasher, open_throttle())
    }

    fn register_throttled(users: MockUserRepository, hasher: MockPasswordHasher, throttle: Throttle) -> Register {
        let issuer = issuer(codec_for(UserId::generate()));
        Register::new(Arc::new(users), Arc::new(hasher), clock_at(t0()), issuer, PasswordPolicy::default(), throttle)
    }

    #[tokio::test]
    async fn a_throttled_client_is_refused_before_any_lookup() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().never();
        let result = register_throttled(users, MockPasswordHasher::new(), closed_throttle())
            .execute(command("a@example.com", "violet-harbour-42", "A"))
            .await;
        assert!(matches!(result, Err(RegisterError::RateLimited(t)) if t.retry_after.num_seconds() == 60));
    }

    /// Grants every reservation; gives back only what `released` expects.
    fn counting_throttle(released: &'static str, times: usize) -> Throttle {
        let mut counter = crate::ports::MockFailureCounter::new();
        counter.expect_reserve().times(2).returning(|_, now, window, _| {
            Ok(crate::ports::Reservation::Granted(crate::ports::FailureWindow { failures: 1, ends_at: now + window }))
        });
        counter.expect_release().withf(move |key, _| key.starts_with(released)).times(times).returning(|_, _| Ok(()));
        counter.expect_release().never();
        counter.expect_clear().never();
        Throttle::new(Arc::new(counter), crate::throttle::RateLimits::default())
    }

    fn from_address(mut command: RegisterCommand) -> RegisterCommand {
        command.client.ip = Some("198.51.100.7".into());
        command
    }

    #[tokio::test]
    async fn a_created_account_spends_the_address_unit_and_gives_back_the_emails() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(None));
        users.expect_create_with_session().returning(|_, _, _| Ok(()));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().returning(|_| Ok(PasswordHash::new("h")));
        let result = register_throttled(users, hasher, counting_throttle("email:", 1))
            .execute(from_address(command("a@example.com", "violet-harbour-42", "A")))
            .await;
        assert!(result.is_ok());
    }

    #[tokio::test]
    async fn a_taken_email_spends_both_units() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(Some(user(Some("h")))));
        let result = register_throttled(users, MockPasswordHasher::new(), counting_throttle("email:", 0))
            .execute(from_address(command("a@example.com", "violet-harbour-42", "A")))
            .await;
        assert!(matches!(result, Err(RegisterError::EmailTaken)));
    }

    #[tokio::test]
    async fn reports_every_invalid_field_at_once_without_touching_storage() {
        let use_case = register(MockUserRepository::new(), MockPasswordHasher::new());
        let Err(RegisterError::Invalid(errors)) = use_case.execute(command("not-an-email", "short", " ")).await else {
            panic!("expected validation errors");
        };
        let codes: Vec<_> = errors.errors().iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            [
                ("email", FieldErrorCode::InvalidEmail),
                ("password", FieldErrorCode::TooShort),
                ("name", FieldErrorCode::Required)
            ]
        );
    }

    #[tokio::test]
    async fn taken_email_is_refused_before_any_hashing() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(Some(user(Some("h")))));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().never();
        let result = register(users, hasher).execute(command("ADA@example.com", "violet-harbour-42", "Ada")).await;
        assert!(matches!(result, Err(RegisterError::EmailTaken)));
    }

    #[tokio::test]
    async fn stores_user_and_session_together_and_signs_in() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(None));
        users
            .expect_create_with_session()
            .withf(|user, session, mail| {
                mail.is_none()
                    && session.user_id == user.id
                    && user.email.as_str() == "new@example.com"
                    && user.name.as_str() == "New Person"
                    && !user.email_verified
                    && user.password_hash == Some(PasswordHash::new("bcrypt-hash"))
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().times(1).returning(|_| Ok(PasswordHash::new("bcrypt-hash")));

        let signed_in = register(users, hasher)
            .execute(command(" New@Example.com ", "violet-harbour-42", "  New Person "))
            .await
            .unwrap();
        assert_eq!(signed_in.access_token, format!("tok.{}", signed_in.session_id));
        assert_eq!(signed_in.expires_at, t0() + chrono::Duration::hours(1));
        assert_eq!(signed_in.user.sign_in_methods(|_| true), ["password"]);
        assert_ne!(TokenHash::of(&signed_in.access_token).as_str(), signed_in.access_token);
    }

    #[tokio::test]
    async fn a_concurrent_registration_of_the_same_email_is_email_taken() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Ok(None));
        users.expect_create_with_session().returning(|_, _, _| Err(CreateUserError::EmailTaken));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().returning(|_| Ok(PasswordHash::new("h")));
        let result = register(users, hasher).execute(command("a@example.com", "violet-harbour-42", "A")).await;
        assert!(matches!(result, Err(RegisterError::EmailTaken)));
    }

    #[tokio::test]
    async fn an_unreachable_database_is_reported_as_such() {
        let mut users = MockUserRepository::new();
        users.expect_find_by_email().returning(|_| Err(StoreError::Unavailable("refused".into())));
        let result = register(users, MockPasswordHasher::new())
            .execute(command("a@example.com", "violet-harbour-42", "A"))
            .await;
        assert!(matches!(
            result,
            Err(RegisterError::Infrastructure(Infrastructure::Store(StoreError::Unavailable(_))))
        ));
    }
}
