//! The binary's subcommands besides serving: a health probe for container HEALTHCHECKs (no
//! curl needed in the image), a configuration check for operators, and the OpenAPI document for
//! client generators.

use std::time::Duration;

use secrecy::ExposeSecret;

use crate::config::Settings;

pub const USAGE: &str = "\
usage: yoshikosan [COMMAND]

commands:
  serve          run the service (the default)
  check-config   validate the configuration (environment and .env) and print a summary
  healthcheck    exit 0 when the service on 127.0.0.1:$PORT answers /health/ready, else 1
  migrate        apply pending database migrations (as start-up does with AUTO_MIGRATE) and exit
  migrations     list the database migrations and whether each is applied
  openapi        print the OpenAPI document (as /openapi.json serves it) and exit
  --version      print the version
";

/// The document `/openapi.json` serves.
pub fn openapi_json() -> Result<String, serde_json::Error> {
    use utoipa::OpenApi;
    crate::routes::docs::ApiDoc::openapi().to_pretty_json()
}

/// Ok when `http://127.0.0.1:{port}/health/ready` answers 200 within 3 seconds; either way, a
/// line saying what was seen.
pub async fn healthcheck(port: u16) -> Result<String, String> {
    let url = format!("http://127.0.0.1:{port}/health/ready");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(3)).build().map_err(|e| e.to_string())?;
    match client.get(&url).send().await {
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let line = format!("{url}: {status} {}", body.trim());
            if status.is_success() { Ok(line) } else { Err(line) }
        }
        Err(error) if error.is_timeout() => Err(format!("{url}: no answer within 3 s")),
        Err(error) if error.is_connect() => Err(format!("{url}: nothing is listening (connection refused)")),
        Err(error) => Err(format!("{url}: {error}")),
    }
}

/// A summary of valid settings, secrets left out.
pub fn describe(settings: &Settings) -> String {
    let providers: Vec<&str> =
        [settings.google.as_ref().map(|_| "google"), settings.discord.as_ref().map(|_| "discord")]
            .into_iter()
            .flatten()
            .collect();
    let secret = if settings.ephemeral_secret {
        "not set (a random key per run: sessions end on restart)".to_owned()
    } else {
        format!("set ({} bytes)", settings.secret_key.expose_secret().len())
    };
    let lines = [
        format!("APP_ENV           {}", settings.env),
        format!("listen            {}", settings.bind_address()),
        format!("DATABASE_URL      {}", redact_password(&settings.database_url)),
        format!("SECRET_KEY        {secret}"),
        format!("ACCESS_TOKEN_TTL  {} s", settings.access_token_ttl.as_seconds()),
        format!("BCRYPT_COST       {}", settings.bcrypt_cost),
        format!(
            "cookie            {} (Secure: {}, Domain: {})",
            settings.cookie.name,
            settings.cookie.secure,
            settings.cookie.domain.as_deref().unwrap_or("this host")
        ),
        format!("FRONTEND_URL      {}", settings.frontend_url),
        format!("PUBLIC_URL        {}", settings.public_url),
        format!("CORS origins      {}", settings.cors_origins.join(", ")),
        format!("OAuth providers   {}", if providers.is_empty() { "none".to_owned() } else { providers.join(", ") }),
        format!("AUTO_MIGRATE      {}", settings.auto_migrate),
        format!(
            "rate limits       {} failures per email, {} per address, per {} s",
            settings.rate_limits.max_per_email,
            settings.rate_limits.max_per_ip,
            settings.rate_limits.window.num_seconds()
        ),
        format!(
            "REDIS_URL         {}",
            settings.redis_url.as_ref().map_or("not set (limits counted per instance)".to_owned(), |url| {
                redact_password(url.expose_secret())
            })
        ),
    ];
    format!("configuration is valid\n{}\n", lines.join("\n"))
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_database_urls_are_hidden() {
        assert_eq!(redact_password("postgres://app:hunter2@db:5432/auth"), "postgres://app:***@db:5432/auth");
        assert_eq!(redact_password("sqlite://yoshikosan.db?mode=rwc"), "sqlite://yoshikosan.db?mode=rwc");
    }

    #[test]
    fn the_summary_never_shows_the_secret_key() {
        let key = "a-very-secret-key-that-is-long-enough-for-prod";
        let settings = Settings::from_vars([("SECRET_KEY", key), ("DATABASE_URL", "postgres://u:pw@h/d")]).unwrap();
        let summary = describe(&settings);
        assert!(!summary.contains(key) && !summary.contains(":pw@"), "{summary}");
        assert!(summary.contains("SECRET_KEY        set (46 bytes)"), "{summary}");
    }
}
