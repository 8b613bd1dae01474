//! Any text presented as an access token: never a panic, and nothing is accepted but the one
//! token this key signed (the seed corpus holds it, so mutations start next to a valid token).
#![no_main]

use std::sync::LazyLock;

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;
use yoshikosan_domain::ports::TokenCodec;
use yoshikosan_domain::{AccessClaims, SessionId, UserId};
use yoshikosan_security::JwtCodec;

static CODEC: LazyLock<JwtCodec> =
    LazyLock::new(|| JwtCodec::new(&SecretString::from("fuzz-secret-key-0123456789abcdef0123456789")));

static SIGNED: LazyLock<AccessClaims> = LazyLock::new(|| {
    let at = |s| Utc.timestamp_opt(s, 0).single().unwrap_or_default();
    AccessClaims {
        user_id: UserId::parse("0190a8d4-1111-7000-8000-000000000001").unwrap_or_else(UserId::generate),
        session_id: SessionId::parse("0190a8d4-2222-7000-8000-000000000002").unwrap_or_else(SessionId::generate),
        issued_at: at(1_767_225_600),
        expires_at: at(1_767_830_400),
    }
});

fuzz_target!(|token: &str| {
    if let Ok(claims) = CODEC.decode(token) {
        assert_eq!(claims, *SIGNED, "a token this key never signed was accepted: {token}");
    }
});
