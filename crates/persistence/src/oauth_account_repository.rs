use async_trait::async_trait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use yoshikosan_domain::ports::{OAuthAccountRepository, StoreError};
use yoshikosan_domain::{OAuthAccount, ProviderId, UserId};

use crate::entities::{oauth_accounts, unlinked_identities};
use crate::errors::store_error;
use crate::rows::to_account;

#[derive(Debug, Clone)]
pub struct SeaOAuthAccountRepository {
    conn: DatabaseConnection,
}

impl SeaOAuthAccountRepository {
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }

    /// How many of `provider`'s links were made under each issuer other than `issuer`: links
    /// that sign no one in since the provider's issuer was changed. For the operator.
    pub async fn links_under_other_issuers(
        &self,
        provider: &ProviderId,
        issuer: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        oauth_accounts::Entity::find()
            .select_only()
            .column(oauth_accounts::Column::Issuer)
            .column_as(oauth_accounts::Column::Id.count(), "links")
            .filter(oauth_accounts::Column::Provider.eq(provider.as_str()))
            .filter(oauth_accounts::Column::Issuer.is_not_null())
            .filter(oauth_accounts::Column::Issuer.ne(issuer))
            .group_by(oauth_accounts::Column::Issuer)
            .order_by_asc(oauth_accounts::Column::Issuer)
            .into_tuple::<(String, i64)>()
            .all(&self.conn)
            .await
            .map_err(store_error)
    }

    /// How many of `provider`'s links have no issuer recorded yet (stored before issuers were,
    /// or by an older replica): each is taken as the current issuer's at its next sign-in.
    pub async fn links_without_issuer(&self, provider: &ProviderId) -> Result<u64, StoreError> {
        oauth_accounts::Entity::find()
            .filter(oauth_accounts::Column::Provider.eq(provider.as_str()))
            .filter(oauth_accounts::Column::Issuer.is_null())
            .count(&self.conn)
            .await
            .map_err(store_error)
    }
}

#[async_trait]
impl OAuthAccountRepository for SeaOAuthAccountRepository {
    async fn find_by_provider_user_id(
        &self,
        provider: &ProviderId,
        provider_user_id: &str,
    ) -> Result<Option<OAuthAccount>, StoreError> {
        let row = oauth_accounts::Entity::find()
            .filter(oauth_accounts::Column::Provider.eq(provider.as_str()))
            .filter(oauth_accounts::Column::ProviderUserId.eq(provider_user_id))
            .one(&self.conn)
            .await
            .map_err(store_error)?;
        row.map(to_account).transpose()
    }

    async fn was_unlinked_by(
        &self,
        user_id: UserId,
        provider: &ProviderId,
        provider_user_id: &str,
    ) -> Result<bool, StoreError> {
        let key = (user_id.as_uuid(), provider.as_str().to_owned(), provider_user_id.to_owned());
        let row = unlinked_identities::Entity::find_by_id(key).one(&self.conn).await.map_err(store_error)?;
        Ok(row.is_some())
    }
}
