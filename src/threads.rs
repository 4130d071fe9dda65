//! How many threads the computation may use: every core this process may run on (its
//! affinity and cgroup quota; at most [`AUTO_LIMIT`]), or what `--threads` says. The count
//! changes only the speed: every parallel step (drawing a column, folding, ranking,
//! sorting, reading a CSV) gives the same bits on any number of threads.

use std::num::NonZeroUsize;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The most threads used when `--threads` is not given: past this, thread start-up and the
/// serial stitching of columns outweigh what more cores add at the lab's sizes.
pub(crate) const AUTO_LIMIT: usize = 8;

/// The count `--threads` asked for; 0 while none was.
static ASKED: AtomicUsize = AtomicUsize::new(0);

/// Uses `n` threads from now on (the CLI sets it once, before any work).
pub(crate) fn set(n: NonZeroUsize) {
    ASKED.store(n.get(), Ordering::Relaxed);
}

/// The number of threads to use.
pub(crate) fn count() -> usize {
    match ASKED.load(Ordering::Relaxed) {
        0 => cores(),
        n => n,
    }
}

/// Each thread of a parallel step over items (drawing a column, folding scores) gets at
/// least this many: below it, starting a thread costs more than it saves.
pub(crate) const MIN_SHARE: usize = 1 << 16;

/// Threads for a step over `items` items: at most [`count`], each with at least
/// [`MIN_SHARE`] items, and at least one.
pub(crate) fn for_items(items: usize) -> usize {
    // Small steps never ask: the first question reads cgroup files (tens of microseconds).
    match items / MIN_SHARE {
        0 | 1 => 1,
        shares => count().min(shares),
    }
}

/// The cores this process may use (at most [`AUTO_LIMIT`]), asked once: the question
/// reads cgroup files and costs tens of microseconds.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(AUTO_LIMIT)
    })
}
