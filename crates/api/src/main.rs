#![allow(clippy::print_stdout, reason = "the command-line entry point: what it prints is its interface")]

use std::path::Path;
use std::process::ExitCode;

use yoshikosan_api::commands::{self, USAGE};
use yoshikosan_api::config::{self, Settings};
use yoshikosan_api::startup::Application;
use yoshikosan_api::{database_commands, telemetry};

#[actix_web::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => serve().await,
        Some("check-config") => check_config().await,
        Some("healthcheck") => healthcheck().await,
        Some(name @ ("migrate" | "migrations" | "rollback" | "reset")) => {
            database_commands::run(name, std::env::args().nth(2).as_deref()).await
        }
        Some("openapi") => openapi(),
        Some("-V" | "--version" | "version") => {
            println!("yoshikosan {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprint!("unknown command {other:?}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The OpenAPI document `/openapi.json` serves, without a server or any configuration, for
/// client generators.
fn openapi() -> ExitCode {
    match commands::openapi_json() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not render the OpenAPI document: {error}");
            ExitCode::FAILURE
        }
    }
}

fn load_settings() -> Result<Settings, ExitCode> {
    Settings::from_env().map_err(|error| {
        eprint!("{error}");
        ExitCode::from(2)
    })
}

async fn check_config() -> ExitCode {
    match load_settings() {
        Ok(settings) => {
            print!("{}", settings.summary());
            print!("{}", yoshikosan_api::provider_checks::check_config_report(&settings).await);
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

async fn healthcheck() -> ExitCode {
    let vars = config::environment(Path::new(config::DOTENV)).vars;
    let port = vars.get("PORT").and_then(|p| p.trim().parse().ok()).unwrap_or(8000);
    match commands::healthcheck(port).await {
        Ok(line) => {
            println!("healthy: {line}");
            ExitCode::SUCCESS
        }
        Err(line) => {
            println!("unhealthy: {line}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> ExitCode {
    let settings = match load_settings() {
        Ok(settings) => settings,
        Err(code) => return code,
    };
    let _logs = telemetry::init(settings.log_format, settings.log_filter.as_deref());
    if settings.ephemeral_secret {
        tracing::warn!(
            "SECRET_KEY is not set: using a random key for this run only. Every session ends when the \
             process stops. Set SECRET_KEY (openssl rand -hex 32) to keep sessions across restarts."
        );
    }
    for warning in settings.warnings() {
        tracing::warn!("{warning}");
    }
    let (env, database) = (settings.env, config::redact_password(&settings.database_url));
    let host = settings.host.clone();
    let app = match Application::build(settings).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!(%error, "start-up failed");
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let base = local_base_url(&host, app.port());
    tracing::info!(port = app.port(), %env, %database, "Yoshikosan auth service listening on {base}, API docs at {base}/docs");
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped with an error");
            ExitCode::FAILURE
        }
    }
}

/// Where a person on this machine reaches the service: a wildcard address is reached as localhost.
fn local_base_url(host: &str, port: u16) -> String {
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) if ip.is_unspecified() => format!("http://localhost:{port}"),
        Ok(std::net::IpAddr::V6(ip)) => format!("http://[{ip}]:{port}"),
        _ => format!("http://{host}:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::local_base_url;

    #[test]
    fn the_start_up_log_gives_an_address_a_browser_opens() {
        assert_eq!(local_base_url("0.0.0.0", 8000), "http://localhost:8000");
        assert_eq!(local_base_url("::", 8000), "http://localhost:8000");
        assert_eq!(local_base_url("127.0.0.1", 8001), "http://127.0.0.1:8001");
        assert_eq!(local_base_url("::1", 8000), "http://[::1]:8000");
    }
}
