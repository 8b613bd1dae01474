//! The `yoshikosan` binary as an operator runs it: start-up, `check-config`, and the database
//! commands behind `make db-*`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

mod check_config;
mod database_commands;
mod startup;

use std::process::Command;

/// The binary with a clean environment, in a directory without a `.env` file.
fn service() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yoshikosan"));
    command.env_clear().current_dir(std::env::temp_dir());
    command
}
