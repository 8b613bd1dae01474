#![forbid(unsafe_code)]

use std::process::ExitCode;

use yoshikosan_api::config::Settings;
use yoshikosan_api::startup::Application;
use yoshikosan_api::telemetry;

#[actix_web::main]
async fn main() -> ExitCode {
    dotenvy::dotenv().ok();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprint!("{error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    if settings.ephemeral_secret {
        tracing::warn!(
            "SECRET_KEY is not set: using a random key for this run only. Every session ends when the \
             process stops. Set SECRET_KEY (openssl rand -hex 32) to keep sessions across restarts."
        );
    }
    let (env, database) = (settings.env, redact_password(&settings.database_url));
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "start-up failed");
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(port = app.port(), %env, %database, "Yoshikosan auth service listening");
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped with an error");
            ExitCode::FAILURE
        }
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for the start-up log.
fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
