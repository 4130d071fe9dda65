//! Beta(a, a) columns (a > 1) on two threads.
//!
//! Such a variate is `ga / (ga + gb)` with both gammas drawn the same way, so a speculative
//! parse that starts one gamma out of step with the true one stays out of step forever: it
//! pairs gammas (1, 2), (3, 4), ... where the truth pairs (0, 1), (2, 3), ... (the general
//! stitching in `column` then never meets the true parse). Here the speculative thread draws
//! one gamma stream and keeps both pairings; stitching picks the one the truth uses.
//!
//! The second pairing needs as much room as the chunk itself. It borrows the part of the
//! column not drawn yet: the column is done in thirds (first third true, second third
//! speculative with its other pairing in the last third), then the last third the same way.

use super::Gamma;
use super::column::{Counting, EndStates, MIN_CHUNK, WINDOW, fill_plain, walk_to_meeting};
use rand::distr::Distribution;

/// How the speculative thirds were joined (for tests).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct PairStitching {
    pub same_pairing: usize,
    pub other_pairing: usize,
    pub serial: usize,
}

/// Fills `out` with Beta(a, a) variates, where `gamma` is Gamma(a, 1), exactly as a loop of
/// `ga / (ga + gb)` from `rng` would, and leaves `rng` after the last one.
pub fn fill(gamma: &Gamma, rng: &mut super::Pcg64, out: &mut [f64]) {
    let min_level = if out.len() >= 3 * MIN_CHUNK && crate::threads::count() > 1 {
        3 * MIN_CHUNK
    } else {
        usize::MAX
    };
    fill_levels(gamma, rng, out, min_level, 0);
}

/// [`fill`] with the smallest region split in thirds and a deliberate guess error (tests).
pub(crate) fn fill_levels(
    gamma: &Gamma,
    rng: &mut super::Pcg64,
    mut out: &mut [f64],
    min_level: usize,
    guess_error: i64,
) -> PairStitching {
    let mut stats = PairStitching::default();
    let mut truth = Counting {
        rng: rng.clone(),
        pos: 0,
    };
    while out.len() >= min_level.max(3) {
        let third = out.len() / 3;
        let (first, rest) = out.split_at_mut(third);
        let (second, last) = rest.split_at_mut(third);
        // The first third's opening variates set the guess for the second third's start.
        let pilot = (third / 16).max(1);
        let start = truth.pos;
        truth = fill_plain(|r| beta(gamma, r), truth, &mut first[..pilot]);
        let mean = (truth.pos - start) as f64 / pilot as f64;
        let at = (start + (third as f64 * mean) as u64) & !3;
        let at = at.saturating_add_signed(guess_error).max(truth.pos);
        let mut spec_rng = truth.clone();
        spec_rng.rng.advance(u128::from(at - truth.pos));
        spec_rng.pos = at;
        let other = &mut last[..third];
        let spec = std::thread::scope(|scope| {
            let handle =
                crate::allocator::spawn_scoped(scope, || speculate(gamma, spec_rng, second, other));
            // The scope's closure borrows `truth`, so the state goes in as a copy and
            // comes back as the new `truth`: nothing else draws from it meanwhile.
            truth = fill_plain(|r| beta(gamma, r), truth.clone(), &mut first[pilot..]);
            handle.join().expect("a sampling thread panicked")
        });
        match stitch(gamma, &mut truth, second, &last[..third], spec) {
            Some(0) => stats.same_pairing += 1,
            Some(_) => stats.other_pairing += 1,
            None => stats.serial += 1,
        }
        out = last;
    }
    truth = fill_plain(|r| beta(gamma, r), truth, out);
    *rng = truth.rng;
    stats
}

#[inline(always)]
fn beta(gamma: &Gamma, rng: &mut Counting) -> f64 {
    let ga = gamma.sample(rng);
    let gb = gamma.sample(rng);
    ga / (ga + gb)
}

/// One gamma stream, both pairings.
struct PairedSpeculation {
    /// Stream positions at which its first gammas began (ascending).
    starts: Vec<u64>,
    /// Pairings past the chunk's length: `tails[p][i]` is pairing p's variate `len + i`.
    tails: [Vec<f64>; 2],
    /// The generator after each of the last gammas.
    end_states: EndStates,
}

/// Draws gammas from `rng`; pairing 0 ((0, 1), (2, 3), ...) goes to `same`, pairing 1
/// ((1, 2), (3, 4), ...) to `other`, each `same.len()` long plus a tail.
fn speculate(
    gamma: &Gamma,
    mut rng: Counting,
    same: &mut [f64],
    other: &mut [f64],
) -> PairedSpeculation {
    let len = same.len();
    // Each pairing needs `len` variates plus a tail of WINDOW (the truth may meet this
    // stream up to WINDOW variates late), two gammas a variate: 2 (len + WINDOW) gammas,
    // and one more so that pairing 1, which starts a gamma later, is as long as pairing 0.
    let total = 2 * (len + WINDOW) + 1;
    // The truth can leave this chunk after any of the last WINDOW variates of either
    // pairing, so the states after every gamma from 2 (len - WINDOW) on are kept.
    let ends_from = 2 * len.saturating_sub(WINDOW);
    let mut starts = Vec::with_capacity(2 * WINDOW);
    let mut end_states = EndStates::new(ends_from, total - ends_from);
    let mut tails = [Vec::with_capacity(WINDOW), Vec::with_capacity(WINDOW)];
    let mut prev = 0.0;
    // The long middle, where no start or state is recorded and both pairings' variates fall
    // inside the chunk, is a loop of its own (see `column::fill_plain`).
    let middle = (2 * WINDOW).max(1)..ends_from;
    let mut k = 0;
    while k < total {
        if k == middle.start && middle.end > middle.start {
            (rng, prev) = draw_paired(gamma, rng, prev, middle.clone(), same, other);
            k = middle.end;
            continue;
        }
        if k < 2 * WINDOW {
            starts.push(rng.pos);
        }
        if k >= ends_from {
            end_states.before(k, &rng);
        }
        let g = gamma.sample(&mut rng);
        if k >= 1 {
            // Gammas k-1 and k make variate (k-1)/2 of pairing (k-1) % 2.
            let value = prev / (prev + g);
            let (pairing, i) = ((k - 1) % 2, (k - 1) / 2);
            let slot = if pairing == 0 {
                same.get_mut(i)
            } else {
                other.get_mut(i)
            };
            match slot {
                Some(s) => *s = value,
                None => tails[pairing].push(value),
            }
        }
        prev = g;
        k += 1;
    }
    PairedSpeculation {
        starts,
        tails,
        end_states,
    }
}

