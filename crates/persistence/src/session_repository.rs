use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use yoshikosan_domain::ports::{SessionRepository, StoreError};
use yoshikosan_domain::{PasswordHash, Session, SessionId, User, UserId};

use crate::account_lock::{Expect, lock_user};
use crate::entities::sessions;
use crate::errors::store_error;
use crate::rows::{session_row, to_session};
use crate::session_lookup::find_session_with_user;

/// The sessions table, read and written straight through: every call is a query.
/// [`crate::Database::sessions`] puts the session cache in front of it where there is one.
#[derive(Debug, Clone)]
pub struct SeaSessionRepository {
    conn: DatabaseConnection,
}

impl SeaSessionRepository {
    pub(crate) fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

#[async_trait]
impl SessionRepository for SeaSessionRepository {
    async fn create(&self, session: &Session) -> Result<(), StoreError> {
        session_row(session).insert(&self.conn).await.map_err(store_error)?;
        Ok(())
    }

    async fn create_for_password(&self, session: &Session, verified: &PasswordHash) -> Result<bool, StoreError> {
        let txn = self.conn.begin().await.map_err(store_error)?;
        let expect = Expect::Password(Some(verified));
        if !lock_user(&txn, session.user_id, expect, Vec::new()).await.map_err(store_error)? {
            return Ok(false);
        }
        session_row(session).insert(&txn).await.map_err(store_error)?;
        txn.commit().await.map_err(store_error)?;
        Ok(true)
    }

    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, StoreError> {
        find_session_with_user(&self.conn, id).await
    }

    async fn delete(&self, id: SessionId) -> Result<(), StoreError> {
        sessions::Entity::delete_by_id(id.as_uuid()).exec(&self.conn).await.map_err(store_error)?;
        Ok(())
    }

    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> Result<Vec<Session>, StoreError> {
        let rows = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .filter(sessions::Column::ExpiresAt.gt(now))
            .order_by_desc(sessions::Column::CreatedAt)
            .order_by_desc(sessions::Column::Id)
            .all(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(to_session).collect())
    }

    async fn delete_owned(&self, user_id: UserId, id: SessionId) -> Result<bool, StoreError> {
        // One statement, so a session cannot change hands between a check and the delete.
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::Id.eq(id.as_uuid()))
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(result.rows_affected > 0)
    }

    async fn delete_all(&self, user_id: UserId) -> Result<u64, StoreError> {
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(result.rows_affected)
    }

    async fn touch(&self, id: SessionId, at: DateTime<Utc>) -> Result<(), StoreError> {
        // Never moves backwards, whichever of two concurrent requests writes last.
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeenAt, Expr::value(at))
            .filter(sessions::Column::Id.eq(id.as_uuid()))
            .filter(sessions::Column::LastSeenAt.lt(at))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn delete_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lte(now))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(result.rows_affected)
    }
}
