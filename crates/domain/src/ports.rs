//! What the use cases need from the outside world. Adapters implement these and translate their
//! drivers' errors into the errors declared here.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::email::Email;
use crate::oauth::OAuthAccount;
use crate::password::{Password, PasswordHash};
use crate::provider_id::ProviderId;
use crate::session::{AccessClaims, Session, SessionId, SessionProof};
pub use crate::user::{AccountChange, RemovedMethod};
use crate::user::{User, UserId};

/// A storage failure, split by what the caller can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached right now; the request may succeed later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Unexpected(String),
}

/// What a use case stands on failed (the store, the password hasher, the token codec): nothing
/// the client did. Every use case's error has this one variant for it, answered in one place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Infrastructure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error(transparent)]
    RelyingParty(#[from] crate::passkey::RelyingPartyError),
}

impl Infrastructure {
    /// The database is out of reach for now: the same request may succeed shortly.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Store(StoreError::Unavailable(_)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait UserRepository: Send + Sync {
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// `email` is already lower-case, so this is a case-insensitive match.
    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, StoreError>;
    /// Inserts a new user, its first session and the mail it is sent (if any) in one
    /// transaction: all or nothing.
    async fn create_with_session(
        &self,
        user: &User,
        session: &Session,
        mail: Option<crate::mail::job::MailJob>,
    ) -> Result<(), CreateUserError>;
    /// Replaces the password (`previous` is the hash as read, None for an account without one)
    /// and revokes every session of the user but `keep`, in one transaction under the user's
    /// lock; nothing changes unless the hash is still `previous` and `keep` is still valid.
    async fn set_password(&self, change: &PasswordChange) -> Result<PasswordWrite, StoreError>;
    /// Removes the password or every link to a provider, and revokes the user's other sessions
    /// that it opened, in one transaction under the user's lock; nothing changes unless the
    /// password and the linked providers are still as read and `keep` is still valid. An unlinked
    /// identity is remembered as such.
    async fn remove_sign_in_method(&self, removal: &SignInMethodRemoval) -> Result<PasswordWrite, StoreError>;
}

/// A removal, with the account's ways in as the decision read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInMethodRemoval {
    pub user_id: UserId,
    pub password: Option<PasswordHash>,
    /// Every provider linked, in the order read.
    pub providers: Vec<ProviderId>,
    /// How many passkeys the account had, as read.
    pub passkeys: u32,
    pub remove: RemovedMethod,
    /// The session asking: it stays.
    pub keep: SessionId,
    pub now: DateTime<Utc>,
    /// The owner's notice, written with the removal.
    pub notice: Option<crate::mail::job::MailJob>,
}

/// How a write of an account's ways in ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordWrite {
    Done,
    /// The password (or, for a removal, a link) changed since it was read.
    Stale,
    /// The session to keep was revoked or has expired.
    SessionEnded,
}

