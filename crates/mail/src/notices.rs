//! What a notice says: the change, when, from which browser and address, and what to do if it
//! was not the account's owner.

use chrono::{DateTime, Utc};
use yoshikosan_domain::mail::Notice;
use yoshikosan_domain::{ClientInfo, Email, ProviderId};

use crate::parts::{Parts, Site, when};

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
        Notice::PasskeyAdded(name) => {
            ("A passkey was added".to_owned(), format!("{} was added to {account}", capitalised(&passkey(name))))
        }
        Notice::PasskeyRemoved(name) => {
            ("A passkey was removed".to_owned(), format!("{} was removed from {account}", capitalised(&passkey(name))))
        }
        Notice::PasskeyCloned(name) => (
            "A copy of your passkey may exist".to_owned(),
            format!(
                "A sign-in to {account} with {} was refused because the passkey answered with a count it had                  already used, which a copy of it would do. Remove that passkey on the account page",
                passkey(name)
            ),
        ),
        Notice::AccountClaimed { password, providers, passkeys } => {
            let mut removed: Vec<String> = Vec::new();
            if *password {
                removed.push("its password".to_owned());
            }
            removed.extend(providers.iter().map(|p| format!("signing in with {}", provider_name(p))));
            match passkeys {
                0 => {}
                1 => removed.push("its passkey".to_owned()),
                _ => removed.push("its passkeys".to_owned()),
            }
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
        // The client writes its user agent: shown as its own claim, without quotes it could
        // close to pass its words off as the service's.
        .map(|ua| {
            let shown: String =
                ua.chars().filter(|c| !matches!(c, '"' | '\u{201c}' | '\u{201d}')).take(MAX_AGENT_CHARS).collect();
            format!("a browser that calls itself \u{201c}{shown}\u{201d}")
        })
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

/// A passkey as the owner named it, quoted as their own label; unnamed when the address was not
/// proven when the notice was written.
fn passkey(name: &Option<yoshikosan_domain::passkey::PasskeyName>) -> String {
    match name {
        Some(name) => {
            let shown: String = name.as_str().chars().filter(|c| !matches!(c, '"' | '\u{201c}' | '\u{201d}')).collect();
            format!("the passkey \u{201c}{shown}\u{201d}")
        }
        None => "a passkey".to_owned(),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `google` → `Google`: the provider as a person reads it.
fn provider_name(provider: &ProviderId) -> String {
    let id = provider.as_str();
    let mut chars = id.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
#[path = "notices_tests.rs"]
mod tests;
