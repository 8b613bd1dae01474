//! Removing a way in: the password, or every link to a provider. One transaction under the
//! user's lock, which also holds the check that the account's ways in are still as the decision
//! read them, so two removals at once cannot both leave it with less than the domain allowed.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, DbErr, EntityTrait, QueryFilter,
    QuerySelect,
};
use yoshikosan_domain::ports::{PasswordWrite, RemovedMethod, SignInMethodRemoval};

use crate::account_lock::{Expect, lock_user, session_is_valid};
use crate::entities::{oauth_accounts, passkeys, sessions, unlinked_identities, users};
use crate::mail_outbox::insert_job;
use crate::passkey_repository;
use crate::rows::known_providers;
use crate::unit_of_work::{Changed, Writes};

pub(crate) async fn remove_sign_in_method(
    writes: &Writes,
    removal: &SignInMethodRemoval,
) -> Result<PasswordWrite, DbErr> {
    let work = writes.begin().await?;
    let txn = work.txn();
    let mut changes = vec![(users::Column::UpdatedAt, Expr::value(removal.now))];
    if removal.remove == RemovedMethod::Password {
        changes.push((users::Column::PasswordHash, Expr::value(Option::<String>::None)));
    }
    let expect = Expect::Password(removal.password.as_ref());
    if !lock_user(txn, removal.user_id, expect, changes).await?
        || !still_linked_as_read(txn, removal).await?
        || passkey_repository::count(txn, removal.user_id.as_uuid()).await? != removal.passkeys
    {
        return Ok(PasswordWrite::Stale);
    }
    if !session_is_valid(txn, removal.user_id, removal.keep, removal.now).await? {
        return Ok(PasswordWrite::SessionEnded);
    }
    // The other sessions this way in opened end with it, and so do those whose way in is not
    // known (written before it was recorded, or by an older replica): any of them may be one.
    // A passkey's sessions name it, and none is older than passkeys. The asking session stays.
    let unknown = sessions::Column::Method.is_null();
    let opened_by_it = match &removal.remove {
        // A reset sets the password, so the sessions it opened are the password's too.
        RemovedMethod::Password => {
            Condition::any().add(sessions::Column::Method.is_in(["password", "password_reset"])).add(unknown)
        }
        RemovedMethod::Provider(provider) => {
            unlink(txn, removal, provider.as_str()).await?;
            Condition::any().add(sessions::Column::Method.eq(provider.as_str())).add(unknown)
        }
        RemovedMethod::Passkey(id) => {
            let removed = passkeys::Entity::delete_many()
                .filter(passkeys::Column::Id.eq(id.as_uuid()))
                .filter(passkeys::Column::UserId.eq(removal.user_id.as_uuid()))
                .exec(txn)
                .await?;
            if removed.rows_affected == 0 {
                return Ok(PasswordWrite::Stale);
            }
            Condition::all().add(sessions::Column::PasskeyId.eq(id.as_uuid()))
        }
    };
    sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(removal.user_id.as_uuid()))
        .filter(opened_by_it)
        .filter(sessions::Column::Id.ne(removal.keep.as_uuid()))
        .exec(txn)
        .await?;
    if let Some(notice) = &removal.notice {
        insert_job(txn, notice, removal.now).await?;
    }
    work.commit(Changed::Accounts).await?;
    Ok(PasswordWrite::Done)
}

/// Whether the providers linked now are those the decision read. Compared as sets of names
/// with their counts, not in order: two links written in the same microsecond come back in
/// either order, and that is no change.
async fn still_linked_as_read(txn: &DatabaseTransaction, removal: &SignInMethodRemoval) -> Result<bool, DbErr> {
    let user = removal.user_id.as_uuid();
    let names: Vec<String> = oauth_accounts::Entity::find()
        .select_only()
        .column(oauth_accounts::Column::Provider)
        .filter(oauth_accounts::Column::UserId.eq(user))
        .into_tuple()
        .all(txn)
        .await?;
    let mut now = known_providers(user, names.iter().map(String::as_str), false);
    let mut read = removal.providers.clone();
    now.sort();
    read.sort();
    Ok(now == read)
}

/// Deletes the user's links to `provider`, remembering each identity as unlinked by them.
async fn unlink(txn: &DatabaseTransaction, removal: &SignInMethodRemoval, provider: &str) -> Result<(), DbErr> {
    let user = removal.user_id.as_uuid();
    let links = oauth_accounts::Entity::find()
        .filter(oauth_accounts::Column::UserId.eq(user))
        .filter(oauth_accounts::Column::Provider.eq(provider))
        .all(txn)
        .await?;
    for link in &links {
        // Unlinked before, linked again since (which forgets that), unlinked once more.
        unlinked_identities::Entity::delete_by_id((user, link.provider.clone(), link.provider_user_id.clone()))
            .exec(txn)
            .await?;
        unlinked_identities::ActiveModel {
            user_id: Set(user),
            provider: Set(link.provider.clone()),
            provider_user_id: Set(link.provider_user_id.clone()),
            unlinked_at: Set(removal.now),
        }
        .insert(txn)
        .await?;
    }
    oauth_accounts::Entity::delete_many()
        .filter(oauth_accounts::Column::UserId.eq(user))
        .filter(oauth_accounts::Column::Provider.eq(provider))
        .exec(txn)
        .await?;
    Ok(())
}
