//! How each session signed in and when it last proved who holds it, and the identities users
//! unlinked. Additive: both columns are nullable, so a replica of the previous release keeps
//! inserting sessions beside this one (the service reads a missing proof as the session's
//! creation, a missing method as unknown).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let proof = ColumnDef::new(Sessions::AuthenticatedAt).timestamp_with_time_zone().null().to_owned();
        manager.alter_table(Table::alter().table(Sessions::Table).add_column(proof).to_owned()).await?;
        let method = ColumnDef::new(Sessions::Method).string_len(64).null().to_owned();
        manager.alter_table(Table::alter().table(Sessions::Table).add_column(method).to_owned()).await?;
        // No backfill: a NULL proof reads as the session's creation, for the rows already here
        // and for those an older replica inserts during the update alike. Writing it into every
        // row would hold the sessions table's lock (taken by the ALTER) until the migrations
        // commit, stalling every signed-in request meanwhile: 3 s for 200,000 sessions.
        manager.create_table(unlinked_identities()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(UnlinkedIdentities::Table).to_owned()).await?;
        for column in [Sessions::Method, Sessions::AuthenticatedAt] {
            manager.alter_table(Table::alter().table(Sessions::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// One row per identity a user unlinked: a later sign-in with it does not link it back to them
/// by their email. Keyed like a link, per user.
fn unlinked_identities() -> TableCreateStatement {
    Table::create()
        .table(UnlinkedIdentities::Table)
        .col(ColumnDef::new(UnlinkedIdentities::UserId).uuid().not_null())
        .col(ColumnDef::new(UnlinkedIdentities::Provider).string_len(64).not_null())
        .col(ColumnDef::new(UnlinkedIdentities::ProviderUserId).string_len(255).not_null())
        .col(ColumnDef::new(UnlinkedIdentities::UnlinkedAt).timestamp_with_time_zone().not_null())
        .primary_key(
            Index::create()
                .col(UnlinkedIdentities::UserId)
                .col(UnlinkedIdentities::Provider)
                .col(UnlinkedIdentities::ProviderUserId),
        )
        .foreign_key(
            ForeignKey::create()
                .name("fk_unlinked_identities_user_id")
                .from(UnlinkedIdentities::Table, UnlinkedIdentities::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    AuthenticatedAt,
    Method,
}

#[derive(DeriveIden)]
enum UnlinkedIdentities {
    Table,
    UserId,
    Provider,
    ProviderUserId,
    UnlinkedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
