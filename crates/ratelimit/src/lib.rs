//! [`FailureCounter`](yoshikosan_domain::ports::FailureCounter) adapters: one instance counts
//! in memory; several share their counts through Redis.

mod memory;
mod redis_counter;

pub use memory::MemoryFailureCounter;
pub use redis_counter::RedisFailureCounter;
