//! The database schema of the Yoshikosan auth service, as reversible SeaORM migrations that run
//! unchanged on SQLite and PostgreSQL.

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_auth_tables;
mod m20261122_000002_create_oauth_states;
mod m20261123_000003_notify_session_changes;
mod m20261206_000004_session_proof;
mod m20261206_000005_mail;
mod m20261206_000006_passkeys;
mod m20261206_000007_link_issuers;

pub use m20261123_000003_notify_session_changes::CHANNEL as SESSION_CHANGES_CHANNEL;

/// Every trigger that announces a change a cached session depends on: the service keeps its
/// session cache off until all of them exist.
pub const SESSION_CHANGE_TRIGGERS: [&str; 4] = [
    m20261123_000003_notify_session_changes::TRIGGERS[0],
    m20261123_000003_notify_session_changes::TRIGGERS[1],
    m20261123_000003_notify_session_changes::TRIGGERS[2],
    m20261206_000006_passkeys::TRIGGER,
];

/// Where the service keeps its data when `DATABASE_URL` is not set: an SQLite file
/// in the working directory, created on first use, so nothing else needs installing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://yoshikosan.db?mode=rwc";

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_auth_tables::Migration),
            Box::new(m20261122_000002_create_oauth_states::Migration),
            Box::new(m20261123_000003_notify_session_changes::Migration),
            Box::new(m20261206_000004_session_proof::Migration),
            Box::new(m20261206_000005_mail::Migration),
            Box::new(m20261206_000006_passkeys::Migration),
            Box::new(m20261206_000007_link_issuers::Migration),
        ]
    }
}

#[cfg(test)]
mod tests {
    use sea_orm_migration::sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

    use super::*;

    async fn table_count(db: &DatabaseConnection) -> i64 {
        let sql = "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'sessions', 'oauth_accounts', 'oauth_states', 'unlinked_identities', 'link_tokens', 'mail_outbox', 'passkeys')";
        let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await.unwrap().unwrap();
        row.try_get("", "n").unwrap()
    }

    #[tokio::test]
    async fn every_migration_applies_and_rolls_back_cleanly() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(table_count(&db).await, 8);
        assert!(Migrator::get_pending_migrations(&db).await.unwrap().is_empty());
        Migrator::down(&db, None).await.unwrap();
        assert_eq!(table_count(&db).await, 0);
        Migrator::up(&db, None).await.unwrap();
        assert_eq!(table_count(&db).await, 8);
    }
}
