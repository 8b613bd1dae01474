use std::sync::Arc;

use crate::clock::Clock;
use crate::email::Email;
use crate::mail::{MailJob, MailOutbox};
use crate::ports::Infrastructure;
use crate::throttle::{Throttle, Throttled, ThrottledAction};
use crate::validation::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum RequestPasswordResetError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error(transparent)]
    RateLimited(#[from] Throttled),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Asks for a password-reset link. Every well-formed address gets the same answer and costs
/// the same work: one outbox row. Whether a mail goes out is decided when the row is sent.
#[derive(Clone)]
pub struct RequestPasswordReset {
    outbox: Arc<dyn MailOutbox>,
    throttle: Throttle,
    clock: Arc<dyn Clock>,
}

impl RequestPasswordReset {
    pub fn new(outbox: Arc<dyn MailOutbox>, throttle: Throttle, clock: Arc<dyn Clock>) -> Self {
        Self { outbox, throttle, clock }
    }

    #[tracing::instrument(name = "request_password_reset", skip_all)]
    pub async fn execute(&self, email: &str, client_ip: Option<&str>) -> Result<(), RequestPasswordResetError> {
        let email = Email::parse(email).map_err(ValidationErrors::from)?;
        let now = self.clock.now();
        // The address's budget only: requests for someone's address must not lock them out.
        let keys = ThrottledAction::ForgotPassword.address_keys(client_ip);
        self.throttle.admit(&keys, now).await?.failed();
        self.outbox.enqueue(&MailJob::PasswordResetRequested { email }, now).await?;
        Ok(())
    }
}

opaque_debug!(RequestPasswordReset);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::mail::MockMailOutbox;
    use crate::use_cases::test_support::{clock, throttle_with_limits};

    #[tokio::test]
    async fn a_known_and_an_unknown_address_both_enqueue_one_job() {
        let mut outbox = MockMailOutbox::new();
        outbox.expect_enqueue().times(2).returning(|_, _| Ok(()));
        let request = RequestPasswordReset::new(Arc::new(outbox), throttle_with_limits(100, 100), clock());
        request.execute("Ada@Example.com ", Some("203.0.113.9")).await.unwrap();
        request.execute("nobody@example.com", Some("203.0.113.9")).await.unwrap();
    }

    #[tokio::test]
    async fn requests_spend_the_address_budget_not_the_email_budget() {
        let mut outbox = MockMailOutbox::new();
        outbox.expect_enqueue().times(4).returning(|_, _| Ok(()));
        // An email budget of 1 would refuse the second request: only the address's counts.
        let request = RequestPasswordReset::new(Arc::new(outbox), throttle_with_limits(1, 3), clock());
        for _ in 0..3 {
            request.execute("ada@example.com", Some("203.0.113.9")).await.unwrap();
        }
        let refused = request.execute("ada@example.com", Some("203.0.113.9")).await;
        assert!(matches!(refused, Err(RequestPasswordResetError::RateLimited(_))), "{refused:?}");
        request.execute("ada@example.com", Some("198.51.100.1")).await.unwrap();
    }

    #[tokio::test]
    async fn a_malformed_address_is_refused_and_enqueues_nothing() {
        let outbox = MockMailOutbox::new();
        let request = RequestPasswordReset::new(Arc::new(outbox), throttle_with_limits(100, 100), clock());
        let refused = request.execute("not an address", None).await;
        assert!(matches!(refused, Err(RequestPasswordResetError::Invalid(_))), "{refused:?}");
    }
}
