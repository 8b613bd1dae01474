use async_trait::async_trait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use yoshikosan_domain::ports::{OAuthAccountRepository, StoreError};
use yoshikosan_domain::{OAuthAccount, OAuthProvider, UserId};

use crate::entities::oauth_accounts;
use crate::errors::store_error;

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
        provider: OAuthProvider,
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

fn to_account(row: oauth_accounts::Model) -> Result<OAuthAccount, StoreError> {
    let provider = OAuthProvider::parse(&row.provider)
        .ok_or_else(|| StoreError::Unexpected(format!("oauth account {} has unknown provider", row.id)))?;
    Ok(OAuthAccount {
        id: row.id,
        user_id: UserId::from_uuid(row.user_id),
        provider,
        provider_user_id: row.provider_user_id,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
