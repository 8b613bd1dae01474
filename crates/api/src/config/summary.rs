//! What `check-config` prints: every setting as the service will use it, secrets left out,
//! then the warnings.

use secrecy::ExposeSecret;

use yoshikosan_domain::EmailTrust;

use super::settings::Settings;

impl Settings {
    /// One line per setting, named as in the environment.
    pub fn summary(&self) -> String {
        let secret = if self.ephemeral_secret {
            "not set (a random key per run: sessions end on restart)".to_owned()
        } else {
            format!("set ({} bytes)", self.secret_key.expose_secret().len())
        };
        let google = self.google.as_ref().map_or_else(not_configured, |google| {
            format!("client {} (issuer {}, callback {})", google.client_id, google.issuer_url, google.redirect_uri)
        });
        let discord = self.discord.as_ref().map_or_else(not_configured, |discord| {
            format!("client {} ({}, callback {})", discord.client_id, discord.auth_url, discord.redirect_uri)
        });
        let proxies = if self.trusted_proxies.is_empty() {
            "none (X-Forwarded-For is ignored: the connecting address is the client's)".to_owned()
        } else {
            self.trusted_proxies.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        };
        let redis = self
            .redis_url
            .as_ref()
            .map_or("not set (limits counted per instance)".to_owned(), |url| redact_password(url.expose_secret()));
        let smtp = match (&self.mail.smtp_url, self.email_links()) {
            (Some(url), _) => redact_password(url.expose_secret()),
            (None, true) => "not set (development: each mail is written to the log)".to_owned(),
            (None, false) => "not set (password reset by mail is off)".to_owned(),
        };
        let passkeys = match &self.passkeys.origins {
            Ok(origins) => format!(
                "{} (passkeys from {})",
                self.passkeys.rp_id,
                origins.iter().map(|o| o.origin().ascii_serialization()).collect::<Vec<_>>().join(", ")
            ),
            Err(off) => format!("{} (passkeys off: {off})", self.passkeys.rp_id),
        };
        let oidc_rows = self.oidc.iter().map(|configured| {
            let oidc = &configured.oidc;
            let name = format!("OIDC_{}_*", oidc.id.as_str().to_ascii_uppercase());
            let trusted = match &configured.email_trust {
                EmailTrust::Domains { domains, without_claim } if !domains.is_empty() => format!(
                    "addresses trusted in {}{}",
                    domains.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    if *without_claim { " (also without an email_verified claim)" } else { " (with email_verified)" }
                ),
                _ => "no address trusted".to_owned(),
            };
            let value = format!(
                "{:?}: client {} (issuer {}, scopes {}, callback {}, browsers sent to {}, {trusted})",
                configured.display_name,
                oidc.client_id,
                oidc.issuer_url,
                oidc.scopes.join(" "),
                oidc.redirect_uri,
                configured.authorization_origin(),
            );
            (name, value)
        });
        let rows = [
            ("APP_ENV", self.env.to_string()),
            ("HOST, PORT", format!("{} (listen)", self.bind_address())),
            ("DATABASE_URL", redact_password(&self.database_url)),
            ("DATABASE_WAIT_SECS", format!("{} s", self.database_wait.as_secs())),
            ("AUTO_MIGRATE", self.auto_migrate.to_string()),
            ("SECRET_KEY", secret),
            ("ACCESS_TOKEN_TTL", format!("{} s", self.access_token_ttl.as_seconds())),
            ("REAUTH_WINDOW_SECS", format!("{} s", self.reauth_window.as_seconds())),
            ("BCRYPT_COST", self.bcrypt_cost.to_string()),
            (
                "COOKIE_*",
                format!(
                    "{} (Secure: {}, Domain: {})",
                    self.cookie.name,
                    self.cookie.secure,
                    self.cookie.domain.as_deref().unwrap_or("this host")
                ),
            ),
            ("PUBLIC_URL", self.public_url.to_string()),
            ("FRONTEND_URL", self.frontend_url.to_string()),
            ("CORS_ORIGINS", self.cors_origins.join(", ")),
            ("TRUSTED_PROXIES", proxies),
            ("GOOGLE_*", google),
            ("DISCORD_*", discord),
            (
                "RATE_LIMIT_*",
                format!(
                    "{} failures per email, {} per address, per {} s",
                    self.rate_limits.max_per_email,
                    self.rate_limits.max_per_ip,
                    self.rate_limits.window.num_seconds()
                ),
            ),
            ("REDIS_URL", redis),
            ("SMTP_URL", smtp),
            ("MAIL_FROM", self.mail.from.clone()),
            ("MAIL_MAX_PER_ADDRESS", format!("{} mails an hour to one address", self.mail.max_per_address)),
            ("WEBAUTHN_RP_ID", passkeys),
            ("WEBAUTHN_RP_NAME", self.passkeys.rp_name.clone()),
            ("LOG_FORMAT", format!("{:?}", self.log_format).to_lowercase()),
            ("RUST_LOG", self.log_filter.clone().unwrap_or_else(|| "not set (info)".to_owned())),
        ];
        let mut text = String::from("configuration is valid\n");
        let (before, after) =
            rows.split_at(rows.iter().position(|(name, _)| *name == "DISCORD_*").map_or(0, |at| at + 1));
        let rows = before.iter().map(|(name, value)| ((*name).to_owned(), value.clone()));
        let rows = rows.chain(oidc_rows).chain(after.iter().map(|(name, value)| ((*name).to_owned(), value.clone())));
        for (name, value) in rows {
            text.push_str(&format!("{name:<19}{value}\n"));
        }
        let warnings = self.warnings();
        if !warnings.is_empty() {
            text.push_str(&format!("\n{} warning(s):\n", warnings.len()));
            for warning in warnings {
                text.push_str(&format!("  - {warning}\n"));
            }
        }
        text
    }
}

