//! `yoshikosan migrate | migrations | rollback [N] | reset --yes`: the schema commands behind
//! `make db-*`. They read the configuration and reach the database as start-up does; what goes
//! wrong is one `error:` line and a non-zero exit.
#![allow(clippy::print_stdout, reason = "command-line commands: what they print is their interface")]

use std::process::ExitCode;

use yoshikosan_persistence::Database;

use crate::config::Settings;
use crate::{database_wait, telemetry};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Command {
    Migrate,
    Status,
    Rollback(u32),
    Reset,
}

/// The command `name` (with its one argument) or why it cannot run.
fn parse(name: &str, argument: Option<&str>) -> Result<Command, String> {
    match (name, argument) {
        ("migrate", None) => Ok(Command::Migrate),
        ("migrations", None) => Ok(Command::Status),
        ("rollback", None) => Ok(Command::Rollback(1)),
        ("rollback", Some(steps)) => match steps.parse::<u32>() {
            Ok(steps) if steps > 0 => Ok(Command::Rollback(steps)),
            _ => Err(format!("rollback takes a number of migrations to roll back (1 when left out), not {steps:?}")),
        },
        ("reset", Some("--yes")) => Ok(Command::Reset),
        ("reset", _) => {
            Err("reset deletes every row of the database; run `yoshikosan reset --yes` to go on".to_owned())
        }
        (name, Some(extra)) => Err(format!("{name} takes no argument, not {extra:?}")),
        (name, None) => Err(format!("unknown database command {name:?}")),
    }
}

/// Exit 2 for a command or configuration that cannot run, 1 for a database that fails it.
pub async fn run(name: &str, argument: Option<&str>) -> ExitCode {
    let command = match parse(name, argument) {
        Ok(command) => command,
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(2);
        }
    };
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprint!("{error}");
            return ExitCode::from(2);
        }
    };
    let _logs = telemetry::init(settings.log_format, settings.log_filter.as_deref());
    println!("database: {}", database_wait::target(&settings.database_url));
    let outcome = match database_wait::connect(&settings.database_url, settings.database_wait).await {
        Ok(database) => execute(&database, command).await,
        Err(unreachable) => Err(unreachable.to_string()),
    };
    match outcome {
        Ok(lines) => {
            lines.iter().for_each(|line| println!("{line}"));
            ExitCode::SUCCESS
        }
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// What to print, a line each.
async fn execute(database: &Database, command: Command) -> Result<Vec<String>, String> {
    let each = |names: Vec<String>, verb: &str, none: &str| {
        if names.is_empty() {
            vec![none.to_owned()]
        } else {
            names.iter().map(|name| format!("{verb} {name}")).collect()
        }
    };
    match command {
        Command::Migrate => database
            .migrate()
            .await
            .map(|applied| each(applied, "applied", "no pending migrations: the schema is up to date"))
            .map_err(|e| format!("could not apply the migrations: {e}")),
        Command::Status => database
            .migration_status()
            .await
            .map(|list| {
                list.into_iter()
                    .map(|(name, applied)| format!("{}  {name}", if applied { "applied" } else { "pending" }))
                    .collect()
            })
            .map_err(|e| format!("could not read the migrations: {e}")),
        Command::Rollback(steps) => database
            .rollback(steps)
            .await
            .map(|undone| each(undone, "rolled back", "no applied migrations: nothing to roll back"))
            .map_err(|e| format!("could not roll back: {e}")),
        Command::Reset => database
            .reset()
            .await
            .map(|applied| {
                vec![format!(
                    "every migration rolled back, then applied again: {} migration(s), no rows",
                    applied.len()
                )]
            })
            .map_err(|e| format!("could not reset the database: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_their_arguments_are_checked_before_anything_connects() {
        assert_eq!(parse("rollback", None), Ok(Command::Rollback(1)));
        assert_eq!(parse("rollback", Some("3")), Ok(Command::Rollback(3)));
        assert!(parse("rollback", Some("0")).is_err());
        assert!(parse("reset", None).unwrap_err().contains("reset --yes"));
        assert!(parse("migrate", Some("now")).unwrap_err().contains("takes no argument"));
    }
}
