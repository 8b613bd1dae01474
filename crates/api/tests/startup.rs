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
fn an_unreachable_database_is_retried_for_the_bounded_wait_then_named() {
    let started = std::time::Instant::now();
    let output = service()
        .env("DATABASE_URL", "postgres://nobody:hunter2@127.0.0.1:1/none")
        .env("DATABASE_WAIT_SECS", "3")
        .env("PORT", "0")
        .env("LOG_FORMAT", "json")
        .output()
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(output.status.code(), Some(1));
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(stderr.contains("could not connect to the database at 127.0.0.1:1"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("hunter2"), "{stderr}");
    let retries = stdout.lines().filter(|line| line.contains("database not reachable yet")).count();
    assert!(retries >= 2, "each attempt is logged:\n{stdout}");
    assert!(waited >= std::time::Duration::from_secs(2) && waited < std::time::Duration::from_secs(10), "{waited:?}");
}

#[test]
fn a_database_url_of_another_kind_is_refused_with_the_other_problems() {
    let output = service()
        .env("APP_ENV", "production")
        .env("DATABASE_URL", "mysql://app:hunter2@db/auth")
        .env("HOST", "not.an.ip")
        .arg("check-config")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SECRET_KEY") && stderr.contains("DATABASE_URL must be a postgres:// or sqlite:"),
        "{stderr}"
    );
    assert!(stderr.contains("HOST must be an IP address"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn a_taken_address_is_reported_before_the_database_is_touched() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let started = std::time::Instant::now();
    let output = service()
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env("HOST", "127.0.0.1")
        .env("PORT", &port)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("could not listen on 127.0.0.1:"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "no database wait first");
}

#[test]
fn migrate_applies_the_schema_once_and_migrations_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let run =
        |command: &str| service().env("DATABASE_URL", &url).env("RUST_LOG", "warn").arg(command).output().unwrap();
    let first = run("migrate");
    assert!(first.status.success(), "{first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied m20261122_000001_create_auth_tables"));
    let second = run("migrate");
    assert!(String::from_utf8_lossy(&second.stdout).contains("no pending migrations"), "{second:?}");
    let listed = String::from_utf8_lossy(&run("migrations").stdout).into_owned();
    assert!(
        listed.contains("applied  m20261123_000003_notify_session_changes") && !listed.contains("pending"),
        "{listed}"
    );
}

#[test]
fn version_is_printed() {
    let output = service().arg("--version").output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("yoshikosan {}", env!("CARGO_PKG_VERSION")));
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
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("unhealthy: http://127.0.0.1:9/health/ready:"), "{stdout}");
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
