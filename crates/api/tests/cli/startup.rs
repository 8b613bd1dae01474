//! The binary at start-up and its small commands, as an operator sees them.

use super::service;

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
fn version_is_printed() {
    let output = service().arg("--version").output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("yoshikosan {}", env!("CARGO_PKG_VERSION")));
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
