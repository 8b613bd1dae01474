use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use crate::clock::Clock;
use crate::mail::{
    AttachedLink, LeasedMail, LinkPurpose, LinkSealer, LinkToken, Mail, MailJob, MailMessage, MailOutbox, Mailer,
    NewLink,
};
use crate::ports::{FailureCounter, Reservation, StoreError, UserRepository};

/// A mail ready to send (the addressee's name and what it says), or what became of it instead.
type Composed = Result<(Option<crate::user::DisplayName>, MailMessage), Delivery>;

/// How long a sender holds the rows it leased before another may take them.
pub const LEASE: Duration = Duration::minutes(2);
/// After this long in the outbox a mail is given up.
pub const GIVE_UP_AFTER: Duration = Duration::hours(24);
/// Rows leased at once: few enough that all are sent within the lease even when each waits for
/// the mail server's full timeout (15 s), so no other instance takes one of them meanwhile.
const BATCH: u32 = 5;
/// The window of the per-address cap.
const CAP_WINDOW: Duration = Duration::hours(1);

/// What became of one outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// The mail server refused or could not be reached: tried again later.
    Retrying,
    /// Nothing to send: no account has the address, or it no longer needs the mail (an address
    /// verified or changed since).
    NothingToSend,
    Dropped(DropReason),
}

/// Why a mail was dropped unsent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    /// Its link expired before it could be sent.
    Expired,
    /// The address had its `MAIL_MAX_PER_ADDRESS` mails this hour.
    OverCap,
    /// Its token was sealed under another `SECRET_KEY`.
    Unreadable,
    /// It could not be sent for [`GIVE_UP_AFTER`].
    GaveUp,
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::OverCap => "over_cap",
            Self::Unreadable => "unreadable",
            Self::GaveUp => "gave_up",
        }
    }
}

/// The ports the sender needs.
#[derive(Clone)]
pub struct DeliverMailPorts {
    pub outbox: Arc<dyn MailOutbox>,
    pub users: Arc<dyn UserRepository>,
    pub sealer: Arc<dyn LinkSealer>,
    pub mailer: Arc<dyn Mailer>,
    /// Counts mail per address for the cap.
    pub counter: Arc<dyn FailureCounter>,
    pub clock: Arc<dyn Clock>,
}

/// Sends what is due in the outbox: each row is leased, decided, sent, and removed or left for
/// another attempt. Run by every instance; a lease keeps two from sending a row at once.
#[derive(Clone)]
pub struct DeliverMail {
    ports: DeliverMailPorts,
    max_per_address: u32,
}

impl DeliverMail {
    pub fn new(ports: DeliverMailPorts, max_per_address: u32) -> Self {
        Self { ports, max_per_address }
    }

    /// One pass over the due rows; what became of each.
    pub async fn run_once(&self) -> Result<Vec<Delivery>, StoreError> {
        let now = self.ports.clock.now();
        let leased = self.ports.outbox.lease(now, now + LEASE, BATCH).await?;
        let mut deliveries = Vec::with_capacity(leased.len());
        for mail in leased {
            // One row that cannot be handled now holds up no other: its lease runs out and it
            // is tried again, until it is given up.
            match self.deliver(mail).await {
                Ok(delivery) => deliveries.push(delivery),
                Err(error) => tracing::warn!(%error, "a mail could not be handled; it will be tried again"),
            }
        }
        Ok(deliveries)
    }

    async fn deliver(&self, mail: LeasedMail) -> Result<Delivery, StoreError> {
        let now = self.ports.clock.now();
        let outbox = &self.ports.outbox;
        if now >= mail.created_at + GIVE_UP_AFTER {
            outbox.remove(mail.id).await?;
            return Ok(Delivery::Dropped(DropReason::GaveUp));
        }
        let composed = match &mail.job {
            MailJob::Notice { .. } => self.notice(&mail, now).await?,
            _ => self.with_link(&mail, now).await?,
        };
        let (name, message) = match composed {
            Ok(composed) => composed,
            Err(delivery) => {
                outbox.remove(mail.id).await?;
                return Ok(delivery);
            }
        };
        let to = mail.job.recipient().clone();
        match self.ports.mailer.send(&Mail { to, name, message }).await {
            Ok(()) => {
                outbox.remove(mail.id).await?;
                Ok(Delivery::Sent)
            }
            Err(error) => {
                let next = now + backoff(mail.attempts);
                tracing::warn!(%error, attempts = mail.attempts, next_attempt = %next, "mail not sent; will retry");
                if next >= mail.created_at + GIVE_UP_AFTER {
                    outbox.remove(mail.id).await?;
                    return Ok(Delivery::Dropped(DropReason::GaveUp));
                }
                outbox.retry(mail.id, next).await?;
                Ok(Delivery::Retrying)
            }
        }
    }

