//! The mail outbox and the links it sends: rows leased by one sender at a time, on any
//! instance, and removed once sent or given up.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;
use yoshikosan_domain::ClientInfo;
use yoshikosan_domain::mail::{
    AttachedLink, LeasedMail, LinkPurpose, LinkTokenHash, LinkTokens, MailJob, MailOutbox, NewLink, Notice,
    OutboxStats, StoredLink,
};
use yoshikosan_domain::ports::StoreError;
use yoshikosan_domain::{Email, UserId};

use crate::entities::{link_tokens, mail_outbox};
use crate::errors::store_error;

const RESET_REQUESTED: &str = "password_reset_requested";
const VERIFY_EMAIL: &str = "verify_email";
const NOTICE: &str = "notice";
const CONFIRM_NEW_EMAIL: &str = "confirm_new_email";
/// The kinds this build can send; a newer replica's kinds are left to it.
const KNOWN_KINDS: [&str; 4] = [RESET_REQUESTED, VERIFY_EMAIL, NOTICE, CONFIRM_NEW_EMAIL];

#[derive(Debug, Clone)]
pub struct SeaMailOutbox {
    conn: DatabaseConnection,
}

impl SeaMailOutbox {
    pub(crate) fn new(conn: DatabaseConnection) -> Self {
        Self { conn }
    }
}

fn leased(row: mail_outbox::Model) -> Option<LeasedMail> {
    let email = Email::from_stored(row.recipient);
    let job = match (row.kind.as_str(), row.user_id) {
        (RESET_REQUESTED, _) => MailJob::PasswordResetRequested { email },
        (VERIFY_EMAIL, Some(user_id)) => MailJob::VerifyEmail { user_id: UserId::from_uuid(user_id), email },
        (CONFIRM_NEW_EMAIL, Some(user_id)) => MailJob::ConfirmNewEmail { user_id: UserId::from_uuid(user_id), email },
        (NOTICE, Some(user_id)) => MailJob::Notice {
            user_id: UserId::from_uuid(user_id),
            email,
            notice: Notice::from_stored(row.detail.as_deref()?)?,
            client: ClientInfo { ip: row.client_ip, user_agent: row.user_agent },
        },
        _ => return None,
    };
    let link = match (row.user_id, row.sealed_token, row.link_expires_at) {
        (Some(user_id), Some(sealed_token), Some(expires_at)) => {
            Some(AttachedLink { user_id: UserId::from_uuid(user_id), sealed_token, expires_at })
        }
        _ => None,
    };
    let attempts = u32::try_from(row.attempts).unwrap_or(0);
    Some(LeasedMail { id: row.id, job, link, created_at: row.created_at, attempts })
}

/// Neither leased nor due later: free to lease at `now`.
fn free_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(mail_outbox::Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(mail_outbox::Column::LockedUntil.is_null())
                .add(mail_outbox::Column::LockedUntil.lte(now)),
        )
        .add(mail_outbox::Column::Kind.is_in(KNOWN_KINDS))
}

/// Writes a job as an outbox row, on `conn`: the pool, or the transaction of the change that
/// causes the mail, so that the two are committed together.
pub(crate) async fn insert_job<C: ConnectionTrait>(conn: &C, job: &MailJob, now: DateTime<Utc>) -> Result<(), DbErr> {
    let (kind, user_id, detail, client) = match job {
        MailJob::PasswordResetRequested { .. } => (RESET_REQUESTED, None, None, None),
        MailJob::VerifyEmail { user_id, .. } => (VERIFY_EMAIL, Some(user_id.as_uuid()), None, None),
        MailJob::ConfirmNewEmail { user_id, .. } => (CONFIRM_NEW_EMAIL, Some(user_id.as_uuid()), None, None),
        MailJob::Notice { user_id, notice, client, .. } => {
            (NOTICE, Some(user_id.as_uuid()), Some(notice.stored()), Some(client))
        }
    };
    // A user agent is the client's to write: kept within what a mail shows.
    let user_agent = client.and_then(|c| c.user_agent.as_ref()).map(|ua| ua.chars().take(400).collect::<String>());
    let row = mail_outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.to_owned()),
        recipient: Set(job.recipient().as_str().to_owned()),
        user_id: Set(user_id),
        sealed_token: Set(None),
        link_expires_at: Set(None),
        created_at: Set(now),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        attempts: Set(0),
        detail: Set(detail),
        client_ip: Set(client.and_then(|c| c.ip.clone())),
        user_agent: Set(user_agent),
    };
    row.insert(conn).await?;
    Ok(())
}

