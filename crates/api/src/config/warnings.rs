//! Settings that are valid but probably not what a production deployment wants: reported by
//! `check-config` and logged at start-up, without stopping either.

use super::providers::GOOGLE_ISSUER;
use super::settings::{AppEnv, Settings};
use super::vars::is_loopback;

impl Settings {
    /// One line each: what is set, what it will do, and what to set instead.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.read_warnings.clone();
        if let Err(off) = &self.passkeys.origins {
            warnings.push(format!("passkeys are off: {off} (set WEBAUTHN_RP_ID, docs/deployment.md, Passkeys)"));
        }
        warnings.extend(self.oidc.iter().flat_map(super::oidc::warnings));
        if let Some(google) = self.google.as_ref().filter(|google| google.issuer_url != GOOGLE_ISSUER) {
            warnings.push(format!(
                "GOOGLE_ISSUER_URL is {}, not Google's: the `google` button trusts that issuer's email_verified \
                 for every address, as it trusts Google's. Configure any other issuer with OIDC_PROVIDERS, where \
                 its addresses count only within OIDC_<ID>_EMAIL_DOMAINS (docs/oauth.md)",
                google.issuer_url
            ));
        }
        if self.env != AppEnv::Production {
            return warnings;
        }
        for (name, url) in [("PUBLIC_URL", &self.public_url), ("FRONTEND_URL", &self.frontend_url)] {
            if url.scheme() == "http" && !is_loopback(url) {
                warnings.push(format!(
                    "{name} is {url} (http://) in production: browsers drop the Secure session cookie on plain HTTP, \
                     so nobody stays signed in, and OAuth providers refuse http:// redirect URIs. Serve the site \
                     over TLS and set https:// (docs/deployment.md, TLS)"
                ));
            }
        }
        if self.database_url.to_ascii_lowercase().starts_with("sqlite:") {
            warnings.push(
                "DATABASE_URL is SQLite in production: only one instance may run, and its file must be on \
                 persistent storage that is backed up. PostgreSQL is recommended (DATABASE_URL=postgres://...)"
                    .to_owned(),
            );
        }
        if self.mail.smtp_url.is_none() {
            warnings.push(
                "SMTP_URL is not set in production: no mail is sent, so nobody can reset a forgotten password \
                 (the mail routes answer 404 and the pages hide them). Set SMTP_URL (docs/deployment.md, Mail)"
                    .to_owned(),
            );
        }
        if !self.cookie.secure {
            warnings.push(
                "COOKIE_SECURE=false in production: the session cookie is also sent over plain HTTP, where anyone \
                 on the network can read it"
                    .to_owned(),
            );
        }
        warnings
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn warnings(vars: &[(&str, &str)]) -> Vec<String> {
        let base = [
            ("APP_ENV", "production"),
            ("SECRET_KEY", KEY),
            ("DATABASE_URL", "postgres://db/auth"),
            ("SMTP_URL", "smtp://mail.example.com:587?tls=required"),
        ];
        let all = base.iter().chain(vars).map(|&(k, v)| (k, v));
        // Later entries win, as a second assignment in .env does.
        let map: std::collections::HashMap<_, _> = all.collect();
        Settings::from_vars(map).unwrap().warnings()
    }

    #[test]
    fn production_over_plain_http_on_a_real_domain_is_warned_about() {
        let found = warnings(&[("PUBLIC_URL", "http://auth.example.com"), ("FRONTEND_URL", "https://example.com")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("PUBLIC_URL is http://auth.example.com/ (http://) in production"), "{found:?}");
    }

    #[test]
    fn plain_http_on_localhost_is_a_trial_run_and_not_warned_about() {
        assert!(
            warnings(&[("PUBLIC_URL", "http://localhost:8080"), ("FRONTEND_URL", "http://localhost:8080")]).is_empty()
        );
        // On a loopback address too, but no browser offers passkeys for an IP address: said once.
        let found = warnings(&[("PUBLIC_URL", "http://localhost:8080"), ("FRONTEND_URL", "http://127.0.0.1:8080")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("passkeys are off: WEBAUTHN_RP_ID is \"127.0.0.1\", an IP address"), "{found:?}");
    }

    #[test]
    fn sqlite_and_insecure_cookies_in_production_are_warned_about() {
        let found = warnings(&[
            ("DATABASE_URL", "sqlite://data/auth.db?mode=rwc"),
            ("COOKIE_SECURE", "false"),
            ("PUBLIC_URL", "https://auth.example.com"),
            ("FRONTEND_URL", "https://example.com"),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].contains("SQLite in production") && found[1].contains("COOKIE_SECURE=false"), "{found:?}");
    }

    #[test]
    fn development_is_never_warned_about() {
        let settings = Settings::from_vars([("PUBLIC_URL", "http://auth.example.com"), ("COOKIE_SECURE", "false")]);
        assert!(settings.unwrap().warnings().is_empty());
    }
}
