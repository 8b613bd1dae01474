use std::sync::Arc;

use crate::ports::Infrastructure;
use crate::ports::{SessionRepository, TokenCodec};
use crate::session::SessionId;
use crate::user::UserId;

#[derive(Debug, thiserror::Error)]
pub enum LogOutError {
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The session a logout revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedOut {
    pub user_id: UserId,
    pub session_id: SessionId,
}

/// Revokes the session a token names. Idempotent: a missing, malformed, expired or already
/// revoked token is a successful logout with nothing to revoke.
#[derive(Clone)]
pub struct LogOut {
    sessions: Arc<dyn SessionRepository>,
    tokens: Arc<dyn TokenCodec>,
}

impl LogOut {
    pub fn new(sessions: Arc<dyn SessionRepository>, tokens: Arc<dyn TokenCodec>) -> Self {
        Self { sessions, tokens }
    }

    /// Returns the session the token named (now revoked), if it named one.
    #[tracing::instrument(name = "log_out", skip_all)]
    pub async fn execute(&self, token: Option<&str>) -> Result<Option<LoggedOut>, LogOutError> {
        // A well-signed token names one of our sessions even after it expired.
        let Some(claims) = token.and_then(|t| self.tokens.decode(t).ok()) else {
            return Ok(None);
        };
        self.sessions.delete(claims.session_id).await?;
        Ok(Some(LoggedOut { user_id: claims.user_id, session_id: claims.session_id }))
    }
}

opaque_debug!(LogOut);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ports::MockSessionRepository;
    use crate::use_cases::test_support::*;

    #[tokio::test]
    async fn revokes_the_session_named_by_the_token() {
        let sid = SessionId::generate();
        let mut sessions = MockSessionRepository::new();
        sessions.expect_delete().withf(move |id| *id == sid).times(1).returning(|_| Ok(()));
        let user_id = UserId::generate();
        let log_out = LogOut::new(Arc::new(sessions), codec_for(user_id));
        let revoked = log_out.execute(Some(&format!("tok.{sid}"))).await.unwrap();
        assert_eq!(revoked, Some(LoggedOut { user_id, session_id: sid }));
    }

    #[tokio::test]
    async fn nothing_to_revoke_is_still_a_logout() {
        let mut sessions = MockSessionRepository::new();
        sessions.expect_delete().never();
        let log_out = LogOut::new(Arc::new(sessions), codec_for(UserId::generate()));
        assert_eq!(log_out.execute(None).await.unwrap(), None);
        assert_eq!(log_out.execute(Some("garbage")).await.unwrap(), None);
    }
}
