//! The one way credentials and sessions are written: a write states what it changed, and this
//! instance's session cache forgets that once the write is committed. Other instances hear of
//! it from the database's notifications.
//!
//! A transaction is only reachable as `&DatabaseTransaction`, so it cannot be committed except
//! through [`UnitOfWork::commit`], which evicts; a dropped unit of work rolls back. A single
//! statement goes through [`Writes::statement`]. A new kind of write therefore names what it
//! changed or does not compile.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use uuid::Uuid;
use yoshikosan_domain::SessionId;

use crate::session_cache::SessionCache;

/// What a committed write changed, as far as a cached session check can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Changed {
    /// New rows only (a session, a user): nothing cached described them.
    NewRows,
    /// Expired sessions only, which a cached check refuses by their expiry anyway.
    ExpiredSessions,
    /// One session was revoked or deleted.
    Session(Uuid),
    /// A session's last use moved forward: kept in the cache, not evicted.
    LastSeen(SessionId, DateTime<Utc>),
    /// A user, their links, or several sessions: every cached session may be stale.
    Accounts,
}

/// Where writes start: the pool, and this instance's session cache (`None` where there is no
/// cache, on SQLite).
#[derive(Debug, Clone)]
pub(crate) struct Writes {
    conn: DatabaseConnection,
    cache: Option<Arc<SessionCache>>,
}

impl Writes {
    pub(crate) fn new(conn: DatabaseConnection, cache: Option<Arc<SessionCache>>) -> Self {
        Self { conn, cache }
    }

    /// For reads, and for the statement given to [`Writes::statement`].
    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub(crate) async fn begin(&self) -> Result<UnitOfWork, DbErr> {
        Ok(UnitOfWork { txn: self.conn.begin().await?, cache: self.cache.clone() })
    }

    /// Runs one statement outside a transaction, then forgets what it changed.
    pub(crate) async fn statement<T>(
        &self,
        changed: Changed,
        statement: impl Future<Output = Result<T, DbErr>>,
    ) -> Result<T, DbErr> {
        let result = statement.await;
        // A forgetting change is applied even when the statement failed: it may have been
        // applied before the failure was seen, and forgetting is always safe. A recorded use
        // is kept only once it is written.
        if result.is_ok() || !matches!(changed, Changed::LastSeen(..)) {
            evict(self.cache.as_deref(), &changed);
        }
        result
    }
}

/// A transaction that evicts what it changed when, and only when, it commits.
#[derive(Debug)]
pub(crate) struct UnitOfWork {
    txn: DatabaseTransaction,
    cache: Option<Arc<SessionCache>>,
}

impl UnitOfWork {
    pub(crate) fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    pub(crate) async fn commit(self, changed: Changed) -> Result<(), DbErr> {
        let result = self.txn.commit().await;
        // A commit whose answer was lost may still have been applied: forget either way.
        if result.is_ok() || !matches!(changed, Changed::LastSeen(..)) {
            evict(self.cache.as_deref(), &changed);
        }
        result
    }
}

fn evict(cache: Option<&SessionCache>, changed: &Changed) {
    let Some(cache) = cache else { return };
    match changed {
        Changed::NewRows | Changed::ExpiredSessions => {}
        Changed::Session(id) => cache.forget_session(*id),
        Changed::LastSeen(id, at) => cache.touched(*id, *at),
        Changed::Accounts => cache.forget_all(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use sea_orm::ConnectionTrait;

    use super::*;
    use crate::session_cache::tests::entry;
    use crate::testing::TestDatabase;

    async fn cached_session() -> (TestDatabase, Arc<SessionCache>, Writes, SessionId) {
        let db = TestDatabase::fresh().await;
        let cache = Arc::new(SessionCache::new(true));
        let found = entry();
        cache.keep(cache.ticket(), &found);
        let writes = Writes::new(db.database.connection().clone(), Some(cache.clone()));
        (db, cache, writes, found.0.id)
    }

    /// A kind of write no store has yet (here, every session revoked by hand-written SQL) gets
    /// its transaction only through a unit of work, whose commit asks what it changed.
    #[tokio::test]
    async fn a_new_kind_of_write_evicts_what_it_changed_once_it_commits() {
        let (_db, cache, writes, id) = cached_session().await;
        let work = writes.begin().await.unwrap();
        work.txn().execute_unprepared("DELETE FROM sessions").await.unwrap();
        assert!(cache.get(id).is_some(), "nothing is forgotten before the commit");
        work.commit(Changed::Accounts).await.unwrap();
        assert!(cache.get(id).is_none(), "the revoked session is not served from the cache");
    }

    #[tokio::test]
    async fn a_single_statement_evicts_too() {
        let (_db, cache, writes, id) = cached_session().await;
        let statement = writes.conn().execute_unprepared("DELETE FROM sessions");
        writes.statement(Changed::Session(id.as_uuid()), statement).await.unwrap();
        assert!(cache.get(id).is_none());
    }

    #[tokio::test]
    async fn a_unit_of_work_dropped_before_its_commit_writes_nothing() {
        let (db, cache, writes, id) = cached_session().await;
        let work = writes.begin().await.unwrap();
        let insert = "INSERT INTO oauth_states (state_hash, expires_at) VALUES ('x', '2999-01-01 00:00:00')";
        work.txn().execute_unprepared(insert).await.unwrap();
        drop(work);
        let count = db.database.connection().execute_unprepared("DELETE FROM oauth_states").await.unwrap();
        assert_eq!(count.rows_affected(), 0, "rolled back");
        assert!(cache.get(id).is_some(), "and nothing evicted");
    }
}
