use std::sync::Arc;
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

use crate::invalidation;
use crate::session_cache::SessionCache;
use crate::{
    SeaOAuthAccountRepository, SeaOAuthSignInStore, SeaOAuthStateStore, SeaSessionRepository, SeaUserRepository,
};

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

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// True when the database answers `SELECT 1` within `timeout`.
    pub async fn ping(&self, timeout: Duration) -> bool {
        let query = Statement::from_string(self.backend(), "SELECT 1");
        matches!(tokio::time::timeout(timeout, self.conn.execute_raw(query)).await, Ok(Ok(_)))
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub fn users(&self) -> Arc<SeaUserRepository> {
        Arc::new(SeaUserRepository::new(self.conn.clone(), self.cache.clone()))
    }

    pub fn sessions(&self) -> Arc<SeaSessionRepository> {
        Arc::new(SeaSessionRepository::new(self.conn.clone(), self.cache.clone()))
    }

    pub fn oauth_accounts(&self) -> Arc<SeaOAuthAccountRepository> {
        Arc::new(SeaOAuthAccountRepository::new(self.conn.clone()))
    }

    pub fn oauth_sign_ins(&self) -> Arc<SeaOAuthSignInStore> {
        Arc::new(SeaOAuthSignInStore::new(self.conn.clone(), self.cache.clone()))
    }

    pub fn oauth_states(&self) -> Arc<SeaOAuthStateStore> {
        Arc::new(SeaOAuthStateStore::new(self.conn.clone()))
    }

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