/// A new password for a user, kept by one of their sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordChange {
    pub user_id: UserId,
    pub previous: Option<PasswordHash>,
    pub new: PasswordHash,
    pub keep: SessionId,
    pub now: DateTime<Utc>,
    /// The owner's notice, written with the change.
    pub notice: Option<crate::mail::job::MailJob>,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait SessionRepository: Send + Sync {
    async fn create(&self, session: &Session) -> Result<(), StoreError>;
    /// Stores the session only if the user's password hash is still `verified`, checked under the
    /// user's lock: a password checked before a claim or a password change opens no session
    /// after it. False when the hash changed (nothing stored).
    async fn create_for_password(&self, session: &Session, verified: &PasswordHash) -> Result<bool, StoreError>;
    /// The session and the user it belongs to, in one lookup: the work of every authenticated
    /// request. An adapter may answer from a cache only if a revoked session, or a change to
    /// the user, is never answered after the change was committed.
    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, StoreError>;
    /// Deleting a session that is already gone is not an error: revocation is idempotent.
    async fn delete(&self, id: SessionId) -> Result<(), StoreError>;
    /// The user's sessions that have not expired at `now`, newest first.
    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> Result<Vec<Session>, StoreError>;
    /// Deletes the session only if it belongs to `user_id`; true when a row was deleted.
    async fn delete_owned(&self, user_id: UserId, id: SessionId) -> Result<bool, StoreError>;
    /// Deletes every session of the user; returns how many there were.
    async fn delete_all(&self, user_id: UserId) -> Result<u64, StoreError>;
    /// The session's proof as its row holds it, never from a cache: a re-authentication on
    /// another instance counts at once, and so does a revocation.
    /// None when the session does not exist or is another user's.
    async fn find_proof(&self, user_id: UserId, id: SessionId) -> Result<Option<SessionProof>, StoreError>;
    /// Records that the user's session proved who holds it at `at`; false when the session was
    /// revoked or has expired.
    async fn record_proof(&self, user_id: UserId, id: SessionId, at: DateTime<Utc>) -> Result<bool, StoreError>;
    /// Records that the session was used at `at`.
    async fn touch(&self, id: SessionId, at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Deletes the sessions that expired before `now`; returns how many.
    async fn delete_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait OAuthAccountRepository: Send + Sync {
    async fn find_by_provider_user_id(
        &self,
        provider: &ProviderId,
        provider_user_id: &str,
    ) -> Result<Option<OAuthAccount>, StoreError>;
    /// True when the user unlinked this identity (and has not linked it again since).
    async fn was_unlinked_by(
        &self,
        user_id: UserId,
        provider: &ProviderId,
        provider_user_id: &str,
    ) -> Result<bool, StoreError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(pub String);

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait PasswordHasher: Send + Sync {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError>;
    /// Checks `candidate` against `hash`; with no hash (unknown user, or an account without a
    /// password) it checks against a dummy hash, so both answers take the same time.
    async fn verify(&self, candidate: &str, hash: Option<PasswordHash>) -> Result<bool, HashError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed, wrongly signed, of another algorithm, or missing claims.
    #[error("invalid token")]
    Invalid,
    #[error("token could not be issued: {0}")]
    Issue(String),
}

/// Signs and checks access tokens. `decode` checks signature, algorithm and shape but not
/// expiry: the use cases judge expiry against the [`Clock`](crate::clock::Clock).
#[cfg_attr(test, mockall::automock)]
pub trait TokenCodec: Send + Sync {
    fn encode(&self, claims: &AccessClaims) -> Result<String, TokenError>;
    fn decode(&self, token: &str) -> Result<AccessClaims, TokenError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The user declined, or the provider refused the request.
    #[error("access denied by the provider")]
    AccessDenied,
    /// The provider's answer failed a check (signature, audience, nonce) or could not be had.
    #[error("provider error: {0}")]
    Failed(String),
}

/// An external identity provider (Google, Discord): starts the authorization-code flow with
/// PKCE and turns the code the browser brings back into a checked [`ProviderIdentity`].
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait IdentityProvider: Send + Sync {
    async fn authorization_request(
        &self,
        prompt: crate::oauth::Prompt,
    ) -> Result<crate::oauth::AuthorizationRequest, ProviderError>;
    async fn exchange(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: Option<String>,
    ) -> Result<crate::oauth::ProviderIdentity, ProviderError>;
}

/// The rows one OAuth sign-in or link writes, committed together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthSignInWrite {
    pub account: AccountWrite,
    pub new_link: Option<OAuthAccount>,
    /// None for a link flow: the browser keeps the session it has.
    pub session: Option<Session>,
    /// The browser's previous session, which a sign-in replaces: revoked in the same commit.
    pub replaces: Option<SessionId>,
    /// The owner's notice (a link, a claim), written in the same commit.
    pub notice: Option<crate::mail::job::MailJob>,
}

/// The user a write is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountWrite {
    Create(User),
    Existing(ExistingAccount),
}

/// An existing user, with what the decision read of them. The commit locks the user's row first
/// and answers [`CommitError::Conflict`] if any of it no longer holds, so a decision is never
/// applied to an account that a concurrent claim, login or link changed meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExistingAccount {
    pub user_id: UserId,
    /// `email_verified` as read.
    pub email_verified: bool,
    pub change: AccountChange,
    /// A sign-in through an existing link: that link must still exist.
    pub through_link: Option<uuid::Uuid>,
    /// The issuer `through_link` was used under: recorded on a link stored before issuers were.
    pub link_issuer: Option<String>,
    /// A link flow: the session that started it must still exist and not have expired.
    pub started_by: Option<SessionId>,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommitError {
    /// A unique constraint refused a row: another request wrote it first. Decide again.
    #[error("a concurrent write got there first")]
    Conflict,
    /// The session named by [`ExistingAccount::started_by`] was revoked or has expired.
    #[error("the session that started the flow has ended")]
    SessionEnded,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait OAuthSignInStore: Send + Sync {
    /// Writes the account change, the new link (if any) and the session (if any) in one
    /// transaction, after checking the [`ExistingAccount`] preconditions under the user's lock.
    async fn commit(&self, write: &OAuthSignInWrite) -> Result<(), CommitError>;
}

/// Remembers consumed OAuth `state` values until they expire, so a captured callback cannot be
/// replayed, on any instance sharing the database.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait OAuthStateStore: Send + Sync {
    /// True the first time `state` is consumed, false ever after (until `expires_at`).
    async fn consume(&self, state: &str, expires_at: DateTime<Utc>) -> Result<bool, StoreError>;
}

/// Refused for now; the client may try again after `retry_after`. Beside the ports, since the
/// hashing gate answers it as well as the throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many attempts; retry in {} s", retry_after.num_seconds())]
pub struct Throttled {
    pub retry_after: chrono::Duration,
}

/// Held while one client's password is hashed or checked; dropping it frees the client's place.
pub struct HashingTurn {
    _place: Box<dyn Send>,
}

impl HashingTurn {
    /// A turn that holds `place` (e.g. a semaphore permit) until it is dropped.
    pub fn new(place: impl Send + 'static) -> Self {
        Self { _place: Box::new(place) }
    }
}

impl std::fmt::Debug for HashingTurn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashingTurn").finish_non_exhaustive()
    }
}

