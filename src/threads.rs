//! How many threads the computation may use: every core this process may run on (at most
//! [`AUTO_LIMIT`]), or what `--threads` says. The count changes only the speed: every
//! parallel step (drawing a column, folding, ranking, sorting, reading a CSV) gives the
//! same bits on any number of threads.

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
