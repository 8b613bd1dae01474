use std::sync::Arc;
use std::time::Duration;

use migration::{MigrationStatus, Migrator, MigratorTrait};
use sea_orm::sqlx::Connection;
use sea_orm::sqlx::postgres::PgConnection;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};
use yoshikosan_domain::ports::SessionRepository;

use crate::cached_session_repository::CachedSessionRepository;
use crate::invalidation;
use crate::link_uses::SeaLinkUses;
use crate::mail_outbox::SeaMailOutbox;
use crate::oauth_account_repository::SeaOAuthAccountRepository;
use crate::oauth_sign_in_store::SeaOAuthSignInStore;
use crate::oauth_state_store::SeaOAuthStateStore;
use crate::passkey_repository::SeaPasskeys;
use crate::session_cache::SessionCache;
use crate::session_repository::SeaSessionRepository;
use crate::unit_of_work::Writes;
use crate::user_repository::SeaUserRepository;

/// The advisory lock key migrations are applied under (PostgreSQL): "yoshiko" in ASCII.
const MIGRATION_LOCK: i64 = 0x0079_6f73_6869_6b6f;

async fn pending_names<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.iter().map(|m| m.name().to_owned()).collect())
}

async fn applied_names<C: ConnectionTrait>(db: &C) -> Result<Vec<String>, DbErr> {
    Ok(Migrator::get_applied_migrations(db).await?.iter().map(|m| m.name().to_owned()).collect())
}

/// Pool settings. The timeouts are short on purpose: with the database down, a request should
/// fail fast with 503 rather than hold a client for half a minute.
#[derive(Debug, Clone)]
pub struct DatabaseOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for DatabaseOptions {
    fn default() -> Self {
        Self { max_connections: 16, acquire_timeout: Duration::from_secs(3), connect_timeout: Duration::from_secs(2) }
    }
}

/// The pool's occupancy at one moment, for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open connections, idle or in use.
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

/// A connection pool to the service's database, and the repositories over it.
#[derive(Debug, Clone)]
pub struct Database {
    conn: DatabaseConnection,
    /// On PostgreSQL only, where every change is announced to every instance (see
    /// `invalidation`); an SQLite database is read in-process and needs none.
    cache: Option<Arc<SessionCache>>,
    listener: Option<Arc<ListenerTask>>,
}

/// The notification listener, stopped with the last clone of its [`Database`].
#[derive(Debug)]
struct ListenerTask(tokio::task::JoinHandle<()>);

impl Drop for ListenerTask {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Database {
    /// Opens the pool. The change listener is not started here but by
    /// [`Self::start_change_listener`], once the migrations have made its triggers.
    pub async fn connect(url: &str, options: &DatabaseOptions) -> Result<Self, DbErr> {
        let mut connect = ConnectOptions::new(url.to_owned());
        connect
            .max_connections(options.max_connections)
            .min_connections(1)
            .acquire_timeout(options.acquire_timeout)
            .connect_timeout(options.connect_timeout)
            .sqlx_logging(false)
            // WAL lets readers work while a writer commits; the busy timeout queues writers
            // instead of failing them with "database is locked".
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
        let conn = sea_orm::Database::connect(connect).await?;
        let cache = match conn.get_database_backend() {
            DbBackend::Postgres => Some(Arc::new(SessionCache::new(false))),
            _ => None,
        };
        Ok(Self { conn, cache, listener: None })
    }

    /// One connection attempt to a PostgreSQL `url`, for start-up's wait: the pool retries until
    /// its timeout and then says only that it timed out; this says why (refused, unknown host,
    /// wrong password). Other databases are local files: nothing to probe.
    pub async fn probe(url: &str, timeout: Duration) -> Result<(), String> {
        if !url.starts_with("postgres") {
            return Ok(());
        }
        match tokio::time::timeout(timeout, PgConnection::connect(url)).await {
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
                Ok(())
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        }
    }

    /// Starts hearing other processes' session changes, which turns the session cache on (on
    /// PostgreSQL; a no-op elsewhere, and when already started). Called once the migrations
    /// are applied: before, the notifying triggers are missing and the cache would stay off.
    pub fn start_change_listener(&mut self) {
        if self.listener.is_some() {
            return;
        }
        if let Some(cache) = &self.cache {
            let pool = self.conn.get_postgres_connection_pool().clone();
            let task = tokio::spawn(invalidation::listen(pool, cache.clone()));
            self.listener = Some(Arc::new(ListenerTask(task)));
        }
    }

    /// Applies every pending migration and returns their names. On PostgreSQL this runs in one
    /// transaction holding an advisory lock, so that instances starting together on an empty
    /// database take turns: the first applies the migrations, the others wait and find none.
    pub async fn migrate(&self) -> Result<Vec<String>, DbErr> {
        if self.backend() != DbBackend::Postgres {
            let pending = pending_names(&self.conn).await?;
            Migrator::up(&self.conn, None).await?;
            return Ok(pending);
        }
        let txn = self.begin_locked().await?;
        let pending = pending_names(&txn).await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await?;
        Ok(pending)
    }

    /// Rolls back the newest `steps` applied migrations and returns their names, newest first.
    /// On PostgreSQL it runs in one transaction under the migrations' lock, like [`Self::migrate`].
    pub async fn rollback(&self, steps: u32) -> Result<Vec<String>, DbErr> {
        let newest = |applied: Vec<String>| applied.into_iter().rev().take(steps as usize).collect();
        if self.backend() != DbBackend::Postgres {
            let applied = applied_names(&self.conn).await?;
            Migrator::down(&self.conn, Some(steps)).await?;
            return Ok(newest(applied));
        }
        let txn = self.begin_locked().await?;
        let applied = applied_names(&txn).await?;
        Migrator::down(&txn, Some(steps)).await?;
        txn.commit().await?;
        Ok(newest(applied))
    }

