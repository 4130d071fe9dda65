//! The generator's state after any draw of a speculative chunk's closing stretch, kept
//! sparsely. Stitching needs one of them, and which one is known only then; keeping each
//! whole took 48 bytes a draw (megabytes a chunk, all in fresh pages), so only a snapshot
//! every [`EVERY`] draws is kept and the few draws since it are drawn again.

use super::Counting;

/// Draws between snapshots: at most this many are drawn again for a state.
const EVERY: usize = 64;

/// States after draws `from..drawn` of a run of draws (variates, or gammas).
pub(crate) struct EndStates {
    from: usize,
    drawn: usize,
    /// `snapshots[c]`: the generator before draw `from + c * EVERY`.
    snapshots: Vec<Counting>,
}

impl EndStates {
    /// Room for the states after draws `from..from + len`.
    pub(crate) fn new(from: usize, len: usize) -> EndStates {
        EndStates {
            from,
            drawn: from,
            snapshots: Vec::with_capacity(len.div_ceil(EVERY)),
        }
    }

    /// Called with the generator just before draw `k`, for every `k` from `from` on, in
    /// order.
    #[inline(always)]
    pub(crate) fn before(&mut self, k: usize, rng: &Counting) {
        if (k - self.from) % EVERY == 0 {
            self.snapshots.push(rng.clone());
        }
        self.drawn = k + 1;
    }

    /// Whether the state after draw `j` is known.
    pub(crate) fn holds(&self, j: usize) -> bool {
        (self.from..self.drawn).contains(&j)
    }

    /// The generator after draw `j` (which [`EndStates::holds`]), redrawing the draws since
    /// the snapshot before it with `draw`, as the run drew them.
    pub(crate) fn after(&self, j: usize, mut draw: impl FnMut(&mut Counting)) -> Counting {
        assert!(self.holds(j), "draw {j} is outside the states kept");
        let since = j - self.from;
        let mut rng = self.snapshots[since / EVERY].clone();
        for _ in 0..=since % EVERY {
            draw(&mut rng);
        }
        rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numpy::{Beta, default_rng};
    use rand::distr::Distribution;

    /// Every state given back is the one the run passed through, whatever its offset from
    /// a snapshot, for runs starting anywhere and of any length.
    #[test]
    fn every_state_is_the_one_the_run_had() {
        let beta = Beta::new(2.0, 4.0).unwrap();
        let draw = |r: &mut Counting| {
            beta.sample(r);
        };
        for (from, len) in [(0, 1), (0, 64), (5, 65), (100, 200), (3, 1000)] {
            let mut rng = Counting {
                rng: default_rng(3),
                pos: 0,
            };
            (0..from).for_each(|_| draw(&mut rng));
            let mut kept = EndStates::new(from, len);
            let mut truth = Vec::new();
            for k in from..from + len {
                kept.before(k, &rng);
                draw(&mut rng);
                truth.push(rng.clone());
            }
            assert!(!kept.holds(from.wrapping_sub(1)) && !kept.holds(from + len));
            for (j, t) in (from..).zip(&truth) {
                let got = kept.after(j, draw);
                assert_eq!(
                    (got.rng, got.pos),
                    (t.rng.clone(), t.pos),
                    "from {from} j {j}"
                );
            }
        }
    }
}
