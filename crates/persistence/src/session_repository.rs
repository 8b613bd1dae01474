use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use yoshikosan_domain::ports::{SessionRepository, StoreError};
use yoshikosan_domain::{PasswordHash, Session, SessionId, SessionProof, User, UserId};

use crate::account_lock::{Expect, lock_user};
use crate::entities::sessions;
use crate::errors::store_error;
use crate::rows::{session_row, to_session};
use crate::session_lookup::find_session_with_user;
use crate::unit_of_work::{Changed, Writes};

/// The sessions table, read straight through: every call is a query. Its writes go through
/// [`Writes`], which evicts what they change from the session cache;
/// [`crate::Database::sessions`] puts that cache in front of the reads where there is one.
#[derive(Debug, Clone)]
pub struct SeaSessionRepository {
    writes: Writes,
}

impl SeaSessionRepository {
    pub(crate) fn new(writes: Writes) -> Self {
        Self { writes }
    }
}

#[async_trait]
impl SessionRepository for SeaSessionRepository {
    async fn create(&self, session: &Session) -> Result<(), StoreError> {
        let insert = session_row(session).insert(self.writes.conn());
        self.writes.statement(Changed::NewRows, insert).await.map_err(store_error)?;
        Ok(())
    }

    async fn create_for_password(&self, session: &Session, verified: &PasswordHash) -> Result<bool, StoreError> {
        let work = self.writes.begin().await.map_err(store_error)?;
        let expect = Expect::Password(Some(verified));
        if !lock_user(work.txn(), session.user_id, expect, Vec::new()).await.map_err(store_error)? {
            return Ok(false);
        }
        session_row(session).insert(work.txn()).await.map_err(store_error)?;
        work.commit(Changed::NewRows).await.map_err(store_error)?;
        Ok(true)
    }

    async fn find_with_user(&self, id: SessionId) -> Result<Option<(Session, User)>, StoreError> {
        find_session_with_user(self.writes.conn(), id).await
    }

    async fn delete(&self, id: SessionId) -> Result<(), StoreError> {
        let delete = sessions::Entity::delete_by_id(id.as_uuid()).exec(self.writes.conn());
        self.writes.statement(Changed::Session(id.as_uuid()), delete).await.map_err(store_error)?;
        Ok(())
    }

    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> Result<Vec<Session>, StoreError> {
        let rows = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .filter(sessions::Column::ExpiresAt.gt(now))
            .order_by_desc(sessions::Column::CreatedAt)
            .order_by_desc(sessions::Column::Id)
            .all(self.writes.conn())
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(to_session).collect())
    }

    async fn delete_owned(&self, user_id: UserId, id: SessionId) -> Result<bool, StoreError> {
        // One statement, so a session cannot change hands between a check and the delete.
        let delete = sessions::Entity::delete_many()
            .filter(sessions::Column::Id.eq(id.as_uuid()))
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .exec(self.writes.conn());
        let result = self.writes.statement(Changed::Session(id.as_uuid()), delete).await.map_err(store_error)?;
        Ok(result.rows_affected > 0)
    }

    async fn delete_all(&self, user_id: UserId) -> Result<u64, StoreError> {
        let delete = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .exec(self.writes.conn());
        let result = self.writes.statement(Changed::Accounts, delete).await.map_err(store_error)?;
        Ok(result.rows_affected)
    }

    async fn find_proof(&self, user_id: UserId, id: SessionId) -> Result<Option<SessionProof>, StoreError> {
        let row = sessions::Entity::find_by_id(id.as_uuid())
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .one(self.writes.conn())
            .await
            .map_err(store_error)?;
        Ok(row.map(|row| SessionProof {
            authenticated_at: row.authenticated_at.unwrap_or(row.created_at),
            expires_at: row.expires_at,
        }))
    }

    async fn record_proof(&self, user_id: UserId, id: SessionId, at: DateTime<Utc>) -> Result<bool, StoreError> {
        let update = sessions::Entity::update_many()
            .col_expr(sessions::Column::AuthenticatedAt, Expr::value(at))
            .filter(sessions::Column::Id.eq(id.as_uuid()))
            .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
            .filter(sessions::Column::ExpiresAt.gt(at))
            .exec(self.writes.conn());
        // Decisions read the proof from the row; the cached copy is forgotten so nothing shows
        // an older one.
        let result = self.writes.statement(Changed::Session(id.as_uuid()), update).await.map_err(store_error)?;
        Ok(result.rows_affected == 1)
    }

    async fn touch(&self, id: SessionId, at: DateTime<Utc>) -> Result<(), StoreError> {
        // Never moves backwards, whichever of two concurrent requests writes last.
        let update = sessions::Entity::update_many()
            .col_expr(sessions::Column::LastSeenAt, Expr::value(at))
            .filter(sessions::Column::Id.eq(id.as_uuid()))
            .filter(sessions::Column::LastSeenAt.lt(at))
            .exec(self.writes.conn());
        self.writes.statement(Changed::LastSeen(id, at), update).await.map_err(store_error)?;
        Ok(())
    }

    async fn delete_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let delete =
            sessions::Entity::delete_many().filter(sessions::Column::ExpiresAt.lte(now)).exec(self.writes.conn());
        let result = self.writes.statement(Changed::ExpiredSessions, delete).await.map_err(store_error)?;
        Ok(result.rows_affected)
    }
}
