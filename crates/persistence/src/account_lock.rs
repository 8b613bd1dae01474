//! The user row as the lock that serialises everything writing an account's credentials or
//! sessions: a claim, a password login, a link, a password change. Each takes it with its first
//! statement, which matches only while what the caller read still holds: an UPDATE, or on
//! PostgreSQL a `SELECT … FOR UPDATE` when there is nothing to write. On PostgreSQL a concurrent
//! locker of the row waits for the commit and then re-checks the condition on the new row; on
//! SQLite the first write takes the database's write lock.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;
use yoshikosan_domain::{PasswordHash, SessionId, UserId};

use crate::entities::{sessions, users};

/// What the row must still be for the lock to be taken.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expect<'a> {
    Password(Option<&'a PasswordHash>),
    EmailVerified(bool),
    /// Only that the user still exists.
    Exists,
}

/// Locks the user's row if it is still as `expect`ed, writing `changes` (none: the row is only
/// locked). False when the row no longer matches.
pub(crate) async fn lock_user<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    expect: Expect<'_>,
    changes: Vec<(users::Column, SimpleExpr)>,
) -> Result<bool, DbErr> {
    let id = users::Column::Id.eq(user_id.as_uuid());
    let expected = match expect {
        Expect::Password(Some(hash)) => users::Column::PasswordHash.eq(hash.as_str()),
        Expect::Password(None) => users::Column::PasswordHash.is_null(),
        Expect::EmailVerified(verified) => users::Column::EmailVerified.eq(verified),
        Expect::Exists => users::Column::Id.is_not_null(),
    };
    if changes.is_empty() && conn.get_database_backend() == DbBackend::Postgres {
        // A lock without a write: an UPDATE, even of nothing, would fire the change trigger and
        // empty every instance's session cache on each login.
        let locked: Option<Uuid> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(id)
            .filter(expected)
            .lock_exclusive()
            .into_tuple()
            .one(conn)
            .await?;
        return Ok(locked.is_some());
    }
    let mut update = users::Entity::update_many().filter(id).filter(expected);
    if changes.is_empty() {
        // SQLite: the first write of a transaction takes the database's write lock.
        update = update.col_expr(users::Column::UpdatedAt, Expr::col(users::Column::UpdatedAt));
    }
    for (column, value) in changes {
        update = update.col_expr(column, value);
    }
    Ok(update.exec(conn).await?.rows_affected == 1)
}

/// True when the user's session exists and has not expired at `now`.
pub(crate) async fn session_is_valid<C: ConnectionTrait>(
    conn: &C,
    user_id: UserId,
    id: SessionId,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let found: Option<Uuid> = sessions::Entity::find_by_id(id.as_uuid())
        .select_only()
        .column(sessions::Column::Id)
        .filter(sessions::Column::UserId.eq(user_id.as_uuid()))
        .filter(sessions::Column::ExpiresAt.gt(now))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(found.is_some())
}
