//! Sessions with their users as recent lookups found them, so that most authenticated
//! requests need no query at all.
//!
//! An entry is only as good as the news of changes that reach it. This process's own writes
//! evict directly. Other processes' writes reach it on PostgreSQL through notifications sent by
//! triggers (see `invalidation`), which also catch changes made outside the service; while the
//! notifications cannot be received, the cache is off. The time-to-live bounds what a failure
//! nobody noticed could cost.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use moka::sync::Cache;
use uuid::Uuid;
use yoshikosan_domain::{Session, SessionId, User};

/// Entries at most. Each is a session and its user, around 1 KiB with a browser's user agent
/// (kept to 512 characters): about 10 MB at worst.
const CAPACITY: u64 = 10_000;
const TIME_TO_LIVE: Duration = Duration::from_secs(30);

type Entry = Arc<(Session, User)>;

pub struct SessionCache {
    entries: Cache<Uuid, Entry>,
    /// Moved on by every eviction: a lookup that began before it may not fill the cache, since
    /// what it read may be what was just revoked.
    generation: AtomicU64,
    /// Held to evict, and to check the generation and insert as one step.
    writes: Mutex<()>,
    live: AtomicBool,
}

impl std::fmt::Debug for SessionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionCache")
            .field("entries", &self.entries.entry_count())
            .field("live", &self.is_live())
            .finish()
    }
}

/// Taken before a lookup, handed back with its result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ticket(u64);

impl SessionCache {
    /// `live`: whether it may serve at once (no other process can change the data unseen).
    pub(crate) fn new(live: bool) -> Self {
        Self {
            entries: Cache::builder().max_capacity(CAPACITY).time_to_live(TIME_TO_LIVE).build(),
            generation: AtomicU64::new(0),
            writes: Mutex::new(()),
            live: AtomicBool::new(live),
        }
    }

    pub(crate) fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Turned off, it forgets everything and neither serves nor keeps until turned on again.
    pub(crate) fn set_live(&self, live: bool) {
        let _writes = self.lock();
        self.live.store(live, Ordering::Release);
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate_all();
    }

    pub(crate) fn get(&self, id: SessionId) -> Option<(Session, User)> {
        if !self.is_live() {
            return None;
        }
        self.entries.get(&id.as_uuid()).map(|entry| (*entry).clone())
    }

    pub(crate) fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::Acquire))
    }

    /// Keeps a lookup's result, unless anything was evicted since its ticket was taken.
    pub(crate) fn keep(&self, ticket: Ticket, found: &(Session, User)) {
        let _writes = self.lock();
        if self.is_live() && self.generation.load(Ordering::Acquire) == ticket.0 {
            self.entries.insert(found.0.id.as_uuid(), Arc::new(found.clone()));
        }
    }

    pub(crate) fn forget_session(&self, id: Uuid) {
        let _writes = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate(&id);
    }

    /// A user changed or lost sessions in bulk: rare enough that forgetting everyone is
    /// cheaper than indexing entries by user.
    pub(crate) fn forget_all(&self) {
        let _writes = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.invalidate_all();
    }

    /// Records a use of the session in its entry, so the next write of it is a minute away.
    pub(crate) fn touched(&self, id: SessionId, at: DateTime<Utc>) {
        let _writes = self.lock();
        if let Some(entry) = self.entries.get(&id.as_uuid()) {
            let (mut session, user) = (*entry).clone();
            session.last_seen_at = session.last_seen_at.max(at);
            self.entries.insert(id.as_uuid(), Arc::new((session, user)));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.writes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use chrono::Duration;
    use yoshikosan_domain::{DisplayName, Email, PasswordHash, TokenHash};

    use super::*;

    pub(crate) fn entry() -> (Session, User) {
        let now = Utc::now();
        let user = User::with_password(
            Email::parse("ada@example.com").unwrap(),
            DisplayName::parse("Ada").unwrap(),
            PasswordHash::new("$2b$12$x"),
            now,
        );
        let session = Session {
            id: SessionId::generate(),
            user_id: user.id,
            token_hash: TokenHash::of("token"),
            created_at: now,
            expires_at: now + Duration::days(7),
            last_seen_at: now,
            user_agent: None,
            ip: None,
            method: yoshikosan_domain::SignInMethod::Password,
            authenticated_at: now,
        };
        (session, user)
    }

    #[test]
    fn serves_what_it_kept() {
        let cache = SessionCache::new(true);
        let found = entry();
        cache.keep(cache.ticket(), &found);
        assert_eq!(cache.get(found.0.id).map(|(s, _)| s), Some(found.0));
    }

    #[test]
    fn a_lookup_overtaken_by_an_eviction_is_not_kept() {
        let cache = SessionCache::new(true);
        let found = entry();
        // The lookup read the row, then the session was revoked before it could keep it.
        let ticket = cache.ticket();
        cache.forget_session(found.0.id.as_uuid());
        cache.keep(ticket, &found);
        assert!(cache.get(found.0.id).is_none(), "a revoked session was cached after its revocation");
    }

    #[test]
    fn evictions_and_going_off_forget() {
        let cache = SessionCache::new(true);
        let (a, b) = (entry(), entry());
        cache.keep(cache.ticket(), &a);
        cache.keep(cache.ticket(), &b);
        cache.forget_session(a.0.id.as_uuid());
        assert!(cache.get(a.0.id).is_none());
        assert!(cache.get(b.0.id).is_some());
        cache.forget_all();
        assert!(cache.get(b.0.id).is_none());

        cache.keep(cache.ticket(), &a);
        cache.set_live(false);
        cache.set_live(true);
        assert!(cache.get(a.0.id).is_none(), "entries from before an outage survived it");
    }

    #[test]
    fn while_off_it_neither_serves_nor_keeps() {
        let cache = SessionCache::new(false);
        let found = entry();
        cache.keep(cache.ticket(), &found);
        cache.set_live(true);
        assert!(cache.get(found.0.id).is_none());
    }

    #[test]
    fn a_recorded_use_moves_last_seen_forward_only() {
        let cache = SessionCache::new(true);
        let found = entry();
        cache.keep(cache.ticket(), &found);
        let later = found.0.last_seen_at + Duration::minutes(2);
        cache.touched(found.0.id, later);
        cache.touched(found.0.id, found.0.last_seen_at);
        assert_eq!(cache.get(found.0.id).unwrap().0.last_seen_at, later);
    }
}
