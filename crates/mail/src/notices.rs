//! What a notice says: the change, when, from which browser and address, and what to do if it
//! was not the account's owner.

use chrono::{DateTime, Utc};
use yoshikosan_domain::mail::Notice;
use yoshikosan_domain::{ClientInfo, Email, ProviderId};

use crate::render::{Parts, Site, when};

/// A user agent longer than this is cut: it is the client's to write.
const MAX_AGENT_CHARS: usize = 120;

pub(crate) fn notice_parts(notice: &Notice, at: DateTime<Utc>, client: &ClientInfo, to: &Email, site: &Site) -> Parts {
    let account = format!("your {} account ({})", site.name, to.as_str());
    let (subject, change) = match notice {
        Notice::PasswordChanged => {
            ("Your password was changed".to_owned(), format!("The password of {account} was changed"))
        }
        Notice::PasswordSet => ("A password was added".to_owned(), format!("A password was added to {account}")),
        Notice::PasswordRemoved => {
            ("Your password was removed".to_owned(), format!("The password of {account} was removed"))
        }
        Notice::PasswordReset => (
            "Your password was reset".to_owned(),
            format!("The password of {account} was reset with a link sent to this address"),
        ),
        Notice::ProviderLinked(provider) => (
            format!("Sign-in with {} was added", provider_name(provider)),
            format!("Signing in with {} was added to {account}", provider_name(provider)),
        ),
        Notice::ProviderUnlinked(provider) => (
            format!("Sign-in with {} was removed", provider_name(provider)),
            format!("Signing in with {} was removed from {account}", provider_name(provider)),
        ),
        Notice::EmailChanged { to: new } => {
            ("Your address was changed".to_owned(), format!("The address of {account} was changed to {}", new.as_str()))
        }
        Notice::AccountClaimed { password, providers } => {
            let mut removed: Vec<String> = Vec::new();
            if *password {
                removed.push("its password".to_owned());
            }
            removed.extend(providers.iter().map(|p| format!("signing in with {}", provider_name(p))));
            let removed = if removed.is_empty() { String::new() } else { format!(": {} removed", removed.join(", ")) };
            (
                "Your account was secured".to_owned(),
                format!(
                    "The owner of this address proved it, so {account}, whose address had never been confirmed, was \
                     handed to them{removed}, and every device signed out of it"
                ),
            )
        }
    };
    let browser = client
        .user_agent
        .as_deref()
        .map(|ua| format!("the browser \u{201c}{}\u{201d}", ua.chars().take(MAX_AGENT_CHARS).collect::<String>()))
        .unwrap_or_else(|| "an unknown browser".to_owned());
    let address = client.ip.as_deref().unwrap_or("an unknown address");
    Parts {
        subject: format!("{subject} ({})", site.name),
        what_happened: format!("{change} at {}, from {browser} at {address}.", when(at)),
        action: Some(("Review your account".to_owned(), format!("{}/account", site.frontend))),
        expiry: None,
        not_you: format!(
            "If this was not you, someone else can sign in to your account: reset your password at \
             {}/forgot-password, then review its ways to sign in and its sessions on the account page.",
            site.frontend
        ),
    }
}

/// `google` → `Google`: the provider as a person reads it.
fn provider_name(provider: &ProviderId) -> String {
    let id = provider.as_str();
    let mut chars = id.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::TimeZone;
    use yoshikosan_domain::DisplayName;
    use yoshikosan_domain::mail::{Mail, MailMessage};

    use super::*;
    use crate::render::render;

    fn notice_mail(notice: Notice, client: ClientInfo) -> crate::Rendered {
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 9, 30, 0).unwrap();
        let message = MailMessage::Notice { notice, at, client };
        let mail =
            Mail { to: Email::parse("ada@example.com").unwrap(), name: DisplayName::parse("Ada").unwrap(), message };
        render(&mail, &Site { name: "Yoshikosan".into(), frontend: "https://app.example.com".into() })
    }

    #[test]
    fn a_notice_says_what_changed_when_from_which_browser_and_address_and_what_to_do() {
        let client = ClientInfo { ip: Some("203.0.113.9".into()), user_agent: Some("Mozilla/5.0 <script>".into()) };
        let rendered = notice_mail(Notice::PasswordChanged, client);
        assert_eq!(rendered.subject, "Your password was changed (Yoshikosan)");
        for part in [&rendered.text, &rendered.html] {
            assert!(part.contains("09:30 UTC on 6 December 2026"), "{part}");
            assert!(part.contains("203.0.113.9"), "{part}");
            assert!(part.contains("https://app.example.com/forgot-password"), "{part}");
            assert!(part.contains("If this was not you"), "{part}");
        }
        assert!(rendered.text.contains("Mozilla/5.0 <script>"));
        assert!(!rendered.html.contains("<script>"), "escaped in HTML");
    }

    #[test]
    fn a_claim_says_what_the_account_lost() {
        let providers = vec![ProviderId::parse("discord").unwrap()];
        let rendered = notice_mail(Notice::AccountClaimed { password: true, providers }, ClientInfo::default());
        assert!(rendered.text.contains("its password, signing in with Discord removed"), "{}", rendered.text);
        assert!(rendered.text.contains("an unknown browser at an unknown address"), "{}", rendered.text);
    }

    #[test]
    fn a_provider_is_named_as_a_person_reads_it() {
        let rendered =
            notice_mail(Notice::ProviderUnlinked(ProviderId::parse("google").unwrap()), ClientInfo::default());
        assert_eq!(rendered.subject, "Sign-in with Google was removed (Yoshikosan)");
    }
}
