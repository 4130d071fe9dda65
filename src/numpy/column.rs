//! Drawing one whole column (`rng.beta(a, b, size=n)`) on several cores, bit for bit as
//! the serial loop does.
//!
//! The stream is serial: variate i+1 starts where variate i's rejection loop stopped. So
//! each chunk after the first starts at a *guessed* stream position (mean draws per
//! variate times the chunk's start) and records where its first variates began. Then,
//! chunk by chunk, the true parse continues from the previous chunk's true end until it
//! reaches a position the guessed parse also started a variate at. From there the two
//! parses read the same draws the same way, so the speculative values are the true ones,
//! shifted. If they never meet within the window, the chunk is finished serially, so the
//! result is always exact and only the speed depends on the guess.

use super::Pcg64;
pub(super) use end_states::EndStates;
use rand::distr::Distribution;
use std::convert::Infallible;

/// Below this many variates per chunk, threads cost more than they save.
pub(super) const MIN_CHUNK: usize = crate::threads::MIN_SHARE;
/// How many starting positions a speculative chunk records, and how many variates the true
/// parse may walk looking for one of them. Resynchronisation itself takes tens of
/// variates; the window must also cover the error of the guessed start (see `fill_chunked`).
pub(super) const WINDOW: usize = 1 << 15;

/// An RNG that counts the 64-bit draws taken from it. A clone is a snapshot: the
/// generator and its position.
#[derive(Clone)]
pub(super) struct Counting {
    pub(super) rng: Pcg64,
    pub(super) pos: u64,
}

impl rand::TryRng for Counting {
    type Error = Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.pos += 1;
        self.rng.try_next_u32()
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.pos += 1;
        self.rng.try_next_u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        // Not used by the samplers; counted as whole words for completeness.
        self.pos += dst.len().div_ceil(8) as u64;
        self.rng.try_fill_bytes(dst)
    }
}

/// Fills `out` with consecutive variates of `dist` from `rng`, leaving `rng` just past the
/// last one: the same values and the same final state as a plain loop of `sample`.
pub fn fill<D: Distribution<f64> + Sync>(dist: &D, rng: &mut Pcg64, out: &mut [f64]) {
    fill_chunked(dist, rng, out, chunks_for(out.len()), 0);
}

/// Chunks for a column of `n`: one while one thread draws it, otherwise several a thread,
/// so that a thread slowed down (by another process, say) leaves its later chunks to the
/// others instead of being waited for. Past one a thread, a chunk is at least 16 windows
/// long, so that the chunks' tails stay a few percent of the work.
fn chunks_for(n: usize) -> usize {
    match crate::threads::for_items(n) {
        1 => 1,
        threads => (CHUNKS_A_THREAD * threads)
            .min(n / (16 * WINDOW))
            .max(threads),
    }
}

/// Each chunk after the first costs about a window's worth of extra variates (its tail),
/// so a few a thread balance the load for a few percent more work.
const CHUNKS_A_THREAD: usize = 2;

/// How the chunks after the first were joined to the true stream.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stitching {
    /// Chunks whose speculative values were used.
    pub synced: usize,
    /// Chunks finished serially because the guess was too far off.
    pub serial: usize,
}

/// `fill` with an explicit chunk count and a deliberate error added to every guess
/// (for tests of the recovery paths).
pub fn fill_chunked<D: Distribution<f64> + Sync>(
    dist: &D,
    rng: &mut Pcg64,
    out: &mut [f64],
    chunks: usize,
    guess_error: i64,
) -> Stitching {
    let mut stitching = Stitching::default();
    if chunks <= 1 {
        let mut local = rng.clone();
        out.iter_mut().for_each(|x| *x = dist.sample(&mut local));
        *rng = local;
        return stitching;
    }
    let n = out.len();
    // The first chunk's opening variates are drawn first and double as the pilot that sets
    // the guesses: with n/32 of them, the guess for a chunk starting at variate s is off
    // by about 1.7 sqrt(n) draws (the pilot's error grows as s / sqrt(n / 32)), plus the
    // sqrt(s) the stream itself wanders, well inside the window up to n ~ 10^9. The first
    // chunk is longer by the pilot, since the others only start once it is drawn.
    let pilot = (n / 32).max(1);
    let rest_len = (n - pilot).div_ceil(chunks);
    let (first, rest) = out.split_at_mut((pilot + rest_len).min(n));

    let mut head = Counting {
        rng: rng.clone(),
        pos: 0,
    };
    let sample = |rng: &mut Counting| dist.sample(rng);
    head = fill_plain(sample, head, &mut first[..pilot]);
    let mean = head.pos as f64 / pilot as f64;

    // The speculative chunks are shared out among the threads, the drawing thread taking
    // its part once its own chunk is done.
    let jobs: Vec<(&mut [f64], u64)> = rest
        .chunks_mut(rest_len)
        .enumerate()
        .map(|(c, part)| {
            let start = first.len() + c * rest_len;
            // Parses mostly step by 2 or 4 draws; starting on that grid syncs sooner.
            let at = (start as f64 * mean) as u64 & !3;
            (part, at.saturating_add_signed(guess_error))
        })
        .collect();
    let start_rng = &*rng;
    let draw = |(part, at)| speculate_from(dist, start_rng, part, at);
    let (head, done) =
        crate::threads::share(jobs, draw, || fill_plain(sample, head, &mut first[pilot..]));

    // Stitch: each chunk continues from the previous chunk's true end.
    let mut truth = head;
    for (part, spec) in done {
        let synced;
        (truth, synced) = stitch(dist, truth, part, spec);
        if synced {
            stitching.synced += 1;
        } else {
            stitching.serial += 1;
        }
    }
    *rng = truth.rng;
    stitching
}