/// Shares the password-hashing pool between client addresses, so that one address sending many
/// requests at once cannot make everyone else's sign-in wait behind its own.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait HashingGate: Send + Sync {
    /// Waits for `client`'s turn (an address key from [`AttemptKeys`](crate::throttle::AttemptKeys)), or
    /// refuses at once when that client already has its share busy and its queue full.
    async fn enter(&self, client: &str) -> Result<HashingTurn, Throttled>;
}

/// Units spent under one key, in a window that opens at the first one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureWindow {
    pub failures: u32,
    pub ends_at: DateTime<Utc>,
}

/// The answer to [`FailureCounter::reserve`]: the key's window after the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// One unit was counted.
    Granted(FailureWindow),
    /// The window already held its maximum; nothing was counted.
    Refused(FailureWindow),
}

/// Counts spent units per key (an email, an address) for the rate limits; in memory for one
/// instance, shared (Redis) for several. Each call is atomic, so concurrent requests can never
/// reserve more than the maximum between them.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait FailureCounter: Send + Sync {
    /// Counts one unit unless `max` are already counted in the key's window open at `now`;
    /// opens a window of length `window` if none is open.
    async fn reserve(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window: chrono::Duration,
        max: u32,
    ) -> Result<Reservation, StoreError>;
    /// Gives back one unit reserved in the window ending at `ends_at`; nothing if that window
    /// is over, so a later window never gets back what it did not count.
    async fn release(&self, key: &str, ends_at: DateTime<Utc>) -> Result<(), StoreError>;
    /// Forgets the key's units (an email's failures, after a successful sign-in).
    async fn clear(&self, key: &str) -> Result<(), StoreError>;
}
