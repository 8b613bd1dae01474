//! Mail links and the mail outbox. Additive: new tables only, which a replica of the previous
//! release never reads.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(link_tokens()).await?;
        let by_user = Index::create()
            .name("idx_link_tokens_user_purpose")
            .table(LinkTokens::Table)
            .col(LinkTokens::UserId)
            .col(LinkTokens::Purpose)
            .to_owned();
        manager.create_index(by_user).await?;
        manager.create_table(mail_outbox()).await?;
        let due = Index::create()
            .name("idx_mail_outbox_next_attempt_at")
            .table(MailOutbox::Table)
            .col(MailOutbox::NextAttemptAt)
            .to_owned();
        manager.create_index(due).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MailOutbox::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(LinkTokens::Table).to_owned()).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// The links sent by mail, by the SHA-256 of their token: single use, one purpose each.
fn link_tokens() -> TableCreateStatement {
    Table::create()
        .table(LinkTokens::Table)
        .col(ColumnDef::new(LinkTokens::TokenHash).string_len(64).not_null().primary_key())
        .col(ColumnDef::new(LinkTokens::UserId).uuid().not_null())
        .col(ColumnDef::new(LinkTokens::Purpose).string_len(32).not_null())
        .col(ColumnDef::new(LinkTokens::Email).string_len(320).not_null())
        .col(ColumnDef::new(LinkTokens::CreatedAt).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(LinkTokens::ExpiresAt).timestamp_with_time_zone().not_null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_link_tokens_user_id")
                .from(LinkTokens::Table, LinkTokens::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

/// Mail waiting to be sent. A row is leased by one sender at a time (`locked_until`) and goes
/// once it is sent or given up.
fn mail_outbox() -> TableCreateStatement {
    Table::create()
        .table(MailOutbox::Table)
        .col(ColumnDef::new(MailOutbox::Id).uuid().not_null().primary_key())
        .col(ColumnDef::new(MailOutbox::Kind).string_len(64).not_null())
        .col(ColumnDef::new(MailOutbox::Recipient).string_len(320).not_null())
        .col(ColumnDef::new(MailOutbox::UserId).uuid().null())
        .col(ColumnDef::new(MailOutbox::SealedToken).text().null())
        .col(ColumnDef::new(MailOutbox::LinkExpiresAt).timestamp_with_time_zone().null())
        .col(ColumnDef::new(MailOutbox::CreatedAt).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(MailOutbox::NextAttemptAt).timestamp_with_time_zone().not_null())
        .col(ColumnDef::new(MailOutbox::LockedUntil).timestamp_with_time_zone().null())
        .col(ColumnDef::new(MailOutbox::Attempts).integer().not_null().default(0))
        // A notice's kind of change, and the browser and address that made it.
        .col(ColumnDef::new(MailOutbox::Detail).string_len(600).null())
        .col(ColumnDef::new(MailOutbox::ClientIp).string_len(64).null())
        .col(ColumnDef::new(MailOutbox::UserAgent).text().null())
        .foreign_key(
            ForeignKey::create()
                .name("fk_mail_outbox_user_id")
                .from(MailOutbox::Table, MailOutbox::UserId)
                .to(Users::Table, Users::Id)
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[derive(DeriveIden)]
enum LinkTokens {
    Table,
    TokenHash,
    UserId,
    Purpose,
    Email,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum MailOutbox {
    Table,
    Id,
    Kind,
    Recipient,
    UserId,
    SealedToken,
    LinkExpiresAt,
    CreatedAt,
    NextAttemptAt,
    LockedUntil,
    Attempts,
    Detail,
    ClientIp,
    UserAgent,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}