#[async_trait]
impl MailOutbox for SeaMailOutbox {
    async fn enqueue(&self, job: &MailJob, now: DateTime<Utc>) -> Result<(), StoreError> {
        insert_job(&self.conn, job, now).await.map_err(store_error)
    }

    async fn lease(&self, now: DateTime<Utc>, until: DateTime<Utc>, limit: u32) -> Result<Vec<LeasedMail>, StoreError> {
        let candidates: Vec<Uuid> = mail_outbox::Entity::find()
            .select_only()
            .column(mail_outbox::Column::Id)
            .filter(free_at(now))
            .order_by_asc(mail_outbox::Column::NextAttemptAt)
            .limit(u64::from(limit))
            .into_tuple()
            .all(&self.conn)
            .await
            .map_err(store_error)?;
        let mut leased_rows = Vec::with_capacity(candidates.len());
        for id in candidates {
            // Taken only if still free: of two senders, the second updates nothing (on
            // PostgreSQL it waits for the first's update and then re-checks the row).
            let taken = mail_outbox::Entity::update_many()
                .col_expr(mail_outbox::Column::LockedUntil, Expr::value(until))
                .col_expr(mail_outbox::Column::Attempts, Expr::col(mail_outbox::Column::Attempts).add(1))
                .filter(mail_outbox::Column::Id.eq(id))
                .filter(free_at(now))
                .exec(&self.conn)
                .await
                .map_err(store_error)?;
            if taken.rows_affected != 1 {
                continue;
            }
            let row = mail_outbox::Entity::find_by_id(id).one(&self.conn).await.map_err(store_error)?;
            leased_rows.extend(row.and_then(leased));
        }
        Ok(leased_rows)
    }

    async fn attach_link(&self, new: &NewLink) -> Result<(), StoreError> {
        let txn = self.conn.begin().await.map_err(store_error)?;
        let user = new.link.user_id.as_uuid();
        // A newer link of a purpose voids the older ones.
        link_tokens::Entity::delete_many()
            .filter(link_tokens::Column::UserId.eq(user))
            .filter(link_tokens::Column::Purpose.eq(new.purpose.as_str()))
            .exec(&txn)
            .await
            .map_err(store_error)?;
        let token = link_tokens::ActiveModel {
            token_hash: Set(new.hash.as_str().to_owned()),
            user_id: Set(user),
            purpose: Set(new.purpose.as_str().to_owned()),
            email: Set(new.email.as_str().to_owned()),
            created_at: Set(new.now),
            expires_at: Set(new.link.expires_at),
        };
        token.insert(&txn).await.map_err(store_error)?;
        mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::UserId, Expr::value(user))
            .col_expr(mail_outbox::Column::SealedToken, Expr::value(new.link.sealed_token.clone()))
            .col_expr(mail_outbox::Column::LinkExpiresAt, Expr::value(new.link.expires_at))
            .filter(mail_outbox::Column::Id.eq(new.mail_id))
            .exec(&txn)
            .await
            .map_err(store_error)?;
        txn.commit().await.map_err(store_error)
    }

    async fn remove(&self, id: Uuid) -> Result<(), StoreError> {
        mail_outbox::Entity::delete_by_id(id).exec(&self.conn).await.map_err(store_error)?;
        Ok(())
    }

    async fn retry(&self, id: Uuid, next_at: DateTime<Utc>) -> Result<(), StoreError> {
        mail_outbox::Entity::update_many()
            .col_expr(mail_outbox::Column::NextAttemptAt, Expr::value(next_at))
            .col_expr(mail_outbox::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(mail_outbox::Column::Id.eq(id))
            .exec(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn stats(&self) -> Result<OutboxStats, StoreError> {
        let pending = mail_outbox::Entity::find().count(&self.conn).await.map_err(store_error)?;
        let oldest: Option<DateTime<Utc>> = mail_outbox::Entity::find()
            .select_only()
            .column(mail_outbox::Column::CreatedAt)
            .order_by_asc(mail_outbox::Column::CreatedAt)
            .into_tuple()
            .one(&self.conn)
            .await
            .map_err(store_error)?;
        Ok(OutboxStats { pending, oldest })
    }
}

#[async_trait]
impl LinkTokens for SeaMailOutbox {
    async fn find(&self, hash: &LinkTokenHash) -> Result<Option<StoredLink>, StoreError> {
        let row =
            link_tokens::Entity::find_by_id(hash.as_str().to_owned()).one(&self.conn).await.map_err(store_error)?;
        Ok(row.map(|row| StoredLink {
            user_id: UserId::from_uuid(row.user_id),
            email: Email::from_stored(row.email),
            purpose: LinkPurpose::from_stored(&row.purpose),
            expires_at: row.expires_at,
        }))
    }
}
