use secrecy::ExposeSecret;

use super::Settings;

#[test]
fn mail_defaults_to_the_log_in_development_and_a_sender_on_the_frontend_host() {
    let settings = Settings::from_vars([("FRONTEND_URL", "https://app.example.com")]).unwrap();
    assert!(settings.mail.smtp_url.is_none());
    assert!(settings.email_links(), "development: written to the log");
    assert_eq!(settings.mail.from, "Yoshikosan <no-reply@app.example.com>");
    assert_eq!(settings.mail.max_per_address, 5);
}

#[test]
fn the_smtp_password_is_kept_and_never_shown() {
    let url = "smtp://mailer:pa55-w0rd@mail.example.com:587?tls=required";
    let settings = Settings::from_vars([("SMTP_URL", url), ("MAIL_MAX_PER_ADDRESS", "12")]).unwrap();
    assert_eq!(settings.mail.smtp_url.as_ref().map(|u| u.expose_secret().to_owned()).as_deref(), Some(url));
    assert_eq!(settings.mail.max_per_address, 12);
    let summary = settings.summary();
    assert!(summary.contains("smtp://mailer:***@mail.example.com:587?tls=required"), "{summary}");
    assert!(!summary.contains("pa55-w0rd"), "{summary}");
    assert!(!format!("{settings:?}").contains("pa55-w0rd"));
}

#[test]
fn bad_mail_settings_are_all_reported_without_the_password() {
    let problems = Settings::from_vars([
        ("SMTP_URL", "imap://mailer:pa55-w0rd@mail.example.com"),
        ("MAIL_FROM", "not a mailbox"),
        ("MAIL_MAX_PER_ADDRESS", "0"),
    ])
    .unwrap_err()
    .0;
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("SMTP_URL must be")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("MAIL_FROM must be")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("MAIL_MAX_PER_ADDRESS must be")), "{problems:?}");
    assert!(problems.iter().all(|p| !p.contains("pa55-w0rd")), "{problems:?}");
}

#[test]
fn production_without_smtp_offers_no_mail_links_and_warns() {
    let vars = [
        ("APP_ENV", "production"),
        ("SECRET_KEY", "0123456789abcdef0123456789abcdef"),
        ("DATABASE_URL", "postgres://db/auth"),
        ("PUBLIC_URL", "https://auth.example.com"),
        ("FRONTEND_URL", "https://example.com"),
    ];
    let settings = Settings::from_vars(vars).unwrap();
    assert!(!settings.email_links());
    let warnings = settings.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("SMTP_URL is not set in production"), "{warnings:?}");
}