    /// Rolls every migration back, through their own `down`, and applies them all again: the
    /// schema as new, every row gone. Returns the names applied.
    pub async fn reset(&self) -> Result<Vec<String>, DbErr> {
        if self.backend() != DbBackend::Postgres {
            Migrator::refresh(&self.conn).await?;
            return applied_names(&self.conn).await;
        }
        let txn = self.begin_locked().await?;
        Migrator::refresh(&txn).await?;
        let applied = applied_names(&txn).await?;
        txn.commit().await?;
        Ok(applied)
    }

    /// A transaction holding the migrations' advisory lock (PostgreSQL).
    async fn begin_locked(&self) -> Result<DatabaseTransaction, DbErr> {
        let txn = self.conn.begin().await?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")).await?;
        Ok(txn)
    }

    /// Every migration the service knows, with whether it is applied.
    pub async fn migration_status(&self) -> Result<Vec<(String, bool)>, DbErr> {
        let migrations = Migrator::get_migration_with_status(&self.conn).await?;
        Ok(migrations.iter().map(|m| (m.name().to_owned(), m.status() == MigrationStatus::Applied)).collect())
    }

    /// True when the database answers `SELECT 1` within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        let query = Statement::from_string(self.backend(), "SELECT 1");
        matches!(tokio::time::timeout(timeout, self.conn.execute_raw(query)).await, Ok(Ok(_)))
    }

    /// The pool's occupancy; `None` on a backend this service does not connect to.
    pub fn pool_stats(&self) -> Option<PoolStats> {
        // The getters panic on the other backend, hence the match.
        match self.backend() {
            DbBackend::Postgres => Some(stats_of(self.conn.get_postgres_connection_pool())),
            DbBackend::Sqlite => Some(stats_of(self.conn.get_sqlite_connection_pool())),
            _ => None,
        }
    }

    /// Which database this is: SQLite or PostgreSQL.
    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Where every credential or session write starts: each evicts what it changed.
    fn writes(&self) -> Writes {
        Writes::new(self.conn.clone(), self.cache.clone())
    }

    /// The users, evicting from the session cache what their writes change.
    pub fn users(&self) -> Arc<SeaUserRepository> {
        Arc::new(SeaUserRepository::new(self.writes()))
    }

    /// The sessions, behind this database's session cache where it has one (PostgreSQL).
    pub fn sessions(&self) -> Arc<dyn SessionRepository> {
        let table = SeaSessionRepository::new(self.writes());
        match &self.cache {
            Some(cache) => Arc::new(CachedSessionRepository::new(table, cache.clone())),
            None => Arc::new(table),
        }
    }

    /// The provider accounts linked to users.
    pub fn oauth_accounts(&self) -> Arc<SeaOAuthAccountRepository> {
        Arc::new(SeaOAuthAccountRepository::new(self.conn.clone()))
    }

    /// The writes that conclude an OAuth sign-in, evicting from the session cache as needed.
    pub fn oauth_sign_ins(&self) -> Arc<SeaOAuthSignInStore> {
        Arc::new(SeaOAuthSignInStore::new(self.writes()))
    }

    /// The OAuth `state` values already used, so that each is accepted once.
    pub fn oauth_states(&self) -> Arc<SeaOAuthStateStore> {
        Arc::new(SeaOAuthStateStore::new(self.conn.clone()))
    }

    /// The mail waiting to be sent, and the links it carries.
    pub fn passkeys(&self) -> Arc<SeaPasskeys> {
        Arc::new(SeaPasskeys::new(self.writes()))
    }

    pub fn mail_outbox(&self) -> Arc<SeaMailOutbox> {
        Arc::new(SeaMailOutbox::new(self.conn.clone()))
    }

    /// What mail links do when used (a reset, a verification), evicting from the session cache
    /// what they change.
    pub fn link_uses(&self) -> Arc<SeaLinkUses> {
        Arc::new(SeaLinkUses::new(self.writes()))
    }

    /// The pool itself, for tests that write or inspect rows directly. The service reaches
    /// the database only through the repositories, so that every write evicts what it must.
    #[cfg(any(test, feature = "test-support"))]
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Whether authenticated lookups are being answered from memory right now.
    pub fn session_cache_live(&self) -> bool {
        self.cache.as_ref().is_some_and(|cache| cache.is_live())
    }

    /// Waits for checked-out connections to return, then closes the pool.
    pub async fn close(self) -> Result<(), DbErr> {
        // Stopped here, not with the last clone: it would otherwise retry a closed pool.
        if let Some(listener) = &self.listener {
            listener.0.abort();
        }
        self.conn.close().await
    }
}

fn stats_of<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> PoolStats {
    PoolStats {
        size: pool.size(),
        idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        max: pool.options().get_max_connections(),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::TestDatabase;

    #[tokio::test]
    async fn pool_stats_count_open_connections_against_the_limit() {
        let db = TestDatabase::fresh().await;
        let stats = db.database.pool_stats().expect("an SQLite or PostgreSQL pool");
        assert_eq!(stats.max, 16);
        assert!(stats.size >= 1 && stats.idle <= stats.size, "{stats:?}");
    }
}
