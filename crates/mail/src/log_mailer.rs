use async_trait::async_trait;
use yoshikosan_domain::mail::{Mail, MailError, Mailer};

use crate::parts::Site;
use crate::render::render;

/// Development without `SMTP_URL`: each mail is written to the log, links and all, so that
/// `cargo run` alone can walk every flow. Never used in production.
#[derive(Debug)]
pub struct LogMailer {
    site: Site,
}

impl LogMailer {
    pub fn new(site: Site) -> Self {
        Self { site }
    }
}

#[async_trait]
impl Mailer for LogMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let rendered = render(mail, &self.site);
        tracing::info!(
            to = %mail.to.as_str(),
            subject = %rendered.subject,
            "mail not sent (development without SMTP_URL); it reads:\n{}",
            rendered.text
        );
        Ok(())
    }
}
