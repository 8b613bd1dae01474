//! `check-config`: every problem at once, every setting shown, and warnings.

use super::service;

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
    service().current_dir(dir.path()).arg("check-config").output().unwrap()
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
        "APP_ENV            production",
        "BCRYPT_COST        11",
        "SECRET_KEY         set (64 bytes)",
        "Secure: true",
        "CORS_ORIGINS       https://a.example.com, https://b.example.com",
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

#[test]
fn a_refused_value_says_why() {
    let output = service().arg("check-config").env("APP_ENV", "production").env("BCRYPT_COST", "4").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("BCRYPT_COST must be at least 10 in production, not 4"), "{stderr}");
}

#[test]
fn a_valid_but_risky_production_configuration_is_accepted_with_warnings() {
    let output = service()
        .arg("check-config")
        .env("APP_ENV", "production")
        .env("SECRET_KEY", "production-secret-production-secret-0123")
        .env("PUBLIC_URL", "http://auth.example.com")
        .env("FRONTEND_URL", "https://example.com")
        .env("TRUSTED_PROXIES", "172.16.0.0/12")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for expected in [
        "3 warning(s):",
        "PUBLIC_URL is http://auth.example.com/ (http://) in production",
        "SMTP_URL is not set in production",
        "SMTP_URL           not set (password reset by mail is off)",
        "DATABASE_URL is SQLite in production",
        "TRUSTED_PROXIES    172.16.0.0/12",
        "LOG_FORMAT         json",
        "RUST_LOG           warn",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }
}

#[test]
fn check_config_shows_each_configured_issuer_and_warns_when_it_cannot_reach_it() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("yoshikosan.db");
    // Port 9 (discard) on this machine: nothing answers there.
    let output = service()
        .arg("check-config")
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", database.display()))
        .env("OIDC_PROVIDERS", "corp")
        .env("OIDC_CORP_ISSUER", "http://127.0.0.1:9/realms/staff")
        .env("OIDC_CORP_CLIENT_ID", "yoshikosan")
        .env("OIDC_CORP_CLIENT_SECRET", "corp-secret-value")
        .env("OIDC_CORP_NAME", "Corp SSO")
        .env("OIDC_CORP_EMAIL_DOMAINS", "corp.example.com")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "a warning, not a failure: {stdout}");
    for expected in [
        "OIDC_CORP_*        \"Corp SSO\": client yoshikosan (issuer http://127.0.0.1:9/realms/staff",
        "addresses trusted in corp.example.com (with email_verified)",
        "OIDC_CORP_ISSUER: the issuer http://127.0.0.1:9/realms/staff could not be discovered",
        "stored links not checked",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(!stdout.contains("corp-secret-value"), "{stdout}");
    assert!(!database.exists(), "check-config creates no database");
}
