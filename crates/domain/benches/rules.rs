//! The domain's per-request rules: `cargo bench -p yoshikosan-domain`.
//!
//! Each runs on every sign-in or authenticated request, so each must stay far below the cost of
//! the database round trip beside it (tens of microseconds).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use yoshikosan_domain::{Email, PasswordPolicy, TokenHash};

/// A real access token's length: header, claims (two UUIDs, two timestamps) and signature.
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIwMTkzNGY2Zi0zYjJhLTc1NmMtOWQ0ZS1hMWIyYzNkNGU1ZjYiLCJzaWQiOiIwMTkzNGY2Zi0zYjJiLTc2NmQtOGU1Zi1iMmMzZDRlNWY2YTciLCJpYXQiOjE3OTk5OTk5OTksImV4cCI6MTgwMDYwNDc5OX0.c2lnbmF0dXJlLW9mLXRoZS1leGFtcGxlLXRva2VuLWhlcmU";

fn email_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("email_parse");
    group.bench_function("valid", |b| b.iter(|| Email::parse(black_box("  Alice.Smith+news@Example.COM "))));
    group.bench_function("invalid", |b| b.iter(|| Email::parse(black_box("alice@@example..com"))));
    group.finish();
}

fn password_policy(c: &mut Criterion) {
    let policy = PasswordPolicy::default();
    let email = Email::parse("alice@example.com").ok();
    let mut group = c.benchmark_group("password_policy_check");
    // Accepted: every rule runs, the common-password lookup included.
    group.bench_function("accepted", |b| {
        b.iter(|| policy.check(black_box("correct horse battery staple"), black_box(email.as_ref())))
    });
    group.bench_function("too_common", |b| b.iter(|| policy.check(black_box("Password123"), black_box(None))));
    group.finish();
}

fn token_hash(c: &mut Criterion) {
    c.bench_function("token_hash", |b| b.iter(|| TokenHash::of(black_box(TOKEN))));
}

criterion_group!(benches, email_parse, password_policy, token_hash);
criterion_main!(benches);
