//! The session and its user in one statement: the database work of every authenticated
//! request, kept to a single round trip.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbBackend, FromQueryResult, Statement};
use uuid::Uuid;
use yoshikosan_domain::ports::StoreError;
use yoshikosan_domain::{Session, SessionId, User};

use crate::entities::{sessions, users};
use crate::errors::store_error;
use crate::rows::{known_providers, to_session, to_user};

/// One row per linked provider (or one with no provider), each repeating the session and user.
#[derive(Debug, FromQueryResult)]
struct SessionUserRow {
    id: Uuid,
    user_id: Uuid,
    token_hash: String,
    expires_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    user_agent: Option<String>,
    ip: Option<String>,
    authenticated_at: Option<DateTime<Utc>>,
    method: Option<String>,
    passkey_id: Option<Uuid>,
    email: String,
    name: String,
    avatar_url: Option<String>,
    password_hash: Option<String>,
    email_verified: bool,
    user_created_at: DateTime<Utc>,
    user_updated_at: DateTime<Utc>,
    provider: Option<String>,
    passkeys: i64,
}

const SELECT: &str = "SELECT s.id, s.user_id, s.token_hash, s.expires_at, s.created_at, s.last_seen_at, \
    s.user_agent, s.ip, s.authenticated_at, s.method, u.email, u.name, u.avatar_url, u.password_hash, u.email_verified, \
    u.created_at AS user_created_at, u.updated_at AS user_updated_at, o.provider, \
    (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) AS passkeys, s.passkey_id \
    FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN oauth_accounts o ON o.user_id = u.id";

pub(crate) async fn find_session_with_user(
    conn: &DatabaseConnection,
    id: SessionId,
) -> Result<Option<(Session, User)>, StoreError> {
    let backend = conn.get_database_backend();
    let placeholder = if backend == DbBackend::Postgres { "$1" } else { "?" };
    let sql = format!("{SELECT} WHERE s.id = {placeholder} ORDER BY o.created_at");
    let statement = Statement::from_sql_and_values(backend, sql, [id.as_uuid().into()]);
    let mut rows = SessionUserRow::find_by_statement(statement).all(conn).await.map_err(store_error)?;
    let Some(first) = rows.first() else { return Ok(None) };
    let providers = known_providers(first.user_id, rows.iter().filter_map(|row| row.provider.as_deref()), false);
    let row = rows.swap_remove(0);
    let user = users::Model {
        id: row.user_id,
        email: row.email,
        name: row.name,
        avatar_url: row.avatar_url,
        password_hash: row.password_hash,
        email_verified: row.email_verified,
        created_at: row.user_created_at,
        updated_at: row.user_updated_at,
    };
    let session = sessions::Model {
        id: row.id,
        user_id: row.user_id,
        token_hash: row.token_hash,
        expires_at: row.expires_at,
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        user_agent: row.user_agent,
        ip: row.ip,
        authenticated_at: row.authenticated_at,
        method: row.method,
        passkey_id: row.passkey_id,
    };
    let passkeys = u32::try_from(row.passkeys).unwrap_or(u32::MAX);
    Ok(Some((to_session(session), to_user(user, providers, passkeys))))
}
