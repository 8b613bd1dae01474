use std::sync::Arc;

use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};
use yoshikosan_domain::ports::{
    AccountChange, AccountWrite, CommitError, ExistingAccount, OAuthSignInStore, OAuthSignInWrite,
};

use crate::account_lock::{Expect, lock_user, session_is_valid};
use crate::entities::{oauth_accounts, sessions, users};
use crate::errors::{is_unique_violation, store_error};
use crate::rows::{link_row, session_row, user_row};
use crate::session_cache::SessionCache;

/// An OAuth sign-in's account change, new link and session, written in one transaction.
#[derive(Debug, Clone)]
pub struct SeaOAuthSignInStore {
    conn: DatabaseConnection,
    /// Evicted after writes that change sessions or users inside this store's own
    /// transactions, which the cached session repository never sees. `None` where there is
    /// no cache (SQLite).
    cache: Option<Arc<SessionCache>>,
}

impl SeaOAuthSignInStore {
    pub(crate) fn new(conn: DatabaseConnection, cache: Option<Arc<SessionCache>>) -> Self {
        Self { conn, cache }
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
        let changed_user = match &write.account {
            AccountWrite::Create(user) => {
                user_row(user).insert(&txn).await.map_err(commit_error)?;
                false
            }
            AccountWrite::Existing(existing) => {
                apply(&txn, existing).await?;
                existing.change != AccountChange::None || write.new_link.is_some()
            }
        };
        if let Some(link) = &write.new_link {
            link_row(link).insert(&txn).await.map_err(commit_error)?;
        }
        if let Some(replaced) = write.replaces {
            sessions::Entity::delete_by_id(replaced.as_uuid()).exec(&txn).await.map_err(store_error)?;
        }
        if let Some(session) = &write.session {
            session_row(session).insert(&txn).await.map_err(store_error)?;
        }
        txn.commit().await.map_err(store_error)?;
        // What this instance remembers of the user (links, verified, sessions after a claim) is
        // stale now; other instances hear of it from the triggers.
        if let Some(cache) = &self.cache {
            if changed_user {
                cache.forget_all();
            } else if let Some(replaced) = write.replaces {
                cache.forget_session(replaced.as_uuid());
            }
        }
        Ok(())
    }
}

/// Locks the account, checks that the decision still holds, and applies its change.
async fn apply(txn: &DatabaseTransaction, account: &ExistingAccount) -> Result<(), CommitError> {
    let now = Expr::value(account.now);
    let changes = match account.change {
        AccountChange::None => Vec::new(),
        AccountChange::MarkVerified => {
            vec![(users::Column::EmailVerified, Expr::value(true)), (users::Column::UpdatedAt, now)]
        }
        AccountChange::Claim => vec![
            (users::Column::PasswordHash, Expr::value(Option::<String>::None)),
            (users::Column::EmailVerified, Expr::value(true)),
            (users::Column::UpdatedAt, now),
        ],
    };
    let expect = Expect::EmailVerified(account.email_verified);
    if !lock_user(txn, account.user_id, expect, changes).await.map_err(store_error)? {
        return Err(CommitError::Conflict);
    }
    let user_id = account.user_id.as_uuid();
    if let Some(link) = account.through_link {
        let found = oauth_accounts::Entity::find_by_id(link)
            .filter(oauth_accounts::Column::UserId.eq(user_id))
            .one(txn)
            .await
            .map_err(store_error)?;
        if found.is_none() {
            return Err(CommitError::Conflict);
        }
    }
    if let Some(session) = account.started_by
        && !session_is_valid(txn, account.user_id, session, account.now).await.map_err(store_error)?
    {
        return Err(CommitError::SessionEnded);
    }
    if account.change != AccountChange::Claim {
        return Ok(());
    }
    oauth_accounts::Entity::delete_many()
        .filter(oauth_accounts::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(store_error)?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(store_error)?;
    Ok(())
}
