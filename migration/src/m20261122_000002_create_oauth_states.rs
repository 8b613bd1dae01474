//! Consumed OAuth `state` values, kept until they expire so a callback cannot be replayed on any
//! instance sharing the database.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OAuthStates::Table)
                    // SHA-256 of the state, hex: the value itself is never stored.
                    .col(ColumnDef::new(OAuthStates::StateHash).string_len(64).not_null().primary_key())
                    .col(ColumnDef::new(OAuthStates::ExpiresAt).timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_states_expires_at")
                    .table(OAuthStates::Table)
                    .col(OAuthStates::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OAuthStates::Table).to_owned()).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum OAuthStates {
    #[sea_orm(iden = "oauth_states")]
    Table,
    StateHash,
    ExpiresAt,
}
