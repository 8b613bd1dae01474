use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};
use yoshikosan_domain::mail::{Mail, MailError, Mailer};

use crate::parts::Site;
use crate::render::render;

/// A conversation with the mail server that takes longer than this fails, and is retried.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Why the mail settings cannot be used. Never holds the URL: it may carry a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailSetupError {
    #[error(
        "SMTP_URL must be smtp://[user:password@]host[:port][?tls=required|opportunistic] or smtps://…; \
         its value is not shown (it may hold a password)"
    )]
    Url,
    #[error("MAIL_FROM must be an address like 'Yoshikosan <no-reply@example.com>', not {0:?}")]
    From(String),
}

/// Checks `SMTP_URL` as lettre reads it.
pub fn check_smtp_url(url: &SecretString) -> Result<(), MailSetupError> {
    let text = url.expose_secret();
    if !(text.starts_with("smtp://") || text.starts_with("smtps://")) {
        return Err(MailSetupError::Url);
    }
    AsyncSmtpTransport::<Tokio1Executor>::from_url(text).map(|_| ()).map_err(|_| MailSetupError::Url)
}

/// Checks `MAIL_FROM`: a mailbox, with or without a name.
pub fn check_sender(from: &str) -> Result<(), MailSetupError> {
    from.parse::<Mailbox>().map(|_| ()).map_err(|_| MailSetupError::From(from.to_owned()))
}

/// Sends through an SMTP server, keeping a small pool of connections.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    site: Site,
}

impl SmtpMailer {
    pub fn new(url: &SecretString, from: &str, site: Site) -> Result<Self, MailSetupError> {
        check_smtp_url(url)?;
        let builder =
            AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret()).map_err(|_| MailSetupError::Url)?;
        let transport = builder.timeout(Some(TIMEOUT)).build();
        let from = from.parse::<Mailbox>().map_err(|_| MailSetupError::From(from.to_owned()))?;
        Ok(Self { transport, from, site })
    }
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let rendered = render(mail, &self.site);
        let address = mail.to.as_str().parse().map_err(|_| MailError("the address is not deliverable".into()))?;
        let to = Mailbox::new(mail.name.as_ref().map(|name| name.as_str().to_owned()), address);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
            .map_err(|e| MailError(e.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| MailError(e.to_string()))
    }
}
