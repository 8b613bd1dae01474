//! A signed-in user's view of their own sessions: list them, revoke one, revoke all; and the
//! housekeeping that removes the expired ones.

use std::sync::Arc;

use crate::clock::Clock;
use crate::ports::Infrastructure;
use crate::ports::SessionRepository;
use crate::session::{Session, SessionId};

use super::Authenticated;

/// The user's live sessions, newest first, with the one making the request marked.
#[derive(Clone)]
pub struct ListSessions {
    sessions: Arc<dyn SessionRepository>,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedSession {
    pub session: Session,
    pub current: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ListSessionsError {
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

impl ListSessions {
    pub fn new(sessions: Arc<dyn SessionRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { sessions, clock }
    }

    #[tracing::instrument(name = "list_sessions", skip_all, fields(user = %caller.user.id))]
    pub async fn execute(&self, caller: &Authenticated) -> Result<Vec<ListedSession>, ListSessionsError> {
        let listed = self.sessions.list_active(caller.user.id, self.clock.now()).await?;
        Ok(listed
            .into_iter()
            .map(|session| ListedSession { current: session.id == caller.session.id, session })
            .collect())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeSessionError {
    /// No such session, or it belongs to someone else: the two are not told apart.
    #[error("no such session")]
    NotFound,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// Revokes one of the caller's sessions (their current one included), so its token is refused
/// from the next request on.
#[derive(Clone)]
pub struct RevokeSession {
    sessions: Arc<dyn SessionRepository>,
}

impl RevokeSession {
    pub fn new(sessions: Arc<dyn SessionRepository>) -> Self {
        Self { sessions }
    }

    #[tracing::instrument(name = "revoke_session", skip_all, fields(user = %caller.user.id, session = %id))]
    pub async fn execute(&self, caller: &Authenticated, id: SessionId) -> Result<(), RevokeSessionError> {
        match self.sessions.delete_owned(caller.user.id, id).await? {
            true => Ok(()),
            false => Err(RevokeSessionError::NotFound),
        }
    }
}

/// Revokes every session of the caller, on every device, this one included.
#[derive(Clone)]
pub struct LogOutEverywhere {
    sessions: Arc<dyn SessionRepository>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogOutEverywhereError {
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

impl LogOutEverywhere {
    pub fn new(sessions: Arc<dyn SessionRepository>) -> Self {
        Self { sessions }
    }

    /// Returns how many sessions were revoked.
    #[tracing::instrument(name = "log_out_everywhere", skip_all, fields(user = %caller.user.id))]
    pub async fn execute(&self, caller: &Authenticated) -> Result<u64, LogOutEverywhereError> {
        Ok(self.sessions.delete_all(caller.user.id).await?)
    }
}

/// Deletes expired sessions; run periodically, since an expired token is refused anyway and
/// the rows only take space.
#[derive(Clone)]
pub struct PurgeExpiredSessions {
    sessions: Arc<dyn SessionRepository>,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeExpiredSessionsError {
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

impl PurgeExpiredSessions {
    pub fn new(sessions: Arc<dyn SessionRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { sessions, clock }
    }

    #[tracing::instrument(name = "purge_expired_sessions", skip_all)]
    pub async fn execute(&self) -> Result<u64, PurgeExpiredSessionsError> {
        Ok(self.sessions.delete_expired(self.clock.now()).await?)
    }
}

opaque_debug!(ListSessions, RevokeSession, LogOutEverywhere, PurgeExpiredSessions);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockSessionRepository;
    use crate::session::{ClientInfo, SignInMethod};
    use crate::use_cases::test_support::*;

    fn caller() -> (Authenticated, Session) {
        let user = user(Some("h"));
        let issue =
            || issuer(codec_for(user.id)).issue(user.id, &ClientInfo::default(), SignInMethod::Password).unwrap().0;
        let (current, other) = (issue(), issue());
        (Authenticated { user, session: current }, other)
    }

    #[tokio::test]
    async fn lists_the_callers_sessions_marking_the_current_one() {
        let (caller, other) = caller();
        let (user_id, stored) = (caller.user.id, vec![other.clone(), caller.session.clone()]);
        let mut sessions = MockSessionRepository::new();
        sessions
            .expect_list_active()
            .withf(move |id, now| *id == user_id && *now == t0())
            .returning(move |_, _| Ok(stored.clone()));
        let listed = ListSessions::new(Arc::new(sessions), clock_at(t0())).execute(&caller).await.unwrap();
        let marks: Vec<_> = listed.iter().map(|l| (l.session.id, l.current)).collect();
        assert_eq!(marks, [(other.id, false), (caller.session.id, true)]);
    }

    #[tokio::test]
    async fn revoking_someone_elses_or_a_missing_session_is_not_found() {
        let (caller, _) = caller();
        let mut sessions = MockSessionRepository::new();
        sessions.expect_delete_owned().returning(|_, _| Ok(false));
        let result = RevokeSession::new(Arc::new(sessions)).execute(&caller, SessionId::generate()).await;
        assert!(matches!(result, Err(RevokeSessionError::NotFound)));
    }

    #[tokio::test]
    async fn revoking_asks_for_the_callers_own_session_only() {
        let (caller, other) = caller();
        let (user_id, target) = (caller.user.id, other.id);
        let mut sessions = MockSessionRepository::new();
        sessions
            .expect_delete_owned()
            .withf(move |owner, id| *owner == user_id && *id == target)
            .times(1)
            .returning(|_, _| Ok(true));
        RevokeSession::new(Arc::new(sessions)).execute(&caller, target).await.unwrap();
    }

    #[tokio::test]
    async fn purging_uses_the_clock() {
        let mut sessions = MockSessionRepository::new();
        sessions.expect_delete_expired().withf(|now| *now == t0()).times(1).returning(|_| Ok(3));
        assert_eq!(PurgeExpiredSessions::new(Arc::new(sessions), clock_at(t0())).execute().await.unwrap(), 3);
    }
}
