//! HTTP tests of the whole service: a real server on a random port per test, each with its own
//! fresh database (SQLite, or PostgreSQL under `TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a test crate: a failure should stop the test")]

mod bcrypt_offload;
mod database_outage;
mod docs;
mod email_change;
mod email_verification;
mod fair_hashing;
mod health;
mod helpers;
mod hostile_input;
mod login;
mod logout;
#[path = "../support/mail_catcher.rs"]
mod mail_catcher;
mod metrics;
mod notices;
mod oauth_accounts;
mod oauth_discord;
mod oauth_google;
mod oauth_oidc;
mod oauth_support;
mod older_rows;
mod passkey_device;
mod passkeys;
mod passkeys_refused;
mod passkeys_rules;
mod password;
mod password_reset;
mod rate_limits;
mod rate_limits_at_once;
mod reauthentication;
mod register;
mod request_hygiene;
mod sessions;
#[path = "../support/soft_passkey.rs"]
mod soft_passkey;
mod tokens;
