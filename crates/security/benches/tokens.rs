//! Token and password costs: `cargo bench -p yoshikosan-security`.
//!
//! JWT verification runs on every authenticated request; bcrypt runs once per sign-in and sets
//! the ceiling on sign-ins per second (cores divided by one verify).

use std::hint::black_box;

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use secrecy::SecretString;
use yoshikosan_domain::ports::TokenCodec;
use yoshikosan_domain::{AccessClaims, SessionId, UserId};
use yoshikosan_security::{BcryptHasher, JwtCodec};

fn claims() -> AccessClaims {
    let issued_at = Utc::now();
    AccessClaims {
        user_id: UserId::generate(),
        session_id: SessionId::generate(),
        issued_at,
        expires_at: issued_at + Duration::days(7),
    }
}

fn jwt(c: &mut Criterion) {
    let codec = JwtCodec::new(&SecretString::from("k".repeat(64)));
    let claims = claims();
    let Ok(token) = codec.encode(&claims) else { panic!("the benchmark's token could not be issued") };
    let mut group = c.benchmark_group("jwt");
    group.bench_function("issue", |b| b.iter(|| codec.encode(black_box(&claims))));
    group.bench_function("verify", |b| b.iter(|| codec.decode(black_box(&token))));
    let forged = format!("{}x", &token[..token.len() - 1]);
    group.bench_function("verify_forged", |b| b.iter(|| codec.decode(black_box(&forged))));
    group.finish();
}

/// One verify at the default cost, on one core: the load benchmark prints its own beside the limit.
fn bcrypt_verify(c: &mut Criterion) {
    let cost = BcryptHasher::DEFAULT_COST;
    let Ok(hash) = bcrypt::hash("correct horse battery staple", cost) else { panic!("bcrypt could not hash") };
    let mut group = c.benchmark_group("bcrypt");
    group.sample_size(10);
    group.bench_function(format!("verify_cost_{cost}"), |b| {
        b.iter(|| bcrypt::verify(black_box("correct horse battery staple"), black_box(&hash)))
    });
    group.finish();
}

criterion_group!(benches, jwt, bcrypt_verify);
criterion_main!(benches);
