use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::clock::Clock;
use crate::ports::Infrastructure;
use crate::ports::{SessionRepository, TokenCodec};
use crate::session::{Session, TokenHash};
use crate::user::User;

#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Missing, malformed, forged, revoked, or naming a user that no longer exists.
    #[error("not authenticated")]
    Unauthenticated,
    /// Well signed but past its expiry.
    #[error("token expired")]
    TokenExpired,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub session: Session,
}

/// Turns an access token into the signed-in user, refusing it the moment its session is revoked.
#[derive(Clone)]
pub struct Authenticate {
    sessions: Arc<dyn SessionRepository>,
    tokens: Arc<dyn TokenCodec>,
    clock: Arc<dyn Clock>,
}

impl Authenticate {
    pub fn new(sessions: Arc<dyn SessionRepository>, tokens: Arc<dyn TokenCodec>, clock: Arc<dyn Clock>) -> Self {
        Self { sessions, tokens, clock }
    }

    // Debug: it runs on every authenticated request, the hot path.
    #[tracing::instrument(name = "authenticate", level = "debug", skip_all)]
    pub async fn execute(&self, token: Option<&str>) -> Result<Authenticated, AuthenticateError> {
        let token = token.ok_or(AuthenticateError::Unauthenticated)?;
        let claims = self.tokens.decode(token).map_err(|_| AuthenticateError::Unauthenticated)?;
        let now = self.clock.now();
        if claims.is_expired(now) {
            return Err(AuthenticateError::TokenExpired);
        }
        let (session, user) = self
            .sessions
            .find_with_user(claims.session_id)
            .await?
            .filter(|(s, _)| s.user_id == claims.user_id && s.token_hash == TokenHash::of(token))
            .ok_or(AuthenticateError::Unauthenticated)?;
        if session.is_expired(now) {
            return Err(AuthenticateError::TokenExpired);
        }
        let session = self.note_use(session, now).await;
        Ok(Authenticated { user, session })
    }

    /// Moves `last_seen_at` forward at most once per [`LAST_SEEN_RESOLUTION`], so reads do not
    /// each cost a write. A failed write only leaves the time stale, so the request goes on.
    async fn note_use(&self, mut session: Session, now: DateTime<Utc>) -> Session {
        if now - session.last_seen_at < LAST_SEEN_RESOLUTION {
            return session;
        }
        match self.sessions.touch(session.id, now).await {
            Ok(()) => session.last_seen_at = now,
            Err(error) => tracing::warn!(%error, session_id = %session.id, "could not record session use"),
        }
        session
    }
}

/// How stale a session's `last_seen_at` may be.
const LAST_SEEN_RESOLUTION: Duration = Duration::seconds(60);

opaque_debug!(Authenticate);

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ports::MockSessionRepository;
    use crate::ports::StoreError;
    use crate::session::{ClientInfo, SessionId, SignInMethod};
    use crate::use_cases::test_support::*;

    struct Setup {
        user: User,
        token: String,
        session: Session,
    }

    fn setup() -> Setup {
        let user = user(Some("h"));
        let (session, token) =
            issuer(codec_for(user.id)).issue(user.id, &ClientInfo::default(), SignInMethod::Password).unwrap();
        Setup { user, token, session }
    }

    /// Sessions that find `stored`, with the setup's user, and must not be touched.
    fn authenticate(setup: &Setup, stored: Option<Session>, now: DateTime<Utc>) -> Authenticate {
        let mut sessions = finding(setup, stored);
        sessions.expect_touch().never();
        authenticate_with(setup, sessions, now)
    }

    fn finding(setup: &Setup, stored: Option<Session>) -> MockSessionRepository {
        let mut sessions = MockSessionRepository::new();
        let user = setup.user.clone();
        sessions.expect_find_with_user().returning(move |_| Ok(stored.clone().map(|s| (s, user.clone()))));
        sessions
    }

    fn authenticate_with(setup: &Setup, sessions: MockSessionRepository, now: DateTime<Utc>) -> Authenticate {
        Authenticate::new(Arc::new(sessions), codec_for(setup.user.id), clock_at(now))
    }

    #[tokio::test]
    async fn a_live_session_yields_its_user() {
        let s = setup();
        let found = authenticate(&s, Some(s.session.clone()), t0()).execute(Some(&s.token)).await.unwrap();
        assert_eq!(found.user.id, s.user.id);
        assert_eq!(found.session.id, s.session.id);
    }

    #[tokio::test]
    async fn a_revoked_session_is_unauthenticated() {
        let s = setup();
        let result = authenticate(&s, None, t0()).execute(Some(&s.token)).await;
        assert!(matches!(result, Err(AuthenticateError::Unauthenticated)));
    }

    #[tokio::test]
    async fn a_token_whose_hash_differs_from_the_session_is_refused() {
        let s = setup();
        let other =
            issuer(codec_for(s.user.id)).issue(s.user.id, &ClientInfo::default(), SignInMethod::Password).unwrap().0;
        let stolen = Session { id: s.session.id, ..other };
        let result = authenticate(&s, Some(stolen), t0()).execute(Some(&s.token)).await;
        assert!(matches!(result, Err(AuthenticateError::Unauthenticated)));
    }

    #[tokio::test]
    async fn past_expiry_is_token_expired() {
        let s = setup();
        let later = t0() + Duration::hours(1);
        let result = authenticate(&s, Some(s.session.clone()), later).execute(Some(&s.token)).await;
        assert!(matches!(result, Err(AuthenticateError::TokenExpired)));
    }

    #[tokio::test]
    async fn missing_or_undecodable_tokens_are_unauthenticated() {
        let s = setup();
        let use_case = authenticate(&s, Some(s.session.clone()), t0());
        assert!(matches!(use_case.execute(None).await, Err(AuthenticateError::Unauthenticated)));
        let forged = format!("forged.{}", SessionId::generate());
        assert!(matches!(use_case.execute(Some(&forged)).await, Err(AuthenticateError::Unauthenticated)));
    }

    #[tokio::test]
    async fn last_seen_is_written_once_a_minute_at_most() {
        let s = setup();
        let stored = s.session.clone();
        let at = |seconds| t0() + Duration::seconds(seconds);
        // 59 s after the last write: no write.
        let found = authenticate(&s, Some(stored.clone()), at(59)).execute(Some(&s.token)).await.unwrap();
        assert_eq!(found.session.last_seen_at, t0());
        // 60 s after: one write, with the current time.
        let mut sessions = finding(&s, Some(stored));
        let sid = s.session.id;
        sessions.expect_touch().withf(move |id, now| *id == sid && *now == at(60)).times(1).returning(|_, _| Ok(()));
        let found = authenticate_with(&s, sessions, at(60)).execute(Some(&s.token)).await.unwrap();
        assert_eq!(found.session.last_seen_at, at(60));
    }

    #[tokio::test]
    async fn a_failed_last_seen_write_does_not_fail_the_request() {
        let s = setup();
        let mut sessions = finding(&s, Some(s.session.clone()));
        sessions.expect_touch().returning(|_, _| Err(StoreError::Unavailable("gone".into())));
        let later = t0() + Duration::minutes(5);
        let found = authenticate_with(&s, sessions, later).execute(Some(&s.token)).await.unwrap();
        assert_eq!(found.user.id, s.user.id);
    }
}
