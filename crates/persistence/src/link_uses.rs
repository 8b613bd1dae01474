//! What a mail link does when it is used, each in one transaction under the user's lock: a
//! reset (the password set, the address verified, every session replaced by the new one, and for
//! an unverified account the rest of a claim) and a verification (the address verified).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter};
use yoshikosan_domain::UserId;
use yoshikosan_domain::mail::{
    ChangeWrite, EmailChange, EmailChangeStore, EmailVerification, EmailVerificationStore, LinkPurpose, LinkTokenHash,
    PasswordReset, PasswordResetStore, ResetWrite, VerifyWrite,
};
use yoshikosan_domain::ports::StoreError;

use crate::account_lock::{Expect, lock_user};
use crate::entities::{link_tokens, mail_outbox, oauth_accounts, passkeys, sessions, users};
use crate::errors::{is_unique_violation, store_error};
use crate::mail_outbox::insert_job;
use crate::passkey_repository::address_proven;
use crate::rows::session_row;
use crate::unit_of_work::{Changed, Writes};

#[derive(Debug, Clone)]
pub struct SeaLinkUses {
    writes: Writes,
}

impl SeaLinkUses {
    pub(crate) fn new(writes: Writes) -> Self {
        Self { writes }
    }
}

#[async_trait]
impl PasswordResetStore for SeaLinkUses {
    async fn reset(&self, reset: &PasswordReset) -> Result<ResetWrite, StoreError> {
        self.write(reset).await.map_err(store_error)
    }
}

impl SeaLinkUses {
    async fn write(&self, reset: &PasswordReset) -> Result<ResetWrite, DbErr> {
        let work = self.writes.begin().await?;
        let txn = work.txn();
        let changes = vec![
            (users::Column::PasswordHash, Expr::value(reset.new.as_str())),
            (users::Column::EmailVerified, Expr::value(true)),
            (users::Column::UpdatedAt, Expr::value(reset.now)),
        ];
        // The user's lock first, as every other account write takes it: a claim by a provider
        // at the same moment waits here rather than deadlocking on the link.
        if !lock_user(txn, reset.user_id, Expect::EmailVerified(reset.email_verified), changes).await? {
            return Ok(ResetWrite::Stale);
        }
        if !use_link(txn, &reset.link, reset.user_id, LinkPurpose::PasswordReset, reset.now).await? {
            // Dropped unit of work: the password written above is rolled back.
            return Ok(ResetWrite::LinkUsed);
        }
        if !reset.email_verified {
            remove_for_claim(txn, reset.user_id).await?;
        }
        // Whoever held a session may have asked for a link (a change of address): it goes with
        // the sessions.
        link_tokens::Entity::delete_many()
            .filter(link_tokens::Column::UserId.eq(reset.user_id.as_uuid()))
            .exec(txn)
            .await?;
        sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(reset.user_id.as_uuid())).exec(txn).await?;
        session_row(&reset.session).insert(txn).await?;
        if let Some(notice) = &reset.notice {
            insert_job(txn, notice, reset.now).await?;
        }
        work.commit(Changed::Accounts).await?;
        Ok(ResetWrite::Done)
    }
}

#[async_trait]
impl EmailVerificationStore for SeaLinkUses {
    async fn verify(&self, verification: &EmailVerification) -> Result<VerifyWrite, StoreError> {
        self.write_verification(verification).await.map_err(store_error)
    }
}

impl SeaLinkUses {
    async fn write_verification(&self, verification: &EmailVerification) -> Result<VerifyWrite, DbErr> {
        let work = self.writes.begin().await?;
        let txn = work.txn();
        let user = verification.user_id.as_uuid();
        // Verified only while the account still has the address the link was sent to.
        let verified = users::Entity::update_many()
            .col_expr(users::Column::EmailVerified, Expr::value(true))
            .col_expr(users::Column::UpdatedAt, Expr::value(verification.now))
            .filter(users::Column::Id.eq(user))
            .filter(users::Column::Email.eq(verification.email.as_str()))
            .exec(txn)
            .await?;
        let used = use_link(txn, &verification.link, verification.user_id, LinkPurpose::VerifyEmail, verification.now);
        if verified.rows_affected != 1 || !used.await? {
            return Ok(VerifyWrite::LinkUsed);
        }
        address_proven(txn, user).await?;
        work.commit(Changed::Accounts).await?;
        Ok(VerifyWrite::Done)
    }
}

#[async_trait]
impl EmailChangeStore for SeaLinkUses {
    async fn change_email(&self, change: &EmailChange) -> Result<ChangeWrite, StoreError> {
        match self.write_email_change(change).await {
            Ok(done) => Ok(done),
            // Another account took the address since the link was sent.
            Err(error) if is_unique_violation(&error) => Ok(ChangeWrite::Taken),
            Err(error) => Err(store_error(error)),
        }
    }
}

impl SeaLinkUses {
    async fn write_email_change(&self, change: &EmailChange) -> Result<ChangeWrite, DbErr> {
        let work = self.writes.begin().await?;
        let txn = work.txn();
        let user = change.user_id.as_uuid();
        let moved = users::Entity::update_many()
            .col_expr(users::Column::Email, Expr::value(change.new.as_str()))
            .col_expr(users::Column::EmailVerified, Expr::value(true))
            .col_expr(users::Column::UpdatedAt, Expr::value(change.now))
            .filter(users::Column::Id.eq(user))
            .exec(txn)
            .await?;
        let used = use_link(txn, &change.link, change.user_id, LinkPurpose::ChangeEmail, change.now);
        if moved.rows_affected != 1 || !used.await? {
            return Ok(ChangeWrite::LinkUsed);
        }
        address_proven(txn, user).await?;
        // Every other pending link went to the old address, or proves it: void them.
        link_tokens::Entity::delete_many().filter(link_tokens::Column::UserId.eq(user)).exec(txn).await?;
        if let Some(notice) = &change.notice {
            insert_job(txn, notice, change.now).await?;
        }
        work.commit(Changed::Accounts).await?;
        Ok(ChangeWrite::Done)
    }
}

/// Uses the link: deletes it if it is still there, the user's, of `purpose` and unexpired at
/// `now`. False when it was not (used or voided meanwhile, or expired).
async fn use_link(
    txn: &DatabaseTransaction,
    link: &LinkTokenHash,
    user_id: UserId,
    purpose: LinkPurpose,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let used = link_tokens::Entity::delete_many()
        .filter(link_tokens::Column::TokenHash.eq(link.as_str()))
        .filter(link_tokens::Column::UserId.eq(user_id.as_uuid()))
        .filter(link_tokens::Column::Purpose.eq(purpose.as_str()))
        .filter(link_tokens::Column::ExpiresAt.gt(now))
        .exec(txn)
        .await?;
    Ok(used.rows_affected == 1)
}

/// What a claim removes besides the password and the sessions: every provider link, every
/// pending mail link and the mail that would carry one. One definition, for every claim.
pub(crate) async fn remove_for_claim(txn: &DatabaseTransaction, user_id: UserId) -> Result<(), DbErr> {
    let user = user_id.as_uuid();
    oauth_accounts::Entity::delete_many().filter(oauth_accounts::Column::UserId.eq(user)).exec(txn).await?;
    passkeys::Entity::delete_many().filter(passkeys::Column::UserId.eq(user)).exec(txn).await?;
    link_tokens::Entity::delete_many().filter(link_tokens::Column::UserId.eq(user)).exec(txn).await?;
    mail_outbox::Entity::delete_many().filter(mail_outbox::Column::UserId.eq(user)).exec(txn).await?;
    Ok(())
}
