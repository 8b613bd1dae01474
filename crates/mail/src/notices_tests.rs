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
        Mail { to: Email::parse("ada@example.com").unwrap(), name: Some(DisplayName::parse("Ada").unwrap()), message };
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
    let rendered =
        notice_mail(Notice::AccountClaimed { password: true, providers, passkeys: 0 }, ClientInfo::default());
    assert!(rendered.text.contains("its password, signing in with Discord removed"), "{}", rendered.text);
    assert!(rendered.text.contains("an unknown browser at an unknown address"), "{}", rendered.text);
}

#[test]
fn a_provider_is_named_as_a_person_reads_it() {
    let rendered = notice_mail(Notice::ProviderUnlinked(ProviderId::parse("google").unwrap()), ClientInfo::default());
    assert_eq!(rendered.subject, "Sign-in with Google was removed (Yoshikosan)");
}
