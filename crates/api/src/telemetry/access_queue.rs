//! The access log's queue and its writer thread. Workers push finished lines into a bounded
//! lock-free queue and never wake the writer: it wakes by itself every [`WRITE_EVERY`] and
//! writes what has gathered in one batch. Waking it for every line cost the workers more, in
//! the kernel's scheduling, than the whole rest of the line.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_queue::ArrayQueue;

/// How long a line may wait to be written.
const WRITE_EVERY: Duration = Duration::from_millis(20);

#[derive(Debug)]
pub struct AccessQueue {
    lines: ArrayQueue<Vec<u8>>,
    dropped: AtomicU64,
}

impl AccessQueue {
    /// Queues the line, or drops and counts it when the queue is full: a request never waits.
    pub fn push(&self, line: Vec<u8>) {
        if self.lines.push(line).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// The writer thread; dropping this writes out what is queued, then stops it.
#[derive(Debug)]
pub struct AccessWriter {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// A queue of `capacity` lines written to `sink` by a thread of its own.
pub fn start<W: Write + Send + 'static>(mut sink: W, capacity: usize) -> (Arc<AccessQueue>, AccessWriter) {
    let queue = Arc::new(AccessQueue { lines: ArrayQueue::new(capacity.max(1)), dropped: AtomicU64::new(0) });
    let stop = Arc::new(AtomicBool::new(false));
    let (lines, stopping) = (queue.clone(), stop.clone());
    let spawned = std::thread::Builder::new().name("access-log-writer".into()).spawn(move || {
        loop {
            // Read before draining: a stop asked for during the drain gets one more round.
            let last = stopping.load(Ordering::Acquire);
            let mut wrote = false;
            while let Some(line) = lines.lines.pop() {
                // Standard output that fails has nowhere to report to; the line is lost.
                drop(sink.write_all(&line));
                wrote = true;
            }
            if wrote {
                drop(sink.flush());
            }
            if last {
                return;
            }
            std::thread::park_timeout(WRITE_EVERY);
        }
    });
    let thread = match spawned {
        Ok(thread) => Some(thread),
        Err(error) => {
            tracing::error!(%error, "no access-log writer thread: access lines are dropped");
            None
        }
    };
    (queue, AccessWriter { stop, thread })
}

impl Drop for AccessWriter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            drop(thread.join());
        }
    }
}
