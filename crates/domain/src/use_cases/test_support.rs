//! Mocks preset with the behaviour most use-case tests share.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use crate::clock::MockClock;
use crate::email::Email;
use crate::password::PasswordHash;
use crate::ports::{MockFailureCounter, MockTokenCodec, Reservation};
use crate::session::{AccessClaims, SessionId, TokenTtl};
use crate::throttle::{RateLimits, Throttle};
use crate::user::{DisplayName, User, UserId};

use crate::session_issuer::SessionIssuer;

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
}

pub fn clock_at(now: DateTime<Utc>) -> Arc<MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().return_const(now);
    Arc::new(clock)
}

/// Tokens are `tok.<session id>`, decodable back into claims issued at [`t0`] for an hour.
pub fn codec_for(user_id: UserId) -> Arc<MockTokenCodec> {
    let mut codec = MockTokenCodec::new();
    codec.expect_encode().returning(|claims| Ok(format!("tok.{}", claims.session_id)));
    codec.expect_decode().returning(move |token| {
        let sid = token.strip_prefix("tok.").and_then(SessionId::parse).ok_or(crate::ports::TokenError::Invalid)?;
        Ok(AccessClaims { user_id, session_id: sid, issued_at: t0(), expires_at: t0() + chrono::Duration::hours(1) })
    });
    Arc::new(codec)
}

pub fn issuer(codec: Arc<MockTokenCodec>) -> SessionIssuer {
    SessionIssuer::new(codec, clock_at(t0()), TokenTtl::from_seconds(3600).unwrap())
}

pub fn user(password_hash: Option<&str>) -> User {
    let mut user = User::with_password(
        Email::parse("ada@example.com").unwrap(),
        DisplayName::parse("Ada").unwrap(),
        PasswordHash::new("$2b$12$stored"),
        t0(),
    );
    user.password_hash = password_hash.map(PasswordHash::new);
    user
}

/// A throttle whose counter grants every reservation.
pub fn open_throttle() -> Throttle {
    let mut counter = MockFailureCounter::new();
    counter.expect_reserve().returning(|_, now, window, _| {
        Ok(Reservation::Granted(crate::ports::FailureWindow { failures: 1, ends_at: now + window }))
    });
    counter.expect_release().returning(|_, _| Ok(()));
    counter.expect_clear().returning(|_| Ok(()));
    Throttle::new(Arc::new(counter), RateLimits::default())
}

/// A throttle that refuses every attempt, for a minute more.
pub fn closed_throttle() -> Throttle {
    let mut counter = MockFailureCounter::new();
    counter.expect_reserve().returning(|_, now, _, max| {
        Ok(Reservation::Refused(crate::ports::FailureWindow {
            failures: max,
            ends_at: now + chrono::Duration::seconds(60),
        }))
    });
    Throttle::new(Arc::new(counter), RateLimits::default())
}

/// A proof of identity given `proven_ago` before [`t0`], by any session asked about.
pub fn proven(proven_ago: chrono::Duration) -> crate::proof::RecentProof {
    let mut sessions = crate::ports::MockSessionRepository::new();
    let proof = crate::proof::SessionProof {
        authenticated_at: t0() - proven_ago,
        expires_at: t0() + chrono::Duration::days(1),
    };
    sessions.expect_find_proof().returning(move |_, _| Ok(Some(proof)));
    crate::proof::RecentProof::new(Arc::new(sessions), clock_at(t0()), crate::proof::ReauthWindow::default())
}

/// A throttle that counts reservations per key for real, within one window that never ends.
pub fn throttle_with_limits(max_per_email: u32, max_per_ip: u32) -> Throttle {
    let counts = Arc::new(std::sync::Mutex::new(std::collections::HashMap::<String, u32>::new()));
    let mut counter = MockFailureCounter::new();
    let reserved = counts.clone();
    counter.expect_reserve().returning(move |key, now, window, max| {
        let mut counts = reserved.lock().unwrap();
        let count = counts.entry(key.to_owned()).or_default();
        let ends_at = now + window;
        if *count >= max {
            return Ok(Reservation::Refused(crate::ports::FailureWindow { failures: *count, ends_at }));
        }
        *count += 1;
        Ok(Reservation::Granted(crate::ports::FailureWindow { failures: *count, ends_at }))
    });
    counter.expect_release().returning(move |key, _| {
        if let Some(count) = counts.lock().unwrap().get_mut(key) {
            *count = count.saturating_sub(1);
        }
        Ok(())
    });
    counter.expect_clear().returning(|_| Ok(()));
    let limits = RateLimits { max_per_email, max_per_ip, ..RateLimits::default() };
    Throttle::new(Arc::new(counter), limits)
}

pub fn clock() -> Arc<MockClock> {
    clock_at(t0())
}
