//! Passkeys, and which passkey opened each session. Additive: a new table and a nullable
//! column, so a replica of the previous release keeps working beside this one (its sessions
//! have no passkey). On PostgreSQL the passkeys table joins the session-change triggers: adding
//! or removing one changes the account's ways in, which every replica's session cache holds.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// The trigger it creates, which the service waits for with the others before it caches.
pub const TRIGGER: &str = "passkeys_notify_change";

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = r#"
CREATE TRIGGER passkeys_notify_change
    AFTER INSERT OR DELETE ON passkeys
    FOR EACH ROW EXECUTE FUNCTION yoshikosan_notify_user_change();
"#;

const DOWN: &str = "DROP TRIGGER IF EXISTS passkeys_notify_change ON passkeys;";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(passkeys()).await?;
        manager
            .create_index(
                Index::create().name("idx_passkeys_user_id").table(Passkeys::Table).col(Passkeys::UserId).to_owned(),
            )
            .await?;
        let passkey = ColumnDef::new(Sessions::PasskeyId).uuid().null().to_owned();
        manager.alter_table(Table::alter().table(Sessions::Table).add_column(passkey).to_owned()).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared(UP).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared(DOWN).await?;
        }
        manager.alter_table(Table::alter().table(Sessions::Table).drop_column(Sessions::PasskeyId).to_owned()).await?;
        manager.drop_table(Table::drop().table(Passkeys::Table).to_owned()).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// One row per passkey. `credential` is what the relying party keeps to check signatures (the
/// public key, the counter, the flags), in its own encoding; `sign_count` repeats the counter
/// so that a use is recorded only while no higher one has been.
fn passkeys() -> TableCreateStatement {
    Table::create()
        .table(Passkeys::Table)
        .col(ColumnDef::new(Passkeys::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Passkeys::UserId).uuid().not_null())
        // Credential ids are at most 1023 bytes: 1364 characters of base64url.
        .col(ColumnDef::new(Passkeys::CredentialId).string_len(1400).not_null().unique_key())
        .col(ColumnDef::new(Passkeys::Credential).text().not_null())
        .col(ColumnDef::new(Passkeys::Name).string_len(255).not_null())
        .col(ColumnDef::new(Passkeys::SignCount).big_integer().not_null().default(0))
        .col(ColumnDef::new(Passkeys::BackedUp).boolean().not_null().default(false))
        .col(ColumnDef::new(Passkeys::AddressUnproven).boolean().not_null().default(false))
        .col(ColumnDef::new(Passkeys::CreatedAt).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(Passkeys::LastUsedAt).timestamp_with_time_zone().null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_passkeys_user_id")
                .from(Passkeys::Table, Passkeys::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[derive(DeriveIden)]
enum Passkeys {
    Table,
    Id,
    UserId,
    CredentialId,
    Credential,
    Name,
    SignCount,
    BackedUp,
    AddressUnproven,
    CreatedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    PasskeyId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
