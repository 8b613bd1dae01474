use async_trait::async_trait;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use yoshikosan_domain::mail::MailJob;
use yoshikosan_domain::ports::{
    CreateUserError, PasswordChange, PasswordWrite, SignInMethodRemoval, StoreError, UserRepository,
};
use yoshikosan_domain::{Email, Session, User, UserId};

use crate::account_lock::{Expect, lock_user, session_is_valid};
use crate::entities::{oauth_accounts, sessions, users};
use crate::errors::{is_unique_violation, store_error};
use crate::mail_outbox::insert_job;
use crate::rows::{known_providers, session_row, to_user, user_row};
use crate::sign_in_method_removal::remove_sign_in_method;
use crate::unit_of_work::{Changed, Writes};

/// Users, and the sessions that a registration or a password change writes with them.
#[derive(Debug, Clone)]
pub struct SeaUserRepository {
    writes: Writes,
}

impl SeaUserRepository {
    pub(crate) fn new(writes: Writes) -> Self {
        Self { writes }
    }

    async fn with_providers(&self, row: Option<users::Model>) -> Result<Option<User>, StoreError> {
        let Some(row) = row else { return Ok(None) };
        let links = oauth_accounts::Entity::find()
            .filter(oauth_accounts::Column::UserId.eq(row.id))
            .order_by_asc(oauth_accounts::Column::CreatedAt)
            .all(self.writes.conn())
            .await
            .map_err(store_error)?;
        let providers = known_providers(row.id, links.iter().map(|link| link.provider.as_str()), true);
        let passkeys = crate::passkey_repository::count(self.writes.conn(), row.id).await.map_err(store_error)?;
        Ok(Some(to_user(row, providers, passkeys)))
    }
}

#[async_trait]
impl UserRepository for SeaUserRepository {
    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = users::Entity::find_by_id(id.as_uuid()).one(self.writes.conn()).await.map_err(store_error)?;
        self.with_providers(row).await
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(self.writes.conn())
            .await
            .map_err(store_error)?;
        self.with_providers(row).await
    }

    async fn create_with_session(
        &self,
        user: &User,
        session: &Session,
        mail: Option<MailJob>,
    ) -> Result<(), CreateUserError> {
        let work = self.writes.begin().await.map_err(store_error)?;
        user_row(user).insert(work.txn()).await.map_err(|e| {
            // `email` is the only unique column a new user can collide on.
            if is_unique_violation(&e) { CreateUserError::EmailTaken } else { store_error(e).into() }
        })?;
        session_row(session).insert(work.txn()).await.map_err(store_error)?;
        if let Some(mail) = &mail {
            insert_job(work.txn(), mail, user.created_at).await.map_err(store_error)?;
        }
        work.commit(Changed::NewRows).await.map_err(store_error)?;
        Ok(())
    }

    async fn set_password(&self, change: &PasswordChange) -> Result<PasswordWrite, StoreError> {
        let work = self.writes.begin().await.map_err(store_error)?;
        let txn = work.txn();
        let new_hash = vec![
            (users::Column::PasswordHash, Expr::value(change.new.as_str())),
            (users::Column::UpdatedAt, Expr::value(change.now)),
        ];
        let expect = Expect::Password(change.previous.as_ref());
        if !lock_user(txn, change.user_id, expect, new_hash).await.map_err(store_error)? {
            return Ok(PasswordWrite::Stale);
        }
        // A session revoked meanwhile (a claim, a logout elsewhere) may not set the password.
        if !session_is_valid(txn, change.user_id, change.keep, change.now).await.map_err(store_error)? {
            return Ok(PasswordWrite::SessionEnded);
        }
        sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(change.user_id.as_uuid()))
            .filter(sessions::Column::Id.ne(change.keep.as_uuid()))
            .exec(txn)
            .await
            .map_err(store_error)?;
        if let Some(notice) = &change.notice {
            insert_job(txn, notice, change.now).await.map_err(store_error)?;
        }
        work.commit(Changed::Accounts).await.map_err(store_error)?;
        Ok(PasswordWrite::Done)
    }

    async fn remove_sign_in_method(&self, removal: &SignInMethodRemoval) -> Result<PasswordWrite, StoreError> {
        remove_sign_in_method(&self.writes, removal).await.map_err(store_error)
    }
}
