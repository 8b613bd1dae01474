use async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DbErr, TransactionTrait};
use yoshikosan_domain::OAuthAccount;
use yoshikosan_domain::ports::{CommitError, OAuthSignInStore, OAuthSignInWrite};

use crate::entities::oauth_accounts;
use crate::errors::{is_unique_violation, store_error};
use crate::session_repository::session_row;
use crate::user_repository::user_row;

#[derive(Debug, Clone)]
pub struct SeaOAuthSignInStore {
    conn: DatabaseConnection,
}

impl SeaOAuthSignInStore {
    pub fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

/// A unique violation on the user's email or the (provider, provider user id) link means a
/// concurrent sign-in wrote it first.
fn commit_error(error: DbErr) -> CommitError {
    if is_unique_violation(&error) { CommitError::Conflict } else { store_error(error).into() }
}

#[async_trait]
impl OAuthSignInStore for SeaOAuthSignInStore {
    async fn commit(&self, write: &OAuthSignInWrite) -> Result<(), CommitError> {
        let txn = self.conn.begin().await.map_err(store_error)?;
        if let Some(user) = &write.new_user {
            user_row(user).insert(&txn).await.map_err(commit_error)?;
        }
        if let Some(link) = &write.new_link {
            link_row(link).insert(&txn).await.map_err(commit_error)?;
        }
        session_row(&write.session).insert(&txn).await.map_err(store_error)?;
        txn.commit().await.map_err(store_error)?;
        Ok(())
    }
}

fn link_row(link: &OAuthAccount) -> oauth_accounts::ActiveModel {
    oauth_accounts::ActiveModel {
        id: Set(link.id),
        user_id: Set(link.user_id.as_uuid()),
        provider: Set(link.provider.as_str().to_owned()),
        provider_user_id: Set(link.provider_user_id.clone()),
        access_token: Set(link.encrypted_access_token.clone()),
        refresh_token: Set(link.encrypted_refresh_token.clone()),
        expires_at: Set(link.token_expires_at),
        created_at: Set(link.created_at),
        updated_at: Set(link.updated_at),
    }
}
