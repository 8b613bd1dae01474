//! The access log's buffers and its writer thread.
//!
//! Each thread that answers requests appends its lines to a buffer of its own, under a lock
//! only the writer ever contends for, and never wakes the writer: it wakes by itself every
//! [`WRITE_EVERY`], takes each buffer whole (handing back an empty one of the same capacity)
//! and writes it in one piece. A line costs no allocation and no shared atomic; waking the
//! writer for every line, or passing lines through a shared queue, cost the workers more than
//! the whole rest of the line. Lines of different workers therefore reach the output in
//! batches, each worker's in its own order; their timestamps tell the order across workers.

use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a line may wait to be written.
const WRITE_EVERY: Duration = Duration::from_millis(20);

/// Above this, an emptied buffer is freed rather than passed on for reuse.
const KEPT_BYTES: usize = 512 * 1024;

/// A thread's buffer takes no more lines beyond this, whatever their number: lines carry the
/// path a client chose, which can be long.
const MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug)]
pub struct AccessQueue {
    /// Every thread's buffer, by the order they first wrote.
    buffers: Mutex<Vec<Arc<Mutex<Buffer>>>>,
    /// Lines one thread's buffer holds before it drops them.
    capacity: usize,
    dropped: AtomicU64,
    /// Tells this queue's buffers apart from another queue's in a thread's list.
    id: u64,
}

/// One thread's lines not yet written.
#[derive(Debug, Default)]
struct Buffer {
    text: Vec<u8>,
    lines: usize,
}

thread_local! {
    /// This thread's buffer in each queue it wrote to (in the service, one).
    static MINE: RefCell<Vec<(u64, Arc<Mutex<Buffer>>)>> = const { RefCell::new(Vec::new()) };
}

impl AccessQueue {
    /// Appends what `line` writes to this thread's buffer, or drops and counts the line when
    /// the buffer is full: a request never waits.
    pub fn push_with(&self, line: impl FnOnce(&mut Vec<u8>)) {
        let pushed = MINE.try_with(|mine| {
            let mut mine = mine.borrow_mut();
            let buffer = match mine.iter().find(|(id, _)| *id == self.id) {
                Some((_, buffer)) => buffer,
                None => {
                    let buffer = Arc::new(Mutex::new(Buffer::default()));
                    lock(&self.buffers).push(buffer.clone());
                    mine.push((self.id, buffer));
                    &mine[mine.len() - 1].1
                }
            };
            let mut buffer = lock(buffer);
            if buffer.lines >= self.capacity || buffer.text.len() >= MAX_BYTES {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            line(&mut buffer.text);
            buffer.lines += 1;
        });
        // A thread already tearing itself down has no buffer left to write to.
        if pushed.is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Writes out every buffer; true if there was anything to write.
    fn drain_into(&self, sink: &mut impl Write, spare: &mut Vec<u8>) -> bool {
        let mut wrote = false;
        let buffers: Vec<Arc<Mutex<Buffer>>> = {
            let mut all = lock(&self.buffers);
            let now = all.clone();
            // Held here, in `now` and by its thread while that lives: a thread that ended left
            // its buffer to these two alone, to be written out one last time, then let go.
            all.retain(|buffer| Arc::strong_count(buffer) > 2);
            now
        };
        for buffer in buffers {
            {
                let mut buffer = lock(&buffer);
                std::mem::swap(&mut buffer.text, spare);
                buffer.lines = 0;
            }
            if !spare.is_empty() {
                // Standard output that fails has nowhere to report to; the lines are lost.
                drop(sink.write_all(spare));
                spare.clear();
                wrote = true;
            }
            // A buffer that grew while the output stalled (or under long paths) is given back,
            // not kept: a busy worker's 20 ms of lines fit well within this.
            if spare.capacity() > KEPT_BYTES {
                *spare = Vec::new();
            }
        }
        wrote
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The writer thread; dropping this writes out what is buffered, then stops it.
#[derive(Debug)]
pub struct AccessWriter {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Buffers of `capacity` lines per thread, written to `sink` by a thread of its own.
pub fn start<W: Write + Send + 'static>(mut sink: W, capacity: usize) -> (Arc<AccessQueue>, AccessWriter) {
    static QUEUES: AtomicU64 = AtomicU64::new(0);
    let queue = Arc::new(AccessQueue {
        buffers: Mutex::new(Vec::new()),
        capacity: capacity.max(1),
        dropped: AtomicU64::new(0),
        id: QUEUES.fetch_add(1, Ordering::Relaxed),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let (lines, stopping) = (queue.clone(), stop.clone());
    let spawned = std::thread::Builder::new().name("access-log-writer".into()).spawn(move || {
        let mut spare = Vec::new();
        loop {
            // Read before draining: a stop asked for during the drain gets one more round.
            let last = stopping.load(Ordering::Acquire);
            if lines.drain_into(&mut sink, &mut spare) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink the test can read after the writer is gone.
    #[derive(Clone, Default)]
    struct Collected(Arc<Mutex<Vec<u8>>>);

    impl Write for Collected {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_threads_lines_come_out_whole_and_in_its_order_after_the_thread_ended() {
        let sink = Collected::default();
        let (queue, writer) = start(sink.clone(), 1_000);
        let threads: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let queue = queue.clone();
                std::thread::spawn(move || {
                    for n in 0..500 {
                        queue.push_with(|text| text.extend_from_slice(format!("{name} {n}\n").as_bytes()));
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|thread| thread.join().unwrap());
        drop(writer);
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        for name in ["a", "b"] {
            let numbers: Vec<usize> =
                written.lines().filter_map(|line| line.strip_prefix(name)?.trim().parse().ok()).collect();
            assert_eq!(numbers, (0..500).collect::<Vec<_>>(), "thread {name}'s lines");
        }
        assert_eq!(written.lines().count(), 1_000);
        assert_eq!(queue.dropped(), 0);
        assert!(lock(&queue.buffers).is_empty(), "ended threads' buffers are let go once written");
    }

    #[test]
    fn long_lines_are_dropped_past_a_threads_share_of_bytes() {
        // No writer: nothing takes the buffer away while the lines arrive.
        let queue = unwritten(8_192);
        push_long_lines(&queue, 100);
        let kept = MAX_BYTES.div_ceil(100_000) as u64;
        assert_eq!(queue.dropped(), 100 - kept, "lines beyond {MAX_BYTES} bytes are dropped and counted");
    }

    /// `count` lines of 100,000 bytes each, as a client's very long path makes.
    fn push_long_lines(queue: &AccessQueue, count: usize) {
        let long_path = "/".repeat(100_000);
        for _ in 0..count {
            queue.push_with(|text| text.extend_from_slice(long_path.as_bytes()));
        }
    }

    fn unwritten(capacity: usize) -> AccessQueue {
        AccessQueue { buffers: Mutex::new(Vec::new()), capacity, dropped: AtomicU64::new(0), id: u64::MAX }
    }

    #[test]
    fn a_buffer_grown_by_a_burst_is_given_back_once_written() {
        let queue = unwritten(10_000);
        push_long_lines(&queue, 10);
        let (mut sink, mut spare) = (Vec::new(), Vec::new());
        assert!(queue.drain_into(&mut sink, &mut spare));
        assert_eq!(sink.len(), 1_000_000);
        assert_eq!(spare.capacity(), 0, "the megabyte the burst took is freed");
        // The thread's own buffer now is the small one it was handed.
        assert!(MINE.with_borrow(|mine| lock(&mine[0].1).text.capacity()) <= KEPT_BYTES);
    }
}
