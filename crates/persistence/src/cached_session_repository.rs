//! The session cache in front of the sessions table: lookups are answered from memory when
//! they can be, and this process's own writes evict what they change.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use yoshikosan_domain::ports::{SessionRepository, StoreError};
use yoshikosan_domain::{PasswordHash, Session, SessionId, SessionProof, User, UserId};

use crate::session_cache::SessionCache;
use crate::session_repository::SeaSessionRepository;

/// [`SeaSessionRepository`] behind a [`SessionCache`]. Evictions follow the database write,
/// never precede it: a lookup racing the write then cannot keep the old row.
#[derive(Debug)]
pub(crate) struct CachedSessionRepository {
    table: SeaSessionRepository,
    cache: Arc<SessionCache>,
}

impl CachedSessionRepository {
    /// `cache`: only one whose entries every change reaches, as [`crate::Database`] builds it.
    pub(crate) fn new(table: SeaSessionRepository, cache: Arc<SessionCache>) -> Self {
        Self { table, cache }
    }
}

#[async_trait]
impl SessionRepository for CachedSessionRepository {
    async fn create(&self, session: &Session) -> Result<(), StoreError> {
        self.table.create(session).await
    }

    async fn create_for_password(&self, session: &Session, verified: &PasswordHash) -> Result<bool, StoreError> {
        self.table.create_for_password(session, verified).await
    }

    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, StoreError> {
        if let Some(found) = self.cache.get(id) {
            return Ok(Some(found));
        }
        // Taken before the query, so that an eviction while it runs forbids keeping its result.
        let ticket = self.cache.ticket();
        let found = self.table.find_with_user(id).await?;
        if let Some(found) = &found {
            self.cache.keep(ticket, found);
        }
        Ok(found)
    }

    // The writes evict through the table's unit of work: this process's own revocations take
    // effect here at once, before their notification.
    async fn delete(&self, id: SessionId) -> Result<(), StoreError> {
        self.table.delete(id).await
    }

    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> Result<Vec<Session>, StoreError> {
        self.table.list_active(user_id, now).await
    }

    async fn delete_owned(&self, user_id: UserId, id: SessionId) -> Result<bool, StoreError> {
        self.table.delete_owned(user_id, id).await
    }

    async fn delete_all(&self, user_id: UserId) -> Result<u64, StoreError> {
        self.table.delete_all(user_id).await
    }

    // Never from the cache: a proof recorded by another instance counts at once.
    async fn find_proof(&self, user_id: UserId, id: SessionId) -> Result<Option<SessionProof>, StoreError> {
        self.table.find_proof(user_id, id).await
    }

    async fn record_proof(&self, user_id: UserId, id: SessionId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        self.table.record_proof(user_id, id, at).await
    }

    async fn touch(&self, id: SessionId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.table.touch(id, at).await
    }

    async fn delete_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.table.delete_expired(now).await
    }
}