/// Fills `out` with the variates `sample` draws from `rng`, and returns it just past them.
///
/// A function of its own, with the generator passed in and out by value, so that it stays
/// in registers: in a loop whose generator is also borrowed elsewhere (by a closure, or to
/// record its state), the compiler kept it in memory, and every draw paid a store and a
/// load on the generator's chain. A speculative chunk drew at half the serial speed.
#[inline(never)]
pub(super) fn fill_plain(
    sample: impl Fn(&mut Counting) -> f64,
    mut rng: Counting,
    out: &mut [f64],
) -> Counting {
    out.iter_mut().for_each(|x| *x = sample(&mut rng));
    rng
}

/// What a speculative chunk produced.
struct Speculation {
    /// Stream positions at which its first variates began (ascending).
    starts: Vec<u64>,
    /// Values past the chunk's length, for when the guess started early.
    tail: Vec<f64>,
    /// The generator after each of the last variates (counting the chunk's variates and
    /// then the tail's).
    end_states: EndStates,
}

/// A chunk drawn from the stream position `at` of the generator `start` (see [`speculate`]).
fn speculate_from<'a, D: Distribution<f64>>(
    dist: &D,
    start: &Pcg64,
    part: &'a mut [f64],
    at: u64,
) -> (&'a mut [f64], Speculation) {
    let mut rng = start.clone();
    rng.advance(u128::from(at));
    let spec = speculate(dist, Counting { rng, pos: at }, part);
    (part, spec)
}

fn speculate<D: Distribution<f64>>(dist: &D, mut rng: Counting, part: &mut [f64]) -> Speculation {
    let n = part.len();
    let mut starts = Vec::with_capacity(WINDOW.min(n));
    let ends_from = n.saturating_sub(WINDOW);
    let mut end_states = EndStates::new(ends_from, n + WINDOW - ends_from);
    // The opening variates record where they start, the closing ones the state after
    // them; the long middle records nothing, a loop of its own.
    let opening = WINDOW.min(n);
    let closing = ends_from.max(opening);
    for (i, x) in part[..opening].iter_mut().enumerate() {
        starts.push(rng.pos);
        if i >= ends_from {
            end_states.before(i, &rng);
        }
        *x = dist.sample(&mut rng);
    }
    rng = fill_plain(|r| dist.sample(r), rng, &mut part[opening..closing]);
    for (i, x) in (closing..).zip(&mut part[closing..]) {
        end_states.before(i, &rng);
        *x = dist.sample(&mut rng);
    }
    let tail = (n..n + WINDOW)
        .map(|i| {
            end_states.before(i, &rng);
            dist.sample(&mut rng)
        })
        .collect();
    Speculation {
        starts,
        tail,
        end_states,
    }
}

/// Walks the true parse at `truth`, drawing variates with `next`, until it starts one at a
/// position in `starts` (where a speculative parse also started one). Returns the values
/// drawn before that and the index of the start met, or None once the walk has passed every
/// recorded start or drawn `limit` (at most the window) values.
pub(super) fn walk_to_meeting(
    truth: &mut Counting,
    starts: &[u64],
    limit: usize,
    mut next: impl FnMut(&mut Counting) -> f64,
) -> (Vec<f64>, Option<usize>) {
    let mut prefix = Vec::new();
    loop {
        if let Ok(k) = starts.binary_search(&truth.pos) {
            return (prefix, Some(k));
        }
        let passed = starts.last().is_none_or(|&l| truth.pos > l);
        if prefix.len() >= limit.min(WINDOW) || passed {
            return (prefix, None);
        }
        prefix.push(next(truth));
    }
}

/// Makes `part` the true continuation of the stream at `truth`; returns the state after it
/// and whether the speculative values were used.
fn stitch<D: Distribution<f64>>(
    dist: &D,
    mut truth: Counting,
    part: &mut [f64],
    spec: Speculation,
) -> (Counting, bool) {
    let n = part.len();
    let (prefix, found) = walk_to_meeting(&mut truth, &spec.starts, n, |t| dist.sample(t));
    let m = prefix.len();
    // True variate m + t (t < n - m) is speculative variate k + t; the state after the
    // chunk is the one after speculative variate k + n - m - 1, if it was recorded.
    let recorded = |last: usize| spec.end_states.holds(last);
    let Some(k) = found.filter(|&k| m < n && recorded(k + n - m - 1)) else {
        // No usable meeting point: finish the chunk serially from the truth.
        part[..m].copy_from_slice(&prefix);
        part[m..]
            .iter_mut()
            .for_each(|x| *x = dist.sample(&mut truth));
        return (truth, false);
    };
    let last = k + n - m - 1;
    if k >= m {
        let avail = n - k; // speculative values still inside `part`
        part.copy_within(k..k + avail.min(n - m), m);
        let from_tail = (n - m).saturating_sub(avail);
        part[m + avail.min(n - m)..].copy_from_slice(&spec.tail[..from_tail]);
    } else {
        part.copy_within(k..k + (n - m), m);
    }
    part[..m].copy_from_slice(&prefix);
    let end = spec.end_states.after(last, |rng| {
        dist.sample(rng);
    });
    (end, true)
}

mod end_states;
#[cfg(test)]
mod tests;
