use std::sync::Arc;

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
use crate::session_cache::SessionCache;
use crate::session_lookup::find_session_with_user;

#[derive(Debug, Clone)]
pub struct SeaSessionRepository {
    conn: DatabaseConnection,
    cache: Option<Arc<SessionCache>>,
}

impl SeaSessionRepository {
    /// `cache`: only one whose entries every change reaches, as [`crate::Database`] builds it.
    pub(crate) fn new(conn: DatabaseConnection, cache: Option<Arc<SessionCache>>) -> Self {
        Self { conn, cache }
    }

    /// This process's own revocations take effect here at once, before their notification.
    fn forget(&self, id: SessionId) {
        if let Some(cache) = &self.cache {
            cache.forget_session(id.as_uuid());
        }
    }

    fn forget_all(&self) {
        if let Some(cache) = &self.cache {
            cache.forget_all();
        }
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
        let Some(cache) = &self.cache else { return find_session_with_user(&self.conn, id).await };
        if let Some(found) = cache.get(id) {
            return Ok(Some(found));
        }
        let ticket = cache.ticket();
        let found = find_session_with_user(&self.conn, id).await?;
        if let Some(found) = &found {
            cache.keep(ticket, found);
        }
        Ok(found)
    }

    async fn delete(&self, id: SessionId) -> Result<(), StoreError> {
        sessions::Entity::delete_by_id(id.as_uuid()).exec(&self.conn).await.map_err(store_error)?;
        // After the commit: a lookup racing the delete cannot then keep the old row.
        self.forget(id);
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
        self.forget(id);
        Ok(result.rows_affected > 0)
    }

    async fn delete_all(&self, user_id: UserId) -> Result<u64, StoreError> {
        let result = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        self.forget_all();
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
        if let Some(cache) = &self.cache {
            cache.touched(id, at);
        }
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
