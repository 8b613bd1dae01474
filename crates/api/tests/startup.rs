//! The binary's behaviour at start-up, as an operator sees it.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

use std::process::Command;

fn service() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_yoshikosan"));
    // A clean environment and a directory without a .env file.
    command.env_clear().current_dir(std::env::temp_dir());
    command
}

#[test]
fn a_bad_configuration_exits_non_zero_naming_every_problem_without_a_panic() {
    let output = service()
        .env("APP_ENV", "production")
        .env("BCRYPT_COST", "5")
        .env("FRONTEND_URL", "not a url")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for variable in ["SECRET_KEY", "BCRYPT_COST", "FRONTEND_URL"] {
        assert!(stderr.contains(variable), "{variable} missing from:\n{stderr}");
    }
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
}

#[test]
fn an_unreachable_database_is_reported_plainly() {
    let output = service()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("could not connect to the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn check_config_summarises_a_valid_configuration_without_secrets() {
    let output = service()
        .arg("check-config")
        .env("APP_ENV", "production")
        .env("SECRET_KEY", "production-secret-production-secret-0123")
        .env("DATABASE_URL", "postgres://app:hunter2@db/auth")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("configuration is valid"), "{stdout}");
    assert!(stdout.contains("postgres://app:***@db/auth") && !stdout.contains("hunter2"), "{stdout}");
    assert!(!stdout.contains("production-secret"), "{stdout}");

    let bad = service().arg("check-config").env("APP_ENV", "production").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("SECRET_KEY"));
}

#[test]
fn healthcheck_fails_when_nothing_answers() {
    // Port 9 (discard) has no HTTP service here.
    let output = service().arg("healthcheck").env("PORT", "9").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn unknown_commands_are_refused_with_the_usage() {
    let output = service().arg("frobnicate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: yoshikosan"));
}

#[test]
fn check_config_shows_the_rate_limits_and_hides_the_redis_password() {
    let output = service()
        .arg("check-config")
        .env("REDIS_URL", "redis://:hunter2@cache:6379")
        .env("RATE_LIMIT_MAX_PER_EMAIL", "7")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("7 failures per email, 100 per address, per 900 s"), "{stdout}");
    assert!(stdout.contains("redis://:***@cache:6379") && !stdout.contains("hunter2"), "{stdout}");
}

/// `check-config` in a directory holding `dotenv` as its `.env`.
fn check_config_with_dotenv(dotenv: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), dotenv).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_yoshikosan"));
    command.env_clear().current_dir(dir.path()).arg("check-config").output().unwrap()
}

#[test]
fn a_production_dotenv_is_read_to_its_last_line() {
    let output = check_config_with_dotenv(
        "BCRYPT_COST=11\n\
         CORS_ORIGINS=https://a.example.com, https://b.example.com\n\
         export APP_ENV=production\n\
         export FOO\n\
         SECRET_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    for line in [
        "APP_ENV           production",
        "BCRYPT_COST       11",
        "SECRET_KEY        set (64 bytes)",
        "Secure: true",
        "CORS origins      https://a.example.com, https://b.example.com",
    ] {
        assert!(stdout.contains(line), "{line:?} missing from:\n{stdout}");
    }
}

#[test]
fn a_dotenv_line_that_cannot_be_read_stops_the_start_naming_the_file_and_line() {
    let output = check_config_with_dotenv("APP_ENV=production\nBCRYPT COST=11\nPORT=eighty\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(".env line 2:"), "{stderr}");
    assert!(stderr.contains("PORT must be") && stderr.contains("SECRET_KEY is required"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
