//! PostgreSQL triggers that announce, on the `yoshikosan_sessions` channel, every change that
//! can make a cached session or user stale, whoever makes it: a revocation by another instance
//! or an operator's `DELETE` in psql alike. Each instance listens and evicts. SQLite needs none:
//! its database belongs to one process.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// The channel the service listens on; the persistence crate names it too.
pub const CHANNEL: &str = "yoshikosan_sessions";

/// The triggers it creates: the service keeps its session cache off until all exist.
pub const TRIGGERS: [&str; 3] = ["sessions_notify_change", "users_notify_change", "oauth_accounts_notify_change"];

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE FUNCTION yoshikosan_notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('yoshikosan_sessions', 'session:' || OLD.id::text);
    RETURN NULL;
END $$;

CREATE FUNCTION yoshikosan_notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed uuid;
BEGIN
    IF TG_TABLE_NAME = 'users' THEN
        changed := OLD.id;
    ELSIF TG_OP = 'DELETE' THEN
        changed := OLD.user_id;
    ELSE
        changed := NEW.user_id;
    END IF;
    PERFORM pg_notify('yoshikosan_sessions', 'user:' || changed::text);
    RETURN NULL;
END $$;

-- `last_seen_at` is left out: its updates are frequent and make nothing stale.
CREATE TRIGGER sessions_notify_change
    AFTER DELETE OR UPDATE OF user_id, token_hash, expires_at ON sessions
    FOR EACH ROW EXECUTE FUNCTION yoshikosan_notify_session_change();

CREATE TRIGGER users_notify_change
    AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION yoshikosan_notify_user_change();

CREATE TRIGGER oauth_accounts_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON oauth_accounts
    FOR EACH ROW EXECUTE FUNCTION yoshikosan_notify_user_change();
"#;

const DOWN: &str = r#"
DROP TRIGGER IF EXISTS oauth_accounts_notify_change ON oauth_accounts;
DROP TRIGGER IF EXISTS users_notify_change ON users;
DROP TRIGGER IF EXISTS sessions_notify_change ON sessions;
DROP FUNCTION IF EXISTS yoshikosan_notify_user_change();
DROP FUNCTION IF EXISTS yoshikosan_notify_session_change();
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared(UP).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared(DOWN).await?;
        }
        Ok(())
    }
}
