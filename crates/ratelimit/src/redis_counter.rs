use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};
use yoshikosan_domain::ports::{FailureCounter, FailureWindow, StoreError};

use crate::MemoryFailureCounter;

/// Opens the key's window at the first failure, then counts; atomic, so concurrent instances
/// never lose a count. The TTL only reclaims memory: window ends are judged on the caller's clock.
const RECORD: &str = r"
local now = tonumber(ARGV[1])
local ends = tonumber(redis.call('HGET', KEYS[1], 'e'))
if ends == nil or ends <= now then
  ends = now + tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'f', 1, 'e', ends)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, ends}
end
return {redis.call('HINCRBY', KEYS[1], 'f', 1), ends}
";

const KEY_PREFIX: &str = "yoshikosan:ratelimit:";
/// After Redis fails, it is left alone this long before being tried again.
const BACKOFF: StdDuration = StdDuration::from_secs(5);

/// Counts shared by every instance pointed at the same Redis. While Redis cannot be reached,
/// counting goes on in this instance's memory, so the limits still hold per instance.
pub struct RedisFailureCounter {
    connection: ConnectionManager,
    record: Script,
    fallback: MemoryFailureCounter,
    retry_after: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RedisFailureCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisFailureCounter").finish_non_exhaustive()
    }
}

impl RedisFailureCounter {
    /// Checks the URL now; connects on first use (and again after losing the connection), so
    /// the service starts even while Redis is down. Must be called inside a Tokio runtime.
    pub fn new(url: &str) -> Result<Self, RedisError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(StdDuration::from_millis(500)))
            .set_response_timeout(Some(StdDuration::from_millis(500)))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_lazy_with_config(Client::open(url)?, config)?;
        Ok(Self {
            connection,
            record: Script::new(RECORD),
            fallback: MemoryFailureCounter::new(),
            retry_after: Mutex::new(None),
        })
    }

    /// The connection, unless Redis failed within the last [`BACKOFF`].
    fn available(&self) -> Option<ConnectionManager> {
        let mut retry_after = self.retry_after.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match *retry_after {
            Some(at) if Instant::now() < at => None,
            _ => {
                *retry_after = None;
                Some(self.connection.clone())
            }
        }
    }

    fn failed(&self, error: &RedisError) {
        tracing::warn!(%error, "Redis unavailable; rate limits counted in this instance until it returns");
        let mut retry_after = self.retry_after.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *retry_after = Some(Instant::now() + BACKOFF);
    }
}

fn key(key: &str) -> String {
    format!("{KEY_PREFIX}{key}")
}

fn window_from(failures: u32, ends_at_ms: i64) -> Result<FailureWindow, StoreError> {
    let ends_at = Utc
        .timestamp_millis_opt(ends_at_ms)
        .single()
        .ok_or_else(|| StoreError::Unexpected(format!("window end out of range: {ends_at_ms}")))?;
    Ok(FailureWindow { failures, ends_at })
}

#[async_trait]
impl FailureCounter for RedisFailureCounter {
    async fn current(&self, k: &str, now: DateTime<Utc>) -> Result<Option<FailureWindow>, StoreError> {
        let Some(mut connection) = self.available() else {
            return self.fallback.current(k, now).await;
        };
        let fields: Result<(Option<u32>, Option<i64>), _> =
            redis::cmd("HMGET").arg(key(k)).arg("f").arg("e").query_async(&mut connection).await;
        match fields {
            Ok((Some(failures), Some(ends_at))) => {
                Ok(Some(window_from(failures, ends_at)?).filter(|w| w.ends_at > now))
            }
            Ok(_) => Ok(None),
            Err(error) => {
                self.failed(&error);
                self.fallback.current(k, now).await
            }
        }
    }

    async fn record(&self, k: &str, now: DateTime<Utc>, window: Duration) -> Result<FailureWindow, StoreError> {
        let Some(mut connection) = self.available() else {
            return self.fallback.record(k, now, window).await;
        };
        let mut invocation = self.record.key(key(k));
        invocation.arg(now.timestamp_millis()).arg(window.num_milliseconds());
        let counted: Result<(u32, i64), _> = invocation.invoke_async(&mut connection).await;
        match counted {
            Ok((failures, ends_at)) => window_from(failures, ends_at),
            Err(error) => {
                self.failed(&error);
                self.fallback.record(k, now, window).await
            }
        }
    }

    async fn clear(&self, k: &str) -> Result<(), StoreError> {
        self.fallback.clear(k).await?;
        let Some(mut connection) = self.available() else {
            return Ok(());
        };
        let deleted: Result<u32, _> = redis::cmd("DEL").arg(key(k)).query_async(&mut connection).await;
        if let Err(error) = deleted {
            self.failed(&error);
        }
        Ok(())
    }
}