fn not_configured() -> String {
    "not configured (needs *_CLIENT_ID and *_CLIENT_SECRET)".to_owned()
}

/// Query parameters that carry a password in PostgreSQL and Redis URLs.
const SECRET_PARAMETERS: [&str; 4] = ["password", "sslpassword", "pass", "passwd"];

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, and the same for a
/// password given as a query parameter (`?password=…`).
pub fn redact_password(url: &str) -> String {
    let hidden = "(not shown: not a URL whose password can be told apart)";
    let Ok(mut parsed) = url::Url::parse(url) else {
        return if url.contains('@') { hidden.to_owned() } else { url.to_owned() };
    };
    // `user:secret@host` reads as the scheme `user` and a path: the password is not where a
    // URL keeps one.
    if !parsed.has_host() && url.contains('@') {
        return hidden.to_owned();
    }
    let secret = |name: &str| SECRET_PARAMETERS.contains(&name.to_ascii_lowercase().as_str());
    let in_query = parsed.query_pairs().any(|(name, _)| secret(&name));
    if parsed.password().is_none() && !in_query {
        return url.to_owned();
    }
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if in_query {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(name, value)| {
                let value = if secret(&name) { "***".to_owned() } else { value.into_owned() };
                (name.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(redact_password("postgres://app:hunter2@db:5432/auth"), "postgres://app:***@db:5432/auth");
        assert_eq!(redact_password("sqlite://yoshikosan.db?mode=rwc"), "sqlite://yoshikosan.db?mode=rwc");
        let query = redact_password("postgres://app@db/auth?sslmode=require&password=hunter2");
        assert_eq!(query, "postgres://app@db/auth?sslmode=require&password=***");
        assert!(!redact_password("redis+unix:///run/redis.sock?pass=hunter2").contains("hunter2"));
        assert!(!redact_password("app:hunter2@db:5432/auth").contains("hunter2"), "no scheme: not a URL");
    }

    #[test]
    fn the_summary_never_shows_the_secret_key() {
        let key = "a-very-secret-key-that-is-long-enough-for-prod";
        let settings = Settings::from_vars([("SECRET_KEY", key), ("DATABASE_URL", "postgres://u:pw@h/d")]).unwrap();
        let summary = settings.summary();
        assert!(!summary.contains(key) && !summary.contains(":pw@"), "{summary}");
        assert!(summary.contains("SECRET_KEY         set (46 bytes)"), "{summary}");
    }

    #[test]
    fn every_setting_an_operator_sets_is_shown() {
        let settings = Settings::from_vars([
            ("TRUSTED_PROXIES", "10.0.0.0/8"),
            ("LOG_FORMAT", "json"),
            ("RUST_LOG", "info,yoshikosan_api=debug"),
            ("DATABASE_WAIT_SECS", "45"),
        ])
        .unwrap();
        let summary = settings.summary();
        for line in [
            "TRUSTED_PROXIES    10.0.0.0/8",
            "LOG_FORMAT         json",
            "RUST_LOG           info,yoshikosan_api=debug",
            "DATABASE_WAIT_SECS 45 s",
            "GOOGLE_*           not configured",
        ] {
            assert!(summary.contains(line), "{line:?} missing from:\n{summary}");
        }
    }
}
