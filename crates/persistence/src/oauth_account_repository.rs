use async_trait::async_trait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use yoshikosan_domain::ports::{OAuthAccountRepository, StoreError};
use yoshikosan_domain::{OAuthAccount, ProviderId};

use crate::entities::oauth_accounts;
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
}
