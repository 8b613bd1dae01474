//! A recent proof of identity: what a session must have shown lately before it may change how
//! its account signs in, so that a stolen token cannot make itself permanent.

use std::sync::Arc;

use chrono::Duration;

use crate::clock::Clock;
use crate::ports::{SessionRepository, StoreError};
use crate::session::SessionId;
pub use crate::session::SessionProof;
use crate::user::UserId;

/// How old a session's proof may be for an account change (`REAUTH_WINDOW_SECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReauthWindow(Duration);

impl ReauthWindow {
    pub const DEFAULT_SECONDS: i64 = 600;
    pub const MIN_SECONDS: i64 = 60;
    /// A day: longer would make the proof mean little more than the session itself.
    pub const MAX_SECONDS: i64 = 86_400;

    pub fn from_seconds(seconds: i64) -> Option<Self> {
        (Self::MIN_SECONDS..=Self::MAX_SECONDS).contains(&seconds).then(|| Self(Duration::seconds(seconds)))
    }

    pub fn as_seconds(&self) -> i64 {
        self.0.num_seconds()
    }
}

impl Default for ReauthWindow {
    fn default() -> Self {
        Self(Duration::seconds(Self::DEFAULT_SECONDS))
    }
}

/// What the row says of a session's proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Recent,
    /// Older than the window: the person confirms it's them first.
    Stale,
    /// The session was revoked or has expired (or is another user's).
    Ended,
}

/// Reads a session's proof from its row and judges it against the window.
#[derive(Clone)]
pub struct RecentProof {
    sessions: Arc<dyn SessionRepository>,
    clock: Arc<dyn Clock>,
    window: ReauthWindow,
}

impl RecentProof {
    pub fn new(sessions: Arc<dyn SessionRepository>, clock: Arc<dyn Clock>, window: ReauthWindow) -> Self {
        Self { sessions, clock, window }
    }

    pub async fn of(&self, user_id: UserId, session_id: SessionId) -> Result<Proof, StoreError> {
        let now = self.clock.now();
        Ok(match self.sessions.find_proof(user_id, session_id).await? {
            Some(proof) if proof.expires_at <= now => Proof::Ended,
            Some(proof) if now - proof.authenticated_at < self.window.0 => Proof::Recent,
            Some(_) => Proof::Stale,
            None => Proof::Ended,
        })
    }
}

impl std::fmt::Debug for RecentProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentProof").field("window", &self.window).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::ports::MockSessionRepository;
    use crate::use_cases::test_support::{clock_at, t0};

    async fn judged(user_id: UserId, proof: Option<SessionProof>, now: DateTime<Utc>) -> Proof {
        let mut sessions = MockSessionRepository::new();
        sessions.expect_find_proof().withf(move |user, _| *user == user_id).returning(move |_, _| Ok(proof));
        let check = RecentProof::new(Arc::new(sessions), clock_at(now), ReauthWindow::default());
        check.of(user_id, SessionId::generate()).await.unwrap()
    }

    #[tokio::test]
    async fn a_proof_is_recent_for_the_window_and_stale_from_its_end() {
        let user_id = UserId::generate();
        let proof = SessionProof { authenticated_at: t0(), expires_at: t0() + Duration::days(7) };
        assert_eq!(judged(user_id, Some(proof), t0() + Duration::seconds(599)).await, Proof::Recent);
        assert_eq!(judged(user_id, Some(proof), t0() + Duration::seconds(600)).await, Proof::Stale);
        assert_eq!(judged(user_id, Some(proof), t0() + Duration::days(7)).await, Proof::Ended, "expired");
        assert_eq!(judged(user_id, None, t0()).await, Proof::Ended, "revoked, or another user's");
    }

    #[test]
    fn the_window_is_a_minute_to_a_day() {
        assert_eq!(ReauthWindow::default().as_seconds(), 600);
        assert!(ReauthWindow::from_seconds(59).is_none());
        assert!(ReauthWindow::from_seconds(86_401).is_none());
        assert_eq!(ReauthWindow::from_seconds(60).unwrap().as_seconds(), 60);
    }
}
