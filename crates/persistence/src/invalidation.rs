//! Hears what other processes change (through the triggers of the `notify_session_changes`
//! migration) and evicts it from this process's session cache.

use std::sync::Arc;
use std::time::Duration;

use migration::SESSION_CHANGES_CHANNEL;
use sea_orm::sqlx::PgPool;
use sea_orm::sqlx::postgres::PgListener;
use uuid::Uuid;

use crate::session_cache::SessionCache;

const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Runs until aborted. The cache is live only while a listener is connected: notifications
/// sent while none is would be lost, so the cache is off until one is back.
pub(crate) async fn listen(pool: PgPool, cache: Arc<SessionCache>) {
    loop {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                cache.set_live(true);
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
            Err(error) => tracing::warn!(%error, "cannot listen for session changes; session cache off"),
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(SESSION_CHANGES_CHANNEL).await?;
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
