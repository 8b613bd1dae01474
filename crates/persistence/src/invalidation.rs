//! Hears what other processes change (through the triggers of the `notify_session_changes`
//! migration) and evicts it from this process's session cache.

use std::sync::Arc;
use std::time::Duration;

use migration::{SESSION_CHANGE_TRIGGERS, SESSION_CHANGES_CHANNEL};
use sea_orm::sqlx::PgPool;
use sea_orm::sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::session_cache::SessionCache;

const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Runs until aborted. The cache is live only while a listener is connected and the triggers
/// that notify it exist: otherwise changes would go unannounced, so the cache stays off.
pub(crate) async fn listen(pool: PgPool, cache: Arc<SessionCache>) {
    // Said once per outage, not once per retry.
    let mut reported = false;
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                cache.set_live(true);
                reported = false;
                tracing::debug!("session cache on: listening for session changes");
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => apply(&cache, notification.payload()),
                        Ok(None) => break,
                        Err(error) => {
                            tracing::warn!(%error, "lost the session-change notifications");
                            break;
                        }
                    }
                }
                cache.set_live(false);
                tracing::warn!("session cache off until the notification connection is back");
            }
            Err(error) if !reported => {
                tracing::warn!(%error, "session cache off: cannot listen for session changes");
                reported = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

#[derive(Debug, thiserror::Error)]
enum SubscribeError {
    #[error(transparent)]
    Database(#[from] sea_orm::sqlx::Error),
    #[error("the change-notification triggers are missing; apply the pending migrations")]
    NoTriggers,
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, SubscribeError> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(SESSION_CHANGES_CHANNEL).await?;
    // Checked after LISTEN, so that no change made once they exist can be missed.
    let found: i64 =
        sea_orm::sqlx::query_scalar("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY($1)")
            .bind(&SESSION_CHANGE_TRIGGERS[..])
            .fetch_one(pool)
            .await?;
    if found < SESSION_CHANGE_TRIGGERS.len() as i64 {
        return Err(SubscribeError::NoTriggers);
    }
    Ok(listener)
}

fn apply(cache: &SessionCache, payload: &str) {
    match payload.split_once(':') {
        Some(("session", id)) => match Uuid::parse_str(id) {
            Ok(id) => cache.forget_session(id),
            Err(_) => cache.forget_all(),
        },
        // A user changed, or something not understood: forgetting everything is always safe.
        _ => cache.forget_all(),
    }
}
