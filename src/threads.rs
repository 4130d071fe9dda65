//! How many threads the computation may use: every core this process may run on (its
//! affinity and cgroup quota; at most [`AUTO_LIMIT`]), or what `--threads` says. The count
//! changes only the speed: every parallel step (drawing a column, folding, ranking,
//! sorting, reading a CSV, selecting the priority set, counting for the explanations,
//! counting the density view's pixels) gives the same bits on any number of threads.

use std::cell::Cell;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

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

thread_local! {
    /// Set while this thread runs the `meanwhile` of a [`share`], whose jobs hold the
    /// other threads: a step started then stays on this thread, so a run never holds more
    /// threads than its outer step counted on.
    static NESTED: Cell<bool> = const { Cell::new(false) };
}

/// Threads for a step over `items` items: at most [`count`], each with at least
/// [`MIN_SHARE`] items, and at least one (one inside another step's `meanwhile`).
pub(crate) fn for_items(items: usize) -> usize {
    if NESTED.get() {
        return 1;
    }
    // Small steps never ask: the first question reads cgroup files (tens of microseconds).
    match items / MIN_SHARE {
        0 | 1 => 1,
        shares => count().min(shares),
    }
}

/// Runs `each` on every job, on up to [`count`] - 1 other threads and on this one, which
/// runs `meanwhile` first and then takes jobs too: every thread takes the next job left,
/// so a thread slowed down leaves the rest to the others. Returns what `meanwhile` gave
/// and each job's result, in the jobs' order.
pub(crate) fn share<T: Send, R: Send, A>(
    jobs: Vec<T>,
    each: impl Fn(T) -> R + Sync,
    meanwhile: impl FnOnce() -> A,
) -> (A, Vec<R>) {
    let helpers = count().saturating_sub(1).min(jobs.len());
    share_among(helpers, jobs, each, meanwhile)
}

/// [`share`] with `helpers` other threads.
fn share_among<T: Send, R: Send, A>(
    helpers: usize,
    jobs: Vec<T>,
    each: impl Fn(T) -> R + Sync,
    meanwhile: impl FnOnce() -> A,
) -> (A, Vec<R>) {
    let jobs: Vec<Mutex<Option<T>>> = jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let results: Vec<Mutex<Option<R>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let each = &each;
    let work = || loop {
        // Each index is handed out once, so each job is taken by one thread.
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = jobs.get(i) else {
            return;
        };
        if let Some(job) = slot.lock().ok().and_then(|mut j| j.take()) {
            let result = each(job);
            if let Ok(mut out) = results[i].lock() {
                *out = Some(result);
            }
        }
    };
    let done = std::thread::scope(|scope| {
        for _ in 0..helpers {
            crate::allocator::spawn_scoped(scope, work);
        }
        let done = nested(meanwhile);
        work();
        done
    });
    let results = results
        .into_iter()
        .map(|r| r.into_inner().ok().flatten().expect("every job ran"))
        .collect();
    (done, results)
}

/// Each job's result, in order: the jobs shared out among this thread and up to one
/// other a job ([`share`]); a single job is done here without starting any.
pub(crate) fn map<T: Send, R: Send>(jobs: Vec<T>, each: impl Fn(T) -> R + Sync) -> Vec<R> {
    if jobs.len() <= 1 {
        return jobs.into_iter().map(each).collect();
    }
    let helpers = count().saturating_sub(1).min(jobs.len() - 1);
    share_among(helpers, jobs, each, || ()).1
}

/// The length of each of `parts` runs that together cover `items` (the last may be
/// shorter): at least 1, as `chunks` needs.
pub(crate) fn part_len(items: usize, parts: usize) -> usize {
    items.div_ceil(parts.max(1)).max(1)
}

/// Runs `f` with [`NESTED`] set, and puts back what it was (also if `f` panics).
fn nested<A>(f: impl FnOnce() -> A) -> A {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            NESTED.set(self.0);
        }
    }
    let _restore = Restore(NESTED.replace(true));
    f()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_jobs_all_run_and_come_back_in_order() {
        let jobs: Vec<usize> = (0..1000).collect();
        let (before, squares) = share(jobs, |j| j * j, || "meanwhile");
        assert_eq!(before, "meanwhile");
        assert_eq!(squares, (0..1000).map(|j| j * j).collect::<Vec<_>>());
        let (_, none) = share(Vec::<usize>::new(), |j| j, || ());
        assert!(none.is_empty());
    }

    #[test]
    fn a_step_inside_anothers_meanwhile_stays_on_its_thread() {
        let big = 64 * MIN_SHARE;
        let outside = for_items(big);
        let (inside, _) = share(vec![(); 4], |()| (), || for_items(big));
        assert_eq!(inside, 1);
        assert_eq!(for_items(big), outside, "the flag is put back");
        assert_eq!(map(vec![2, 3], |j| j * j), [4, 9]);
        assert_eq!(part_len(10, 3), 4);
        assert_eq!(part_len(0, 4), 1);
        assert_eq!(part_len(5, 0), 5);
    }
}
