//! What each mail says, as plain text and HTML, rendered when it is sent.

use html_escape::{encode_double_quoted_attribute, encode_text};
use yoshikosan_domain::mail::{Mail, MailMessage};

use crate::notices::notice_parts;
use crate::parts::{Parts, Site, when};

/// A mail ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn render(mail: &Mail, site: &Site) -> Rendered {
    let parts = match &mail.message {
        MailMessage::PasswordReset { token, expires_at } => Parts {
            subject: format!("Reset your {} password", site.name),
            what_happened: format!(
                "Someone asked to reset the password of your {} account ({}).",
                site.name,
                mail.to.as_str()
            ),
            action: Some((
                "Choose a new password".to_owned(),
                format!("{}/reset-password#token={}", site.frontend, token.expose()),
            )),
            expiry: Some(format!("The link works once, until {}.", when(*expires_at))),
            not_you: "If this was not you, ignore this mail: your password stays as it is, and the link is \
                      of no use to anyone without this mailbox."
                .to_owned(),
        },
        MailMessage::VerifyEmail { token, expires_at } => Parts {
            subject: format!("Confirm your address for {}", site.name),
            what_happened: format!(
                "Please confirm that {} is your address, so that it can be used to recover your {} account.",
                mail.to.as_str(),
                site.name
            ),
            action: Some((
                "Confirm your address".to_owned(),
                format!("{}/verify-email#token={}", site.frontend, token.expose()),
            )),
            expiry: Some(format!(
                "The link works once, until {}, for the account it was sent for: sign in to it when asked.",
                when(*expires_at)
            )),
            not_you: "If you did not create this account, ignore this mail: nothing is confirmed unless the \
                      link is opened while signed in to the account."
                .to_owned(),
        },
        MailMessage::ConfirmNewEmail { token, expires_at } => Parts {
            subject: format!("Confirm your new address for {}", site.name),
            what_happened: format!(
                "Someone asked to move a {} account to this address ({}). It moves once you confirm.",
                site.name,
                mail.to.as_str()
            ),
            action: Some((
                "Confirm the new address".to_owned(),
                format!("{}/confirm-email#token={}", site.frontend, token.expose()),
            )),
            expiry: Some(format!(
                "The link works once, until {}, while signed in to the account that asked.",
                when(*expires_at)
            )),
            not_you: "If this was not you, ignore this mail: no account takes this address unless the link is \
                      opened while signed in to it."
                .to_owned(),
        },
        MailMessage::Notice { notice, at, client } => notice_parts(notice, *at, client, &mail.to, site),
    };
    let greeting = mail.name.as_ref().map_or_else(|| "Hello,".to_owned(), |name| format!("Hello {},", name.as_str()));
    Rendered { text: text(&parts, &greeting, site), html: html(&parts, &greeting, site), subject: parts.subject }
}

fn text(parts: &Parts, greeting: &str, site: &Site) -> String {
    let mut body = format!("{greeting}\n\n{}\n", parts.what_happened);
    if let Some((label, url)) = &parts.action {
        body.push_str(&format!("\n{label}:\n{url}\n"));
    }
    if let Some(expiry) = &parts.expiry {
        body.push_str(&format!("\n{expiry}\n"));
    }
    body.push_str(&format!("\n{}\n\n{}\n", parts.not_you, site.name));
    body
}