    /// A mail that carries a link: the link made (the first time), checked, and opened.
    async fn with_link(&self, mail: &LeasedMail, now: DateTime<Utc>) -> Result<Composed, StoreError> {
        let link = match &mail.link {
            Some(link) => link.clone(),
            None => match self.attach(mail, now).await? {
                Ok(link) => link,
                Err(delivery) => return Ok(Err(delivery)),
            },
        };
        if now >= link.expires_at {
            return Ok(Err(Delivery::Dropped(DropReason::Expired)));
        }
        let Some(token) = self.ports.sealer.open(&link.sealed_token) else {
            return Ok(Err(Delivery::Dropped(DropReason::Unreadable)));
        };
        let Some(user) = self.ports.users.find_by_id(link.user_id).await? else {
            return Ok(Err(Delivery::NothingToSend));
        };
        let expires_at = link.expires_at;
        // The new address is not the account's yet: no name of the account's goes to it.
        let name = match mail.job {
            MailJob::ConfirmNewEmail { .. } => None,
            _ => user.email_verified.then_some(user.name),
        };
        let message = match mail.job {
            MailJob::VerifyEmail { .. } => MailMessage::VerifyEmail { token, expires_at },
            MailJob::ConfirmNewEmail { .. } => MailMessage::ConfirmNewEmail { token, expires_at },
            _ => MailMessage::PasswordReset { token, expires_at },
        };
        Ok(Ok((name, message)))
    }

    /// A notice: counted against the address's cap at its first attempt, sent while the
    /// account exists.
    async fn notice(&self, mail: &LeasedMail, now: DateTime<Utc>) -> Result<Composed, StoreError> {
        let MailJob::Notice { user_id, email, notice, client } = &mail.job else {
            return Ok(Err(Delivery::NothingToSend));
        };
        if mail.attempts <= 1 && !self.within_cap(Cap::Notices, email.as_str(), now).await {
            return Ok(Err(Delivery::Dropped(DropReason::OverCap)));
        }
        let Some(user) = self.ports.users.find_by_id(*user_id).await? else {
            return Ok(Err(Delivery::NothingToSend));
        };
        let message = MailMessage::Notice { notice: notice.clone(), at: mail.created_at, client: client.clone() };
        Ok(Ok((user.email_verified.then_some(user.name), message)))
    }

    /// Decides whether the job's mail goes out; if so, makes its link and attaches it.
    async fn attach(
        &self,
        mail: &LeasedMail,
        now: DateTime<Utc>,
    ) -> Result<Result<AttachedLink, Delivery>, StoreError> {
        let (user, purpose) = match &mail.job {
            MailJob::PasswordResetRequested { email } => {
                (self.ports.users.find_by_email(email).await?, LinkPurpose::PasswordReset)
            }
            MailJob::VerifyEmail { user_id, email } => {
                let user = self.ports.users.find_by_id(*user_id).await?;
                // Proven or changed meanwhile: the link would be of no use.
                let user = user.filter(|user| !user.email_verified && user.email == *email);
                (user, LinkPurpose::VerifyEmail)
            }
            MailJob::ConfirmNewEmail { user_id, email } => {
                let user = self.ports.users.find_by_id(*user_id).await?;
                // Already the account's address (a confirmation sent twice): nothing to prove.
                (user.filter(|user| user.email != *email), LinkPurpose::ChangeEmail)
            }
            MailJob::Notice { .. } => return Ok(Err(Delivery::NothingToSend)),
        };
        let Some(user) = user else { return Ok(Err(Delivery::NothingToSend)) };
        let email = mail.job.recipient();
        if !self.within_cap(Cap::Links, email.as_str(), now).await {
            return Ok(Err(Delivery::Dropped(DropReason::OverCap)));
        }
        let token = LinkToken::generate();
        let Some(sealed_token) = self.ports.sealer.seal(&token) else {
            return Err(StoreError::Unexpected("a link token could not be sealed".into()));
        };
        let link = AttachedLink { user_id: user.id, sealed_token, expires_at: mail.created_at + purpose.lifetime() };
        let new = NewLink { mail_id: mail.id, purpose, hash: token.hash(), email: email.clone(), link, now };
        self.ports.outbox.attach_link(&new).await?;
        Ok(Ok(new.link))
    }

    /// Counts one mail to the address; false when it has had its share this hour. A counter
    /// that cannot be reached lets the mail go: a lost notice is worse than one too many.
    async fn within_cap(&self, cap: Cap, address: &str, now: DateTime<Utc>) -> bool {
        let key = format!("{}:{}", cap.prefix(), hex::encode(Sha256::digest(address.as_bytes())));
        match self.ports.counter.reserve(&key, now, CAP_WINDOW, self.max_per_address).await {
            Ok(Reservation::Granted(_)) => true,
            Ok(Reservation::Refused(_)) => false,
            Err(error) => {
                tracing::error!(%error, "mail cap counter unavailable; mail sent");
                true
            }
        }
    }
}

/// The two shares of `MAIL_MAX_PER_ADDRESS`: links anyone can ask for (a reset, for any address)
/// are counted apart from notices, so that filling an address's hour with reset requests cannot
/// silence the notice of a change to its account.
#[derive(Debug, Clone, Copy)]
enum Cap {
    Links,
    Notices,
}

impl Cap {
    fn prefix(self) -> &'static str {
        match self {
            Self::Links => "mail",
            Self::Notices => "mail-notice",
        }
    }
}

/// 30 s after the first failure, doubling, at most 30 minutes apart.
pub fn backoff(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(6);
    (Duration::seconds(30) * 2_i32.pow(doublings)).min(Duration::minutes(30))
}

opaque_debug!(DeliverMail, DeliverMailPorts);

#[cfg(test)]
#[path = "deliver_mail_tests.rs"]
mod tests;
