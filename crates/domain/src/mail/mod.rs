//! Mail: the links it carries, the outbox that keeps it until it is sent, and the ports through
//! which it is stored, sealed and sent.

pub mod job;
mod link;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use job::{MailJob, Notice};
pub use link::{LinkPurpose, LinkToken, LinkTokenHash};

use crate::email::Email;
use crate::ports::StoreError;
use crate::session::ClientInfo;
use crate::user::{DisplayName, UserId};

/// A link attached to an outbox row: the account it is for, and the token sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedLink {
    pub user_id: UserId,
    pub sealed_token: String,
    pub expires_at: DateTime<Utc>,
}

/// One outbox row, leased to this sender until `locked_until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeasedMail {
    pub id: uuid::Uuid,
    pub job: MailJob,
    /// Set once the sender has decided the mail goes out.
    pub link: Option<AttachedLink>,
    pub created_at: DateTime<Utc>,
    /// Leases so far, this one included.
    pub attempts: u32,
}

/// A new link token to store for a row: older links of the same purpose for the user are voided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub mail_id: uuid::Uuid,
    pub purpose: LinkPurpose,
    pub hash: LinkTokenHash,
    pub email: Email,
    pub link: AttachedLink,
    pub now: DateTime<Utc>,
}

/// The outbox as operators watch it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutboxStats {
    pub pending: u64,
    pub oldest: Option<DateTime<Utc>>,
}

/// The mail waiting to be sent, in the database, so that none is lost while the mail server is
/// down or an instance restarts.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait MailOutbox: Send + Sync {
    /// Writes the job in its own transaction.
    async fn enqueue(&self, job: &MailJob, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Leases up to `limit` rows that are due at `now` and not leased, until `until`; each
    /// lease counts an attempt. A row is leased by one caller at a time, on any instance.
    async fn lease(&self, now: DateTime<Utc>, until: DateTime<Utc>, limit: u32) -> Result<Vec<LeasedMail>, StoreError>;
    /// Stores the link's token hash (voiding the user's older links of that purpose) and
    /// attaches the sealed token to the row, in one transaction.
    async fn attach_link(&self, link: &NewLink) -> Result<(), StoreError>;
    /// The row is done with (sent, or given up): it goes, sealed token and all.
    async fn remove(&self, id: uuid::Uuid) -> Result<(), StoreError>;
    /// Leaves the row for another attempt at `next_at`.
    async fn retry(&self, id: uuid::Uuid, next_at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn stats(&self) -> Result<OutboxStats, StoreError>;
}

/// A stored link token, as found by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    pub user_id: UserId,
    /// The address the link was sent to.
    pub email: Email,
    pub purpose: Option<LinkPurpose>,
    pub expires_at: DateTime<Utc>,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait LinkTokens: Send + Sync {
    async fn find(&self, hash: &LinkTokenHash) -> Result<Option<StoredLink>, StoreError>;
}

/// Seals a link token for the outbox, where it waits in the database until it is sent.
#[cfg_attr(test, mockall::automock)]
pub trait LinkSealer: Send + Sync {
    fn seal(&self, token: &LinkToken) -> Option<String>;
    /// None when the text was not sealed with this key (a changed `SECRET_KEY`).
    fn open(&self, sealed: &str) -> Option<LinkToken>;
}

/// What a mail says; the sender renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailMessage {
    PasswordReset {
        token: LinkToken,
        expires_at: DateTime<Utc>,
    },
    VerifyEmail {
        token: LinkToken,
        expires_at: DateTime<Utc>,
    },
    ConfirmNewEmail {
        token: LinkToken,
        expires_at: DateTime<Utc>,
    },
    /// What happened, when, and from which browser and address.
    Notice {
        notice: Notice,
        at: DateTime<Utc>,
        client: ClientInfo,
    },
}

/// One mail to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: Email,
    /// The account's name, greeted only when the account's address is proven: otherwise whoever
    /// registered it chose it, and a mail from us must not carry their words to the address.
    pub name: Option<DisplayName>,
    pub message: MailMessage,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the mail could not be sent: {0}")]
pub struct MailError(pub String);

/// Sends a mail: through SMTP, or in development to the log.
#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
}

/// A password set through a reset link, and everything that goes with it, as the decision read
/// the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub link: LinkTokenHash,
    pub user_id: UserId,
    /// As read. An unverified account is claimed: its links and pending links go too.
    pub email_verified: bool,
    pub new: crate::password::PasswordHash,
    /// The new session of the browser that reset it; every other session is revoked.
    pub session: crate::session::Session,
    pub now: DateTime<Utc>,
    /// The owner's notice, written with the reset.
    pub notice: Option<MailJob>,
}

/// How a reset's write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetWrite {
    Done,
    /// The link was used, voided or expired meanwhile: nothing changed.
    LinkUsed,
    /// The account's verification changed since it was read: decide again.
    Stale,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait PasswordResetStore: Send + Sync {
    /// Uses the link (it must still exist, unexpired at `now`), sets the password, marks the
    /// address verified, revokes every session of the user and stores the new one; for an
    /// unverified account also removes its provider links and pending links (a claim). One
    /// transaction under the user's lock.
    async fn reset(&self, reset: &PasswordReset) -> Result<ResetWrite, StoreError>;
}

/// An address proven by a verification link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailVerification {
    pub link: LinkTokenHash,
    pub user_id: UserId,
    /// The address the link was sent to: the account's must still be this one.
    pub email: Email,
    pub now: DateTime<Utc>,
}

/// How a verification's write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyWrite {
    Done,
    /// The link was used, voided or expired meanwhile, or the address changed: nothing changed.
    LinkUsed,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait EmailVerificationStore: Send + Sync {
    /// Uses the link and marks the account's address verified, in one transaction under the
    /// user's lock.
    async fn verify(&self, verification: &EmailVerification) -> Result<VerifyWrite, StoreError>;
}

/// A new address taken by an account through the link sent to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailChange {
    pub link: LinkTokenHash,
    pub user_id: UserId,
    pub new: Email,
    /// Told to the address the account leaves, written with the change.
    pub notice: Option<MailJob>,
    pub now: DateTime<Utc>,
}

/// How a change of address's write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeWrite {
    Done,
    /// The link was used, voided or expired meanwhile: nothing changed.
    LinkUsed,
    /// Another account has the address now: nothing changed.
    Taken,
}

#[cfg_attr(test, mockall::automock)]
#[async_trait]
pub trait EmailChangeStore: Send + Sync {
    /// Uses the link and moves the account to the new address, verified, voiding every other
    /// pending link of the account (they went to the old address), in one transaction under the
    /// user's lock.
    async fn change_email(&self, change: &EmailChange) -> Result<ChangeWrite, StoreError>;
}
