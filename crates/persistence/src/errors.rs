//! Translation of driver errors into the domain's [`StoreError`].

use sea_orm::{DbErr, RuntimeErr, sqlx};
use yoshikosan_domain::ports::StoreError;

pub(crate) fn store_error(error: DbErr) -> StoreError {
    if is_unavailable(&error) {
        StoreError::Unavailable(error.to_string())
    } else {
        StoreError::Unexpected(error.to_string())
    }
}

pub(crate) fn is_unique_violation(error: &DbErr) -> bool {
    matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Errors that mean "the database cannot be reached now", as opposed to a bad query: a retry
/// later may succeed, so clients get 503 rather than 500.
fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception) and 57P (server shutting down, restarting).
            sqlx::Error::Database(db) => {
                db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P"))
            }
            _ => false,
        },
        _ => false,
    }
}
