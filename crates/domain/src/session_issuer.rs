//! Sessions and their access tokens, minted for the use cases that sign a user in.

use std::sync::Arc;

use crate::clock::Clock;
use crate::ports::{TokenCodec, TokenError};
use crate::session::{AccessClaims, ClientInfo, Session, SessionId, SignInMethod, TokenHash, TokenTtl};
use crate::user::UserId;

/// Mints a session and the access token that names it; storing the session is the caller's job,
/// so that registration can store it in the same transaction as the user.
#[derive(Clone)]
pub struct SessionIssuer {
    tokens: Arc<dyn TokenCodec>,
    clock: Arc<dyn Clock>,
    ttl: TokenTtl,
}

impl SessionIssuer {
    pub fn new(tokens: Arc<dyn TokenCodec>, clock: Arc<dyn Clock>, ttl: TokenTtl) -> Self {
        Self { tokens, clock, ttl }
    }

    /// A session proven now, by `method`.
    pub fn issue(
        &self,
        user_id: UserId,
        client: &ClientInfo,
        method: SignInMethod,
    ) -> Result<(Session, String), TokenError> {
        let now = self.clock.now();
        let claims = AccessClaims {
            user_id,
            session_id: SessionId::generate(),
            issued_at: now,
            expires_at: now + self.ttl.duration(),
        };
        let token = self.tokens.encode(&claims)?;
        let session = Session {
            id: claims.session_id,
            user_id,
            token_hash: TokenHash::of(&token),
            created_at: now,
            expires_at: claims.expires_at,
            last_seen_at: now,
            user_agent: client.user_agent.clone(),
            ip: client.ip.clone(),
            method,
            authenticated_at: now,
        };
        Ok((session, token))
    }
}

impl std::fmt::Debug for SessionIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionIssuer").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}
