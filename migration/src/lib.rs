//! The database schema of the Yoshikosan auth service, as reversible SeaORM migrations that run
//! unchanged on SQLite and PostgreSQL.
#![forbid(unsafe_code)]

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_auth_tables;

/// Where the service and this CLI keep their data when `DATABASE_URL` is not set: an SQLite file
/// in the working directory, created on first use, so nothing else needs installing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://yoshikosan.db?mode=rwc";

#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20261122_000001_create_auth_tables::Migration)]
    }
}
