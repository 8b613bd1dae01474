//! The issuer each provider link was made under: an OpenID Connect `sub` is unique only per
//! issuer. Additive: the column is nullable, so a replica of the previous release keeps
//! inserting links beside this one (a link without an issuer is taken as the current issuer's,
//! and is given it at its next sign-in).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An issuer is a URL; 2048 bytes is more than any real one and bounds the row.
        let issuer = ColumnDef::new(OauthAccounts::Issuer).string_len(2048).null().to_owned();
        manager.alter_table(Table::alter().table(OauthAccounts::Table).add_column(issuer).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = Table::alter().table(OauthAccounts::Table).drop_column(OauthAccounts::Issuer).to_owned();
        manager.alter_table(drop).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

#[derive(DeriveIden)]
enum OauthAccounts {
    Table,
    Issuer,
}
