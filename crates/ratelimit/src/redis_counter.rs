use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, Duration, TimeZone, Utc};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, RedisError, Script};
use yoshikosan_domain::ports::{FailureCounter, FailureWindow, Reservation, StoreError};

use crate::MemoryFailureCounter;

/// Opens the key's window at its first unit, then counts up to the maximum; one script, so the
/// compare and the count are atomic across every instance. The TTL only reclaims memory: window
/// ends are judged on the caller's clock. Answers {granted (0|1), units, window end}.
const RESERVE: &str = r"
local now, length, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local held = redis.call('HMGET', KEYS[1], 'f', 'e')
local units, ends = tonumber(held[1]), tonumber(held[2])
if ends == nil or ends <= now then
  if max < 1 then return {0, 0, now + length} end
  ends = now + length
  redis.call('HSET', KEYS[1], 'f', 1, 'e', ends)
  redis.call('PEXPIRE', KEYS[1], length)
  return {1, 1, ends}
end
if units >= max then return {0, units, ends} end
return {1, redis.call('HINCRBY', KEYS[1], 'f', 1), ends}
";

/// Gives back one unit, only to the window it was taken from (ending at ARGV[1]).
const RELEASE: &str = r"
local held = redis.call('HMGET', KEYS[1], 'f', 'e')
if tonumber(held[2]) == tonumber(ARGV[1]) and tonumber(held[1]) > 0 then
  redis.call('HINCRBY', KEYS[1], 'f', -1)
end
return 0
";

const KEY_PREFIX: &str = "yoshikosan:ratelimit:";
/// After Redis fails, it is left alone this long before being tried again.
const BACKOFF: StdDuration = StdDuration::from_secs(5);

/// Counts shared by every instance pointed at the same Redis. While Redis cannot be reached,
/// counting goes on in this instance's memory, so the limits still hold per instance.
pub struct RedisFailureCounter {
    connection: ConnectionManager,
    reserve: Script,
    release: Script,
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
            reserve: Script::new(RESERVE),
            release: Script::new(RELEASE),
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
    async fn reserve(
        &self,
        k: &str,
        now: DateTime<Utc>,
        window: Duration,
        max: u32,
    ) -> Result<Reservation, StoreError> {
        let Some(mut connection) = self.available() else {
            return self.fallback.reserve(k, now, window, max).await;
        };
        let mut invocation = self.reserve.key(key(k));
        invocation.arg(now.timestamp_millis()).arg(window.num_milliseconds()).arg(max);
        let answer: Result<(u8, u32, i64), _> = invocation.invoke_async(&mut connection).await;
        match answer {
            Ok((1, units, ends_at)) => Ok(Reservation::Granted(window_from(units, ends_at)?)),
            Ok((_, units, ends_at)) => Ok(Reservation::Refused(window_from(units, ends_at)?)),
            Err(error) => {
                self.failed(&error);
                self.fallback.reserve(k, now, window, max).await
            }
        }
    }

    async fn release(&self, k: &str, ends_at: DateTime<Utc>) -> Result<(), StoreError> {
        let Some(mut connection) = self.available() else {
            return self.fallback.release(k, ends_at).await;
        };
        let mut invocation = self.release.key(key(k));
        invocation.arg(ends_at.timestamp_millis());
        let answer: Result<i64, _> = invocation.invoke_async(&mut connection).await;
        if let Err(error) = answer {
            self.failed(&error);
            self.fallback.release(k, ends_at).await?;
        }
        Ok(())
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
