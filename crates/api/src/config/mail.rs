//! Where mail goes: the SMTP server, the sender, and how much one address may receive.

use secrecy::SecretString;

use super::vars::{Problems, Vars, number};

/// How mail is sent.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// None: mail is written to the log in development, and off in production.
    pub smtp_url: Option<SecretString>,
    pub from: String,
    pub max_per_address: u32,
}

pub(super) const DEFAULT_MAX_PER_ADDRESS: u32 = 5;

pub(super) fn mail(vars: &Vars, frontend: Option<&url::Url>, problems: &mut Problems) -> Option<MailSettings> {
    let smtp_url = vars.secret("SMTP_URL").map(|url| SecretString::from(url.trim().to_owned()));
    let url_checked = match &smtp_url {
        Some(url) => problems.check(yoshikosan_mail::check_smtp_url(url).map_err(|e| e.to_string())),
        None => Some(()),
    };
    let host = frontend.and_then(url::Url::host_str).unwrap_or("localhost");
    let from = vars.get("MAIL_FROM").map_or_else(|| format!("Yoshikosan <no-reply@{host}>"), str::to_owned);
    let from_checked = problems.check(yoshikosan_mail::check_sender(&from).map_err(|e| e.to_string()));
    let name = "MAIL_MAX_PER_ADDRESS";
    let max_per_address = problems.check(number(name, vars.get(name), DEFAULT_MAX_PER_ADDRESS, 1..=1000));
    url_checked?;
    from_checked?;
    Some(MailSettings { smtp_url, from, max_per_address: max_per_address? })
}
