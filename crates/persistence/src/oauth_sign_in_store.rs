use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use yoshikosan_domain::ports::{
    AccountChange, AccountWrite, CommitError, ExistingAccount, OAuthSignInStore, OAuthSignInWrite,
};

use crate::account_lock::{Expect, lock_user, session_is_valid};
use crate::entities::{oauth_accounts, sessions, unlinked_identities, users};
use crate::errors::{is_unique_violation, store_error};
use crate::link_uses::remove_for_claim;
use crate::mail_outbox::insert_job;
use crate::rows::{link_row, session_row, user_row};
use crate::unit_of_work::{Changed, Writes};

/// An OAuth sign-in's account change, new link and session, written in one transaction.
#[derive(Debug, Clone)]
pub struct SeaOAuthSignInStore {
    writes: Writes,
}

impl SeaOAuthSignInStore {
    pub(crate) fn new(writes: Writes) -> Self {
        Self { writes }
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
        let work = self.writes.begin().await.map_err(store_error)?;
        let txn = work.txn();
        let changed_user = match &write.account {
            AccountWrite::Create(user) => {
                user_row(user).insert(txn).await.map_err(commit_error)?;
                false
            }
            AccountWrite::Existing(existing) => {
                apply(txn, existing).await?;
                existing.change != AccountChange::None || write.new_link.is_some()
            }
        };
        if let Some(link) = &write.new_link {
            link_row(link).insert(txn).await.map_err(commit_error)?;
            // Linked again on purpose: the email rules may find it once more.
            let unlinked = (link.user_id.as_uuid(), link.provider.as_str().to_owned(), link.provider_user_id.clone());
            unlinked_identities::Entity::delete_by_id(unlinked).exec(txn).await.map_err(store_error)?;
        }
        if let Some(replaced) = write.replaces {
            sessions::Entity::delete_by_id(replaced.as_uuid()).exec(txn).await.map_err(store_error)?;
        }
        if let Some(session) = &write.session {
            session_row(session).insert(txn).await.map_err(store_error)?;
        }
        if let Some(notice) = &write.notice {
            let now = match &write.account {
                AccountWrite::Create(user) => user.created_at,
                AccountWrite::Existing(existing) => existing.now,
            };
            insert_job(txn, notice, now).await.map_err(store_error)?;
        }
        // What this instance remembers of the user (links, verified, sessions after a claim) is
        // stale after a change of the account; a sign-in alone replaces one session.
        let changed = match (changed_user, write.replaces) {
            (true, _) => Changed::Accounts,
            (false, Some(replaced)) => Changed::Session(replaced.as_uuid()),
            (false, None) => Changed::NewRows,
        };
        work.commit(changed).await.map_err(store_error)?;
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
    if account.change == AccountChange::MarkVerified {
        crate::passkey_repository::address_proven(txn, account.user_id.as_uuid()).await.map_err(store_error)?;
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
        // Recorded only where none is, or this one already: another replica that recorded a
        // different issuer meanwhile makes this a conflict, decided again (and refused).
        if let Some(issuer) = &account.link_issuer {
            let recorded = oauth_accounts::Entity::update_many()
                .col_expr(oauth_accounts::Column::Issuer, Expr::value(issuer.clone()))
                .filter(oauth_accounts::Column::Id.eq(link))
                .filter(
                    Condition::any()
                        .add(oauth_accounts::Column::Issuer.is_null())
                        .add(oauth_accounts::Column::Issuer.eq(issuer.clone())),
                )
                .exec(txn)
                .await
                .map_err(store_error)?;
            if recorded.rows_affected != 1 {
                return Err(CommitError::Conflict);
            }
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
    remove_for_claim(txn, account.user_id).await.map_err(store_error)?;
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(txn)
        .await
        .map_err(store_error)?;
    Ok(())
}