/// Gammas `ks` of a speculative stream (after `prev`, the one before them) paired both ways
/// into `same` and `other`, every variate inside them; returns the generator and the last
/// gamma. Like `column::fill_plain`, a function of its own so the generator stays in
/// registers.
#[inline(never)]
fn draw_paired(
    gamma: &Gamma,
    mut rng: Counting,
    mut prev: f64,
    ks: std::ops::Range<usize>,
    same: &mut [f64],
    other: &mut [f64],
) -> (Counting, f64) {
    debug_assert!(ks.start >= 1 && ks.end <= 2 * same.len().min(other.len()) + 1);
    for k in ks {
        let g = gamma.sample(&mut rng);
        // Gammas k-1 and k make variate (k-1)/2 of pairing (k-1) % 2.
        let (pairing, i) = ((k - 1) % 2, (k - 1) / 2);
        let slot = if pairing == 0 {
            &mut same[i]
        } else {
            &mut other[i]
        };
        *slot = prev / (prev + g);
        prev = g;
    }
    (rng, prev)
}

/// Makes `part` the true continuation of the stream at `truth`, from the pairing the truth
/// uses; `other` holds the speculative thread's second pairing. Returns the pairing used,
/// or None if the chunk was finished serially.
fn stitch(
    gamma: &Gamma,
    truth: &mut Counting,
    part: &mut [f64],
    other: &[f64],
    spec: PairedSpeculation,
) -> Option<usize> {
    let n = part.len();
    let (prefix, found) = walk_to_meeting(truth, &spec.starts, n, |t| beta(gamma, t));
    let m = prefix.len();
    // True variate m + t is pairing k % 2's variate k / 2 + t, ending with gamma
    // k + 2 (n - m) - 1, whose following state must have been recorded.
    let usable = |k: usize| m < n && spec.end_states.holds(k + 2 * (n - m) - 1);
    let Some(k) = found.filter(|&k| usable(k)) else {
        part[..m].copy_from_slice(&prefix);
        part[m..].iter_mut().for_each(|x| *x = beta(gamma, truth));
        return None;
    };
    let (pairing, j) = (k % 2, k / 2);
    let need = n - m;
    let inside = n.saturating_sub(j).min(need); // values still inside the chunk-long array
    if pairing == 0 {
        part.copy_within(j..j + inside, m);
    } else {
        part[m..m + inside].copy_from_slice(&other[j..j + inside]);
    }
    part[m + inside..].copy_from_slice(&spec.tails[pairing][..need - inside]);
    part[..m].copy_from_slice(&prefix);
    *truth = spec.end_states.after(k + 2 * need - 1, |rng| {
        gamma.sample(rng);
    });
    Some(pairing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numpy::{Beta, default_rng};
    use rand::Rng;

    fn check(a: f64, n: usize, min_level: usize, guess_error: i64) -> PairStitching {
        let mut serial_rng = default_rng(11);
        let beta_dist = Beta::new(a, a).unwrap();
        let serial: Vec<f64> = (0..n).map(|_| beta_dist.sample(&mut serial_rng)).collect();
        let mut rng = default_rng(11);
        let mut out = vec![0.0; n];
        let stats = fill_levels(
            &Gamma::new(a, 1.0).unwrap(),
            &mut rng,
            &mut out,
            min_level,
            guess_error,
        );
        let first_diff = out
            .iter()
            .zip(&serial)
            .position(|(x, y)| x.to_bits() != y.to_bits());
        assert_eq!(
            first_diff, None,
            "a {a} n {n} level {min_level} error {guess_error}"
        );
        assert_eq!(
            rng.next_u64(),
            serial_rng.next_u64(),
            "state after the column"
        );
        stats
    }

    #[test]
    fn equal_shape_betas_match_serial_with_either_pairing() {
        let mut seen = PairStitching::default();
        for error in [0, 1, 2, 3, 4, 6, -5, 9, -300, 777] {
            let s = check(2.5, 200_000, 20_000, error);
            assert_eq!(s.serial, 0, "guess error {error}: {s:?}");
            seen.same_pairing += s.same_pairing;
            seen.other_pairing += s.other_pairing;
        }
        // Both pairings turn out to be the true one for some guesses.
        assert!(seen.same_pairing > 0 && seen.other_pairing > 0, "{seen:?}");
    }

    #[test]
    fn other_shapes_sizes_and_far_guesses() {
        check(2.0, 100_003, 9_000, 0);
        check(30.0, 50_000, 5_000, 3);
        check(2.5, 10, 3, 0); // tiny levels
        check(2.5, 90_000, 1 << 40, 0); // no level: serial
        let far = check(2.5, 100_000, 30_000, 50_000_000);
        assert!(
            far.serial > 0,
            "a guess far past the chunk finishes serially: {far:?}"
        );
    }
}
