//! Passkeys: adding one under the user's lock, recording each use only while its counter moves
//! forward, and the session or proof a use gives, in the same transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use uuid::Uuid;
use yoshikosan_domain::passkey::{
    CredentialId, Passkey, PasskeyAdded, PasskeyAddition, PasskeyId, PasskeyName, PasskeyRepository, PasskeyUse,
    UseRecorded,
};
use yoshikosan_domain::ports::StoreError;
use yoshikosan_domain::{Session, SessionId, UserId};

use crate::account_lock::{Expect, lock_user, session_is_valid};
use crate::entities::{passkeys, sessions};
use crate::errors::{is_unique_violation, store_error};
use crate::mail_outbox::insert_job;
use crate::rows::{passkey_row, session_row, to_passkey};
use crate::unit_of_work::{Changed, Writes};

/// The account proved its address: its passkeys added before are its own, not a squatter's
/// that a claim would have removed.
pub(crate) async fn address_proven<C: ConnectionTrait>(conn: &C, user: Uuid) -> Result<(), DbErr> {
    passkeys::Entity::update_many()
        .col_expr(passkeys::Column::AddressUnproven, Expr::value(false))
        .filter(passkeys::Column::UserId.eq(user))
        .exec(conn)
        .await?;
    Ok(())
}

