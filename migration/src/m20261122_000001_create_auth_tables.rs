//! Users, their provider accounts, and their sessions.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(users()).await?;
        manager.create_table(oauth_accounts()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_oauth_accounts_user_id")
                    .table(OAuthAccounts::Table)
                    .col(OAuthAccounts::UserId)
                    .to_owned(),
            )
            .await?;
        manager.create_table(sessions()).await?;
        manager
            .create_index(
                Index::create().name("idx_sessions_user_id").table(Sessions::Table).col(Sessions::UserId).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_expires_at")
                    .table(Sessions::Table)
                    .col(Sessions::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Children first; dropping a table drops its indexes.
        manager.drop_table(Table::drop().table(Sessions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(OAuthAccounts::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Users::Table).to_owned()).await
    }

    fn use_transaction(&self) -> Option<bool> {
        // All or nothing, SQLite included: a failed migration leaves no half-made schema.
        Some(true)
    }
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).timestamp_with_time_zone().not_null().to_owned()
}

fn users() -> TableCreateStatement {
    Table::create()
        .table(Users::Table)
        .col(ColumnDef::new(Users::Id).uuid().not_null().primary_key())
        // Stored lower-case by the application, so a plain unique index is case-insensitive.
        .col(ColumnDef::new(Users::Email).string_len(254).not_null().unique_key())
        .col(ColumnDef::new(Users::Name).string_len(100).not_null())
        .col(ColumnDef::new(Users::AvatarUrl).text().null())
        .col(ColumnDef::new(Users::PasswordHash).string_len(128).null())
        .col(ColumnDef::new(Users::EmailVerified).boolean().not_null().default(false))
        .col(timestamp(Users::CreatedAt))
        .col(timestamp(Users::UpdatedAt))
        .to_owned()
}

fn oauth_accounts() -> TableCreateStatement {
    Table::create()
        .table(OAuthAccounts::Table)
        .col(ColumnDef::new(OAuthAccounts::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(OAuthAccounts::UserId).uuid().not_null())
        .col(ColumnDef::new(OAuthAccounts::Provider).string_len(32).not_null())
        .col(ColumnDef::new(OAuthAccounts::ProviderUserId).string_len(255).not_null())
        // Ciphertexts (nonce || AES-GCM output), never plain tokens.
        .col(ColumnDef::new(OAuthAccounts::AccessToken).blob().null())
        .col(ColumnDef::new(OAuthAccounts::RefreshToken).blob().null())
        .col(ColumnDef::new(OAuthAccounts::ExpiresAt).timestamp_with_time_zone().null())
        .col(timestamp(OAuthAccounts::CreatedAt))
        .col(timestamp(OAuthAccounts::UpdatedAt))
        .foreign_key(
            ForeignKey::create()
                .name("fk_oauth_accounts_user_id")
                .from(OAuthAccounts::Table, OAuthAccounts::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .index(
            Index::create()
                .name("uq_oauth_accounts_provider_user")
                .col(OAuthAccounts::Provider)
                .col(OAuthAccounts::ProviderUserId)
                .unique(),
        )
        .to_owned()
}

fn sessions() -> TableCreateStatement {
    Table::create()
        .table(Sessions::Table)
        .col(ColumnDef::new(Sessions::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
        .col(ColumnDef::new(Sessions::TokenHash).string_len(64).not_null().unique_key())
        .col(timestamp(Sessions::ExpiresAt))
        .col(timestamp(Sessions::CreatedAt))
        .col(timestamp(Sessions::LastSeenAt))
        .col(ColumnDef::new(Sessions::UserAgent).string_len(512).null())
        .col(ColumnDef::new(Sessions::Ip).string_len(45).null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_sessions_user_id")
                .from(Sessions::Table, Sessions::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    AvatarUrl,
    PasswordHash,
    EmailVerified,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OAuthAccounts {
    #[sea_orm(iden = "oauth_accounts")]
    Table,
    Id,
    UserId,
    Provider,
    ProviderUserId,
    AccessToken,
    RefreshToken,
    ExpiresAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    CreatedAt,
    LastSeenAt,
    UserAgent,
    Ip,
}
