#![allow(clippy::print_stdout, reason = "the command-line entry point: what it prints is its interface")]

use std::path::Path;
use std::process::ExitCode;

use yoshikosan_api::commands::{self, USAGE};
use yoshikosan_api::config::{self, Settings};
use yoshikosan_api::startup::Application;
use yoshikosan_api::{database_wait, telemetry};
use yoshikosan_persistence::Database;

#[actix_web::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => serve().await,
        Some("check-config") => check_config(),
        Some("healthcheck") => healthcheck().await,
        Some("migrate") => migrate().await,
        Some("migrations") => migrations().await,
        Some("rollback") => rollback(std::env::args().nth(2).as_deref()).await,
        Some("reset") => reset(std::env::args().nth(2).as_deref()).await,
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

fn check_config() -> ExitCode {
    match load_settings() {
        Ok(settings) => {
            print!("{}", settings.summary());
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

async fn healthcheck() -> ExitCode {
    let (vars, _) = config::environment(Path::new(config::DOTENV));
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

/// The database of the configuration, reached as start-up reaches it (waiting, logged).
async fn database() -> Result<Database, ExitCode> {
    let settings = load_settings()?;
    let _logs = telemetry::init(settings.log_format, settings.log_filter.as_deref());
    let target = database_wait::target(&settings.database_url);
    println!("database: {target}");
    database_wait::connect(&settings.database_url, settings.database_wait).await.map_err(|error| {
        eprintln!("error: {error}");
        ExitCode::FAILURE
    })
}

async fn migrate() -> ExitCode {
    let database = match database().await {
        Ok(database) => database,
        Err(code) => return code,
    };
    match database.migrate().await {
        Ok(applied) if applied.is_empty() => println!("no pending migrations: the schema is up to date"),
        Ok(applied) => applied.iter().for_each(|name| println!("applied {name}")),
        Err(error) => {
            eprintln!("error: could not apply the migrations: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

async fn migrations() -> ExitCode {
    let database = match database().await {
        Ok(database) => database,
        Err(code) => return code,
    };
    match database.migration_status().await {
        Ok(list) => {
            for (name, applied) in list {
                println!("{}  {name}", if applied { "applied" } else { "pending" });
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: could not read the migrations: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn rollback(steps: Option<&str>) -> ExitCode {
    let Some(steps) = steps.map_or(Some(1), |n| n.parse::<u32>().ok().filter(|&n| n > 0)) else {
        eprintln!("error: rollback takes a number of migrations to roll back (1 when left out)");
        return ExitCode::from(2);
    };
    let database = match database().await {
        Ok(database) => database,
        Err(code) => return code,
    };
    match database.rollback(steps).await {
        Ok(undone) if undone.is_empty() => println!("no applied migrations: nothing to roll back"),
        Ok(undone) => undone.iter().for_each(|name| println!("rolled back {name}")),
        Err(error) => {
            eprintln!("error: could not roll back: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

async fn reset(confirmation: Option<&str>) -> ExitCode {
    if confirmation != Some("--yes") {
        eprintln!("error: reset deletes every row of the database; run `yoshikosan reset --yes` to go on");
        return ExitCode::from(2);
    }
    let database = match database().await {
        Ok(database) => database,
        Err(code) => return code,
    };
    match database.reset().await {
        Ok(applied) => {
            println!("every migration rolled back, then applied again: {} migration(s), no rows", applied.len());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: could not reset the database: {error}");
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
