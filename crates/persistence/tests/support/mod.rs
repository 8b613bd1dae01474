//! Rows the repository tests build on.

use chrono::{Duration, SubsecRound, Utc};
use yoshikosan_domain::ports::{AccountChange, ExistingAccount, SessionRepository};
use yoshikosan_domain::{DisplayName, Email, PasswordHash, Session, SessionId, SignInMethod, TokenHash, User};

pub fn new_user(email: &str) -> User {
    let now = Utc::now().trunc_subsecs(6);
    User::with_password(
        Email::parse(email).unwrap(),
        DisplayName::parse("Test Person").unwrap(),
        PasswordHash::new("$2b$04$abcdefghijklmnopqrstuu5q3ZQ0Yx2Z8uM7HtwCuszC0ZoJqz1xW"),
        now,
    )
}

pub fn new_session(user: &User) -> Session {
    let now = Utc::now().trunc_subsecs(6);
    let id = SessionId::generate();
    Session {
        id,
        user_id: user.id,
        token_hash: TokenHash::of(&format!("token-{id}")),
        created_at: now,
        expires_at: now + Duration::days(7),
        last_seen_at: now,
        user_agent: Some("curl/8.5".into()),
        ip: Some("203.0.113.9".into()),
        method: SignInMethod::Password,
        authenticated_at: now,
    }
}

/// The stored session with this id, as the authenticated-request lookup finds it.
#[allow(dead_code, reason = "shared by several test crates, not all of which read sessions back")]
pub async fn stored(sessions: &dyn SessionRepository, id: SessionId) -> Option<Session> {
    sessions.find_with_user(id).await.unwrap().map(|(session, _)| session)
}

#[allow(dead_code, reason = "not every test crate that includes the support module asks for it")]
/// How a user signs in, as the store gives it: `password` when set, then each link's provider.
pub fn sign_in_methods(user: &User) -> Vec<String> {
    let password = user.password_hash.as_ref().map(|_| "password".to_owned());
    password.into_iter().chain(user.linked_providers.iter().map(ToString::to_string)).collect()
}

#[allow(dead_code, reason = "not every test crate that includes the support module asks for it")]
pub fn provider(id: &str) -> yoshikosan_domain::ProviderId {
    yoshikosan_domain::ProviderId::parse(id).unwrap()
}

/// `user`'s account as a decision read it, to be written unchanged (a link, a sign-in).
#[allow(dead_code, reason = "not every test crate writes OAuth sign-ins")]
pub fn as_read(user: &User) -> ExistingAccount {
    ExistingAccount {
        user_id: user.id,
        email_verified: user.email_verified,
        change: AccountChange::None,
        through_link: None,
        link_issuer: None,
        started_by: None,
        now: Utc::now().trunc_subsecs(6),
    }
}
