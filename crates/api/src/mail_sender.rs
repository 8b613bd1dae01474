//! Mail in the composition root: the sender that drains the outbox in every instance, its
//! metrics, and the mail routes' use cases wired to their adapters.

use std::sync::{Arc, Once};
use std::time::Duration;

use metrics::{Unit, counter, describe_counter, describe_gauge, gauge};
use tokio::sync::Notify;
use yoshikosan_domain::Clock;
use yoshikosan_domain::mail::{MailOutbox, Mailer};
use yoshikosan_domain::ports::FailureCounter;
use yoshikosan_domain::use_cases::{
    CompleteOAuth, ConfirmEmailChange, DeliverMail, DeliverMailPorts, Delivery, DropReason, RegisterPasskey,
    RemoveSignInMethod, ResetPassword, SetPassword,
};
use yoshikosan_mail::{LogMailer, MailSetupError, Site, SmtpMailer};
use yoshikosan_persistence::Database;
use yoshikosan_security::LinkCipher;

use crate::config::{AppEnv, Settings};

pub const MAIL_SENT: &str = "yoshikosan_mail_sent_total";
pub const MAIL_FAILED: &str = "yoshikosan_mail_failed_total";
pub const MAIL_DROPPED: &str = "yoshikosan_mail_dropped_total";
pub const MAIL_PENDING: &str = "yoshikosan_mail_pending";
pub const MAIL_OLDEST: &str = "yoshikosan_mail_oldest_pending_age_seconds";

/// The name every mail signs with.
pub const SITE_NAME: &str = "Yoshikosan";
/// How often the outbox is looked at when nothing wakes the sender: retries come due, and
/// other instances enqueue.
const POLL_EVERY: Duration = Duration::from_secs(2);

/// Where mail goes: SMTP, the log in development, or nowhere (production without SMTP_URL).
pub fn mailer(settings: &Settings) -> Result<Option<Arc<dyn Mailer>>, MailSetupError> {
    let site =
        Site { name: SITE_NAME.to_owned(), frontend: settings.frontend_url.as_str().trim_end_matches('/').into() };
    match (&settings.mail.smtp_url, settings.env) {
        (Some(url), _) => Ok(Some(Arc::new(SmtpMailer::new(url, &settings.mail.from, site)?))),
        (None, AppEnv::Development) => Ok(Some(Arc::new(LogMailer::new(site, is_local(&settings.frontend_url))))),
        (None, AppEnv::Production) => Ok(None),
    }
}

/// The use cases that tell an account's owner of a change by mail, told to when mail is on.
pub trait NotifyingIf: Sized {
    fn sending_notices(self) -> Self;

    fn notifying_if(self, mail: bool) -> Self {
        if mail { self.sending_notices() } else { self }
    }
}

macro_rules! notifying {
    ($($use_case:ty),*) => {$(
        impl NotifyingIf for $use_case {
            fn sending_notices(self) -> Self {
                <$use_case>::sending_notices(self)
            }
        }
    )*};
}

notifying!(SetPassword, RemoveSignInMethod, ResetPassword, CompleteOAuth, ConfirmEmailChange, RegisterPasskey);

/// The site is served from this machine: a development run, whose log may show working links.
fn is_local(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost" || domain.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Drains the outbox: woken at once by a request that enqueued, else every [`POLL_EVERY`].
pub struct MailSender {
    deliver: DeliverMail,
    outbox: Arc<dyn MailOutbox>,
    clock: Arc<dyn Clock>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for MailSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSender").finish_non_exhaustive()
    }
}

impl MailSender {
    pub fn new(
        settings: &Settings,
        database: &Database,
        mailer: Arc<dyn Mailer>,
        counter: Arc<dyn FailureCounter>,
        clock: Arc<dyn Clock>,
        wake: Arc<Notify>,
    ) -> Self {
        let outbox = database.mail_outbox();
        let ports = DeliverMailPorts {
            outbox: outbox.clone(),
            users: database.users(),
            sealer: Arc::new(LinkCipher::new(&settings.secret_key)),
            mailer,
            counter,
            clock: clock.clone(),
        };
        Self { deliver: DeliverMail::new(ports, settings.mail.max_per_address), outbox, clock, wake }
    }

    /// Runs until aborted. A pass that failed (the database away) is tried again at the next.
    pub async fn run(self) {
        describe();
        loop {
            match self.deliver.run_once().await {
                Ok(deliveries) => deliveries.iter().for_each(|delivery| record(*delivery)),
                Err(error) => tracing::warn!(%error, "could not read the mail outbox"),
            }
            match self.outbox.stats().await {
                Ok(stats) => {
                    gauge!(MAIL_PENDING).set(stats.pending as f64);
                    let age =
                        stats.oldest.map_or(0.0, |oldest| (self.clock.now() - oldest).num_seconds().max(0) as f64);
                    gauge!(MAIL_OLDEST).set(age);
                }
                Err(error) => tracing::warn!(%error, "could not count the mail outbox"),
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL_EVERY) => {}
            }
        }
    }
}

fn record(delivery: Delivery) {
    match delivery {
        Delivery::Sent => counter!(MAIL_SENT).increment(1),
        Delivery::Retrying => counter!(MAIL_FAILED).increment(1),
        Delivery::NothingToSend => {}
        Delivery::Dropped(reason) => {
            if reason == DropReason::GaveUp {
                tracing::error!("a mail could not be sent for 24 hours and was given up");
            }
            counter!(MAIL_DROPPED, "reason" => reason.as_str()).increment(1);
        }
    }
}

fn describe() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        describe_counter!(MAIL_SENT, "Mails handed to the mail server");
        describe_counter!(MAIL_FAILED, "Attempts to send a mail that failed (each is retried)");
        describe_counter!(MAIL_DROPPED, "Mails dropped unsent, by reason: expired, over_cap, unreadable, gave_up");
        describe_gauge!(MAIL_PENDING, "Mails waiting in the outbox");
        describe_gauge!(MAIL_OLDEST, Unit::Seconds, "Age of the oldest mail waiting in the outbox");
    });
}