/// How many passkeys the user has: one of their ways in.
pub(crate) async fn count<C: ConnectionTrait>(conn: &C, user: Uuid) -> Result<u32, DbErr> {
    let count = passkeys::Entity::find().filter(passkeys::Column::UserId.eq(user)).count(conn).await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

#[derive(Debug, Clone)]
pub struct SeaPasskeys {
    writes: Writes,
}

impl SeaPasskeys {
    pub(crate) fn new(writes: Writes) -> Self {
        Self { writes }
    }
}

/// Records the use while the passkey exists and no higher counter was recorded meanwhile (a
/// counter of 0 is an authenticator that keeps none). Tells which of the two failed.
async fn record_use(txn: &DatabaseTransaction, used: &PasskeyUse) -> Result<UseRecorded, DbErr> {
    let id = passkeys::Column::Id.eq(used.passkey_id.as_uuid());
    let owner = passkeys::Column::UserId.eq(used.user_id.as_uuid());
    let count = i64::from(used.assertion.sign_count);
    let forward = match count {
        0 => Condition::all().add(passkeys::Column::SignCount.eq(0)),
        _ => Condition::all().add(passkeys::Column::SignCount.lt(count)),
    };
    let updated = passkeys::Entity::update_many()
        .col_expr(passkeys::Column::SignCount, Expr::value(count))
        .col_expr(passkeys::Column::Credential, Expr::value(used.assertion.credential.as_str()))
        .col_expr(passkeys::Column::BackedUp, Expr::value(used.assertion.backed_up))
        .col_expr(passkeys::Column::LastUsedAt, Expr::value(used.at))
        .filter(id.clone())
        .filter(owner.clone())
        .filter(forward)
        .exec(txn)
        .await?;
    if updated.rows_affected == 1 {
        return Ok(UseRecorded::Done);
    }
    let exists = passkeys::Entity::find().filter(id).filter(owner).count(txn).await? > 0;
    Ok(if exists { UseRecorded::CounterWentBackwards } else { UseRecorded::Gone })
}

#[async_trait]
impl PasskeyRepository for SeaPasskeys {
    async fn list(&self, user_id: UserId) -> Result<Vec<Passkey>, StoreError> {
        let rows = passkeys::Entity::find()
            .filter(passkeys::Column::UserId.eq(user_id.as_uuid()))
            .order_by_asc(passkeys::Column::CreatedAt)
            .order_by_asc(passkeys::Column::Id)
            .all(self.writes.conn())
            .await
            .map_err(store_error)?;
        Ok(rows.into_iter().map(to_passkey).collect())
    }

    async fn find_by_credential(&self, id: &CredentialId) -> Result<Option<Passkey>, StoreError> {
        let row = passkeys::Entity::find()
            .filter(passkeys::Column::CredentialId.eq(id.as_str()))
            .one(self.writes.conn())
            .await
            .map_err(store_error)?;
        Ok(row.map(to_passkey))
    }

    async fn add(&self, addition: &PasskeyAddition) -> Result<PasskeyAdded, StoreError> {
        let work = self.writes.begin().await.map_err(store_error)?;
        let txn = work.txn();
        let user = addition.passkey.user_id;
        // Under the user's lock, so a claim or a reset (which revoke this session and remove
        // every passkey) is wholly before or wholly after it.
        if !lock_user(txn, user, Expect::Exists, vec![]).await.map_err(store_error)?
            || !session_is_valid(txn, user, addition.keep, addition.now).await.map_err(store_error)?
        {
            return Ok(PasskeyAdded::SessionEnded);
        }
        match passkey_row(&addition.passkey).insert(txn).await {
            Ok(_) => {}
            Err(error) if is_unique_violation(&error) => return Ok(PasskeyAdded::Exists),
            Err(error) => return Err(store_error(error)),
        }
        if let Some(notice) = &addition.notice {
            insert_job(txn, notice, addition.now).await.map_err(store_error)?;
        }
        // The account's ways in changed: a cached copy of the user would still lack it.
        work.commit(Changed::Accounts).await.map_err(store_error)?;
        Ok(PasskeyAdded::Done)
    }

    async fn rename(&self, user_id: UserId, id: PasskeyId, name: &PasskeyName) -> Result<Option<Passkey>, StoreError> {
        let conn = self.writes.conn();
        let owned = Condition::all()
            .add(passkeys::Column::Id.eq(id.as_uuid()))
            .add(passkeys::Column::UserId.eq(user_id.as_uuid()));
        // A label only: nothing a session check reads.
        passkeys::Entity::update_many()
            .col_expr(passkeys::Column::Name, Expr::value(name.as_str()))
            .filter(owned.clone())
            .exec(conn)
            .await
            .map_err(store_error)?;
        let row = passkeys::Entity::find().filter(owned).one(conn).await.map_err(store_error)?;
        Ok(row.map(to_passkey))
    }

    async fn sign_in(
        &self,
        used: &PasskeyUse,
        session: &Session,
        replaces: Option<SessionId>,
    ) -> Result<UseRecorded, StoreError> {
        let work = self.writes.begin().await.map_err(store_error)?;
        let txn = work.txn();
        let recorded = record_use(txn, used).await.map_err(store_error)?;
        if recorded != UseRecorded::Done {
            return Ok(recorded);
        }
        if let Some(replaced) = replaces {
            sessions::Entity::delete_by_id(replaced.as_uuid()).exec(txn).await.map_err(store_error)?;
        }
        session_row(session).insert(txn).await.map_err(store_error)?;
        let changed = replaces.map_or(Changed::NewRows, |replaced| Changed::Session(replaced.as_uuid()));
        work.commit(changed).await.map_err(store_error)?;
        Ok(UseRecorded::Done)
    }

    async fn reauthenticate(&self, used: &PasskeyUse, session_id: SessionId) -> Result<UseRecorded, StoreError> {
        let work = self.writes.begin().await.map_err(store_error)?;
        let txn = work.txn();
        let recorded = record_use(txn, used).await.map_err(store_error)?;
        if recorded != UseRecorded::Done {
            return Ok(recorded);
        }
        if !record_proof(txn, used.user_id, session_id, used.at).await.map_err(store_error)? {
            return Ok(UseRecorded::SessionEnded);
        }
        work.commit(Changed::Session(session_id.as_uuid())).await.map_err(store_error)?;
        Ok(UseRecorded::Done)
    }
}

async fn record_proof(
    txn: &DatabaseTransaction,
    user_id: UserId,
    id: SessionId,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = sessions::Entity::update_many()
        .col_expr(sessions::Column::AuthenticatedAt, Expr::value(at))
        .filter(sessions::Column::Id.eq(id.as_uuid()))
        .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
        .filter(sessions::Column::ExpiresAt.gt(at))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected == 1)
}
