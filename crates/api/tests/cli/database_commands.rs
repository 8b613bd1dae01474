//! The database commands behind `make db-*`: they read the configuration as the service does,
//! and a database they cannot use is one clear line and a non-zero exit, never a panic.

use super::service;

fn sqlite_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display())
}

#[test]
fn migrate_applies_the_schema_once_and_migrations_lists_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let run =
        |command: &str| service().env("DATABASE_URL", &url).env("RUST_LOG", "warn").arg(command).output().unwrap();
    let first = run("migrate");
    assert!(first.status.success(), "{first:?}");
    assert!(String::from_utf8_lossy(&first.stdout).contains("applied m20261122_000001_create_auth_tables"));
    let second = run("migrate");
    assert!(String::from_utf8_lossy(&second.stdout).contains("no pending migrations"), "{second:?}");
    let listed = String::from_utf8_lossy(&run("migrations").stdout).into_owned();
    assert!(listed.contains("applied  m20261206_000004_session_proof") && !listed.contains("pending"), "{listed}");
}

#[test]
fn rollback_names_what_it_undid_and_reset_asks_for_yes() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(&dir);
    let run = |args: &[&str]| service().env("DATABASE_URL", &url).env("RUST_LOG", "warn").args(args).output().unwrap();
    assert!(run(&["migrate"]).status.success());
    let rolled = run(&["rollback"]);
    assert!(String::from_utf8_lossy(&rolled.stdout).contains("rolled back m20261206_000007_link_issuers"));
    assert_eq!(run(&["rollback", "zero"]).status.code(), Some(2));

    let unconfirmed = run(&["reset"]);
    assert_eq!(unconfirmed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("reset --yes"));
    let reset = run(&["reset", "--yes"]);
    assert!(String::from_utf8_lossy(&reset.stdout).contains("applied again: 7 migration(s)"), "{reset:?}");
}

#[test]
fn an_unreachable_database_is_one_line_naming_it_and_a_failure_exit() {
    for command in ["migrate", "migrations", "rollback"] {
        let output = service()
            .env("DATABASE_URL", "postgres://app:hunter2@127.0.0.1:1/auth")
            .env("DATABASE_WAIT_SECS", "0")
            .env("RUST_LOG", "off")
            .arg(command)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{command}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{command}: {stderr}");
        assert!(stderr.starts_with("error: could not connect to the database at 127.0.0.1:1"), "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("hunter2"), "{stderr}");
    }
}

/// An empty `DATABASE_URL=` (as `.env.example` leaves it) means the default SQLite file, as it
/// does for the service.
#[test]
fn an_empty_database_url_means_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "DATABASE_URL=\nRUST_LOG=warn\n").unwrap();
    let output = service().current_dir(dir.path()).arg("migrate").output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(dir.path().join("yoshikosan.db").exists());
}
