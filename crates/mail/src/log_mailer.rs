use async_trait::async_trait;
use yoshikosan_domain::mail::{Mail, MailError, MailMessage, Mailer};

use crate::parts::Site;
use crate::render::render;

/// Development without `SMTP_URL`: each mail is written to the log, links and all, so that
/// `cargo run` alone can walk every flow. Never used in production. A site that is not on this
/// machine (a server started without `APP_ENV=production`) gets the mail without its link's
/// token: whoever reads that log must not be able to reset anyone's password.
#[derive(Debug)]
pub struct LogMailer {
    site: Site,
    shows_links: bool,
}

impl LogMailer {
    /// `local`: the site is served from this machine (`localhost`, a loopback address).
    pub fn new(site: Site, local: bool) -> Self {
        Self { site, shows_links: local }
    }

    /// The mail as the log shows it.
    fn logged(&self, mail: &Mail) -> crate::Rendered {
        let mut rendered = render(mail, &self.site);
        let token = match &mail.message {
            MailMessage::PasswordReset { token, .. }
            | MailMessage::VerifyEmail { token, .. }
            | MailMessage::ConfirmNewEmail { token, .. } => Some(token),
            MailMessage::Notice { .. } => None,
        };
        if let Some(token) = token.filter(|_| !self.shows_links) {
            rendered.text = rendered.text.replace(token.expose(), "(hidden: the site is not local; set SMTP_URL)");
        }
        rendered
    }
}

#[async_trait]
impl Mailer for LogMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let rendered = self.logged(mail);
        tracing::info!(
            to = %mail.to.as_str(),
            subject = %rendered.subject,
            "mail not sent (development without SMTP_URL); it reads:\n{}",
            rendered.text
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::Utc;
    use yoshikosan_domain::Email;
    use yoshikosan_domain::mail::LinkToken;

    use super::*;

    #[test]
    fn a_site_that_is_not_local_never_gets_a_token_in_the_log() {
        let token = LinkToken::generate();
        let message = MailMessage::PasswordReset { token: token.clone(), expires_at: Utc::now() };
        let mail = Mail { to: Email::parse("ada@example.com").unwrap(), name: None, message };
        let site = Site { name: "Yoshikosan".into(), frontend: "https://auth.example.com".into() };
        assert!(
            LogMailer::new(site.clone(), true).logged(&mail).text.contains(token.expose()),
            "local: the link works"
        );
        let remote = LogMailer::new(site, false).logged(&mail).text;
        assert!(!remote.contains(token.expose()) && remote.contains("(hidden"), "{remote}");
    }
}