fn html(parts: &Parts, greeting: &str, site: &Site) -> String {
    let mut body = format!(
        "<!doctype html>\n<html><body style=\"font-family: sans-serif; line-height: 1.5\">\n<p>{}</p>\n<p>{}</p>\n",
        encode_text(greeting),
        encode_text(&parts.what_happened)
    );
    if let Some((label, url)) = &parts.action {
        body.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p>\n<p>Or copy this address into your browser: {}</p>\n",
            encode_double_quoted_attribute(url),
            encode_text(label),
            encode_text(url)
        ));
    }
    if let Some(expiry) = &parts.expiry {
        body.push_str(&format!("<p>{}</p>\n", encode_text(expiry)));
    }
    body.push_str(&format!(
        "<p>{}</p>\n<p>{}</p>\n</body></html>\n",
        encode_text(&parts.not_you),
        encode_text(&site.name)
    ));
    body
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::{TimeZone, Utc};
    use yoshikosan_domain::mail::LinkToken;
    use yoshikosan_domain::{DisplayName, Email};

    use super::*;

    fn reset_mail(name: &str) -> (Mail, LinkToken) {
        let token = LinkToken::generate();
        let expires_at = Utc.with_ymd_and_hms(2026, 12, 6, 14, 5, 0).unwrap();
        let message = MailMessage::PasswordReset { token: token.clone(), expires_at };
        let mail = Mail {
            to: Email::parse("ada@example.com").unwrap(),
            name: Some(DisplayName::parse(name).unwrap()),
            message,
        };
        (mail, token)
    }

    fn site() -> Site {
        Site { name: "Yoshikosan".into(), frontend: "https://app.example.com".into() }
    }

    #[test]
    fn a_reset_mail_says_what_happened_where_to_go_until_when_and_what_if_it_was_not_you() {
        let (mail, token) = reset_mail("Ada");
        let rendered = render(&mail, &site());
        let link = format!("https://app.example.com/reset-password#token={}", token.expose());
        assert_eq!(rendered.subject, "Reset your Yoshikosan password");
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains(&link), "{part}");
            assert!(part.contains("14:05 UTC on 6 December 2026"), "{part}");
            assert!(part.contains("If this was not you"), "{part}");
            assert!(part.contains("Yoshikosan"), "{part}");
            assert!(part.contains("ada@example.com"), "{part}");
        }
        assert_eq!(rendered.text.matches(token.expose()).count(), 1, "the token appears in its link only");
    }

    #[test]
    fn names_in_any_script_are_written_as_they_are_and_never_as_html() {
        for name in ["<b>Mallory</b>", "山田 太郎", "Zoë 👩‍👩‍👧", "محمد"] {
            let (mail, _) = reset_mail(name);
            let rendered = render(&mail, &site());
            assert!(rendered.text.contains(name), "{name}");
            assert!(!rendered.html.contains("<b>Mallory"), "escaped in HTML");
        }
        let (mail, _) = reset_mail("<b>Mallory</b>");
        let (anonymous, _) = reset_mail("Mallory");
        let anonymous = Mail { name: None, ..anonymous };
        let rendered = render(&anonymous, &site());
        assert!(rendered.text.starts_with("Hello,\n") && !rendered.text.contains("Mallory"), "{}", rendered.text);
        assert!(render(&mail, &site()).html.contains("&lt;b&gt;Mallory&lt;/b&gt;"));
    }
}

#[cfg(test)]
mod verify_tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::{TimeZone, Utc};
    use yoshikosan_domain::mail::LinkToken;
    use yoshikosan_domain::{DisplayName, Email};

    use super::*;

    #[test]
    fn a_verification_mail_links_to_the_verify_page_for_24_hours() {
        let token = LinkToken::generate();
        let expires_at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        let message = MailMessage::VerifyEmail { token: token.clone(), expires_at };
        let mail = Mail {
            to: Email::parse("ada@example.com").unwrap(),
            name: Some(DisplayName::parse("Ada").unwrap()),
            message,
        };
        let site = Site { name: "Yoshikosan".into(), frontend: "https://app.example.com".into() };
        let rendered = render(&mail, &site);
        assert_eq!(rendered.subject, "Confirm your address for Yoshikosan");
        let link = format!("https://app.example.com/verify-email#token={}", token.expose());
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains(&link) && part.contains("09:00 UTC on 7 December 2026"), "{part}");
            assert!(part.contains("If you did not create this account"), "{part}");
        }
    }
}
