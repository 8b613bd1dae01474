use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use yoshikosan_domain::TokenHash;
use yoshikosan_domain::ports::{OAuthStateStore, StoreError};

use crate::entities::oauth_states;
use crate::errors::{is_unique_violation, store_error};

#[derive(Debug, Clone)]
pub struct SeaOAuthStateStore {
    conn: DatabaseConnection,
}

impl SeaOAuthStateStore {
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl OAuthStateStore for SeaOAuthStateStore {
    async fn consume(&self, state: &str, expires_at: DateTime<Utc>) -> Result<bool, StoreError> {
        // States are remembered only until they expire (the flow cookie dies then too); the
        // expired ones go here, where the table is written anyway.
        // With a margin past the expiry: another instance whose clock runs behind still
        // refuses what it takes for unexpired.
        oauth_states::Entity::delete_many()
            .filter(oauth_states::Column::ExpiresAt.lt(Utc::now() - chrono::Duration::minutes(5)))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        let row = oauth_states::ActiveModel {
            state_hash: Set(TokenHash::of(state).as_str().to_owned()),
            expires_at: Set(expires_at),
        };
        match row.insert(&self.conn).await {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(store_error(error)),
        }
    }
}
