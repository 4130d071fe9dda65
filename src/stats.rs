//! Threshold, priority set and ranking over a score column, numpy-compatible and O(n).
//!
//! `np.quantile(method='linear')` and `np.argsort(...)[-k:][::-1]` sort the whole array;
//! the same order statistics come out of a selection (quantile) and a bounded heap (top k).

mod priority;
mod select;
mod sort;

pub use priority::priority_indices;
pub use select::adjacent_order_statistics;
pub use sort::{sort_ascending, sorted_descending};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// `np.quantile(values, q)` with the default 'linear' method, bit for bit.
///
/// `q` must lie in [0, 1] and `values` must be non-empty (the CLI validates both). The two
/// order statistics come from a selection that leaves `values` as they are, so no sort and
/// no copy is needed.
pub fn quantile_linear(values: &[f64], q: f64) -> f64 {
    let n = values.len();
    assert!(n > 0, "quantile of an empty column");
    let last = (n - 1) as f64;
    let virtual_index = last * q;
    if virtual_index >= last {
        let max = values
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(f64::NAN);
        // numpy still interpolates here (max + 0 * 0), which turns a -0.0 into +0.0; an
        // array of one value is returned as it is.
        return if n > 1 { lerp(max, max, 0.0) } else { max };
    }
    let lo = virtual_index.floor() as usize;
    let g = virtual_index - lo as f64;
    let (a, b) = adjacent_order_statistics(values, lo);
    lerp(a, b, g)
}

/// `np.quantile(values, q)` on values already sorted ascending: the same interpolation as
/// [`quantile_linear`], with the order statistics read off instead of selected.
pub fn quantile_sorted(ascending: &[f64], q: f64) -> f64 {
    quantile_of_order(ascending.len(), |i| ascending[i], q)
}

/// [`quantile_sorted`] over values sorted descending.
pub fn quantile_sorted_descending(descending: &[f64], q: f64) -> f64 {
    let n = descending.len();
    quantile_of_order(n, |i| descending[n - 1 - i], q)
}

/// The quantile from `nth(i)`, the i-th smallest of `n` values.
fn quantile_of_order(n: usize, nth: impl Fn(usize) -> f64, q: f64) -> f64 {
    assert!(n > 0, "quantile of an empty column");
    let last = (n - 1) as f64;
    let virtual_index = last * q;
    if virtual_index >= last {
        let max = nth(n - 1);
        return if n > 1 { lerp(max, max, 0.0) } else { max };
    }
    let lo = virtual_index.floor() as usize;
    lerp(nth(lo), nth(lo + 1), virtual_index - lo as f64)
}

/// numpy's `_lerp`: measured from the nearer end, so g >= 0.5 rounds from `b`.
pub fn lerp(a: f64, b: f64, g: f64) -> f64 {
    let d = b - a;
    if g >= 0.5 {
        b - d * (1.0 - g)
    } else {
        a + d * g
    }
}

/// A score with its index, ordered by score, then by index: so among equal scores the
/// higher index ranks first, as in a stable ascending argsort read backwards.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ScoredCase(f64, usize);

impl Eq for ScoredCase {}

impl PartialOrd for ScoredCase {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ScoredCase {
    fn cmp(&self, other: &Self) -> Ordering {
        // == on doubles, as numpy's sort compares: +0.0 and -0.0 tie (scores are never NaN).
        let by_score = self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal);
        by_score.then(self.1.cmp(&other.1))
    }
}

/// The indices of the `k` largest scores, largest first (`argsort(scores)[-k:][::-1]`).
///
/// Ties (which continuous data does not produce) go to the higher index. A min-heap of
/// size k keeps this O(n log k) in time and O(k) in memory. The scores must not be NaN
/// (a chunk's maxima would pass over one).
pub fn top_indices(scores: &[f64], k: usize) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    let mut top = TopK::new(k.min(scores.len()));
    const CHUNK: usize = 64;
    for (c, chunk) in scores.chunks(CHUNK).enumerate() {
        // Once k are in, a chunk whose largest score is below the k-th best has nothing
        // to offer: eight running maxima tell (vector compares), not a heap look a score.
        if let (Some(floor), Ok(whole)) = (top.floor(), <&[f64; CHUNK]>::try_from(chunk)) {
            let mut lanes = [f64::NEG_INFINITY; 8];
            for eight in whole.chunks_exact(8) {
                for (lane, &s) in lanes.iter_mut().zip(eight) {
                    *lane = if s > *lane { s } else { *lane };
                }
            }
            if lanes.iter().all(|&l| l < floor) {
                continue;
            }
        }
        for (j, &s) in chunk.iter().enumerate() {
            top.push(s, c * CHUNK + j);
        }
    }
    top.into_indices()
}

/// The k highest scores seen so far, for scores that arrive one at a time.
#[derive(Debug)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Reverse<ScoredCase>>,
}

impl TopK {
    /// Reserves for `k` (callers cap k at the number of scores when they know it).
    pub fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.min(1 << 20) + 1),
        }
    }

    /// Offers case `index`; returns whether it is now among the top k and, if it pushed
    /// another case out, that case's index.
    ///
    /// Inlined, so that the usual case, one that does not get in, is one comparison where
    /// the cases are offered (the scoring pass offers every row).
    #[inline]
    pub fn push(&mut self, score: f64, index: usize) -> (bool, Option<usize>) {
        let item = ScoredCase(score, index);
        let full = self.heap.len() >= self.k;
        if full && self.heap.peek().is_none_or(|Reverse(min)| item <= *min) {
            return (false, None);
        }
        self.admit(item, full)
    }

    fn admit(&mut self, item: ScoredCase, full: bool) -> (bool, Option<usize>) {
        let out = if full {
            self.heap.pop().map(|Reverse(r)| r.1)
        } else {
            None
        };
        self.heap.push(Reverse(item));
        (true, out)
    }

    /// The lowest score among the k, once k are in: a case scoring below it cannot get in.
    pub fn floor(&self) -> Option<f64> {
        let Reverse(lowest) = self.heap.peek()?;
        (self.heap.len() >= self.k).then_some(lowest.0)
    }

    /// The indices, highest score first.
    pub fn into_indices(self) -> Vec<usize> {
        // into_sorted_vec of Reverse<_> is ascending in Reverse, i.e. descending by rank.
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Reverse(r)| r.1)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook definition: sort everything, index, interpolate.
    fn quantile_by_sorting(values: &[f64], q: f64) -> f64 {
        let mut s = values.to_vec();
        s.sort_by(f64::total_cmp);
        let last = (s.len() - 1) as f64;
        let vi = last * q;
        if vi >= last {
            return s[s.len() - 1];
        }
        let lo = vi.floor() as usize;
        lerp(s[lo], s[lo + 1], vi - lo as f64)
    }

    fn top_by_sorting(values: &[f64], k: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..values.len()).collect();
        // == on doubles: -0.0 and 0.0 tie, and a tie goes to the higher index.
        idx.sort_by(|&i, &j| values[i].partial_cmp(&values[j]).unwrap().then(i.cmp(&j)));
        idx.into_iter().rev().take(k).collect()
    }

    #[test]
    fn lerp_takes_the_upper_branch_from_one_half() {
        // 0.1 + (0.7 - 0.1) * 0.5 and 0.7 - 0.6 * 0.5 differ in the last bit.
        let (a, b) = (0.1, 0.7);
        assert_eq!(lerp(a, b, 0.5), b - (b - a) * 0.5);
        assert_ne!(a + (b - a) * 0.5, b - (b - a) * 0.5);
        assert_eq!(lerp(a, b, 0.25), a + (b - a) * 0.25);
    }

    #[test]
    fn quantile_edges() {
        assert_eq!(quantile_linear(&[3.0], 0.5), 3.0);
        assert_eq!(quantile_linear(&[3.0, 1.0, 2.0], 0.0), 1.0);
        assert_eq!(quantile_linear(&[3.0, 1.0, 2.0], 1.0), 3.0);
        assert_eq!(quantile_linear(&[1.0, 2.0], 0.5), 1.5);
        // numpy: np.quantile([-1.0, -0.0], 1.0) is +0.0, np.quantile([-0.0], 1.0) is -0.0.
        assert_eq!(quantile_linear(&[-1.0, -0.0], 1.0).to_bits(), 0);
        assert!(quantile_linear(&[-0.0], 1.0).is_sign_negative());
    }

    #[test]
    fn top_indices_breaks_ties_towards_higher_index() {
        assert_eq!(top_indices(&[1.0, 5.0, 5.0, 2.0], 2), vec![2, 1]);
        assert_eq!(top_indices(&[1.0, 2.0], 5), vec![1, 0]);
        // numpy's sort compares with <: +0.0 and -0.0 tie, so the higher index ranks first.
        assert_eq!(top_indices(&[0.0, -0.0], 2), vec![1, 0]);
        assert_eq!(top_indices(&[-0.0, 0.0], 2), vec![1, 0]);
        assert!(top_indices(&[1.0], 0).is_empty());
        // Ties in later whole chunks of 64 still get in, -0.0 and 0.0 alike.
        assert_eq!(top_indices(&[0.5; 192], 3), vec![191, 190, 189]);
        let zeros: Vec<f64> = (0..192)
            .map(|i| if i % 3 == 0 { -0.0 } else { 0.0 })
            .collect();
        assert_eq!(top_indices(&zeros, 2), vec![191, 190]);
        assert_eq!(top_indices(&[1.0, 3.0], usize::MAX), vec![1, 0]);
    }

    proptest! {
        #[test]
        fn sorted_quantile_equals_selection(
            values in prop::collection::vec(-1e3f64..1e3, 1..300),
            q in 0.0f64..=1.0,
        ) {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            prop_assert_eq!(
                quantile_sorted(&sorted, q).to_bits(),
                quantile_linear(&values, q).to_bits()
            );
        }

        #[test]
        fn selection_quantile_equals_sorting(
            values in prop::collection::vec(-1e3f64..1e3, 1..200),
            q in 0.0f64..=1.0,
        ) {
            let expected = quantile_by_sorting(&values, q);
            prop_assert_eq!(quantile_linear(&values, q).to_bits(), expected.to_bits());
        }

        #[test]
        fn heap_top_k_equals_sorting(
            // Past a few chunks of 64, with ties (and -0.0 against 0.0) at the k-th best.
            values in prop::collection::vec(
                prop_oneof![Just(0.5f64), Just(0.0), Just(-0.0), 0.0f64..1.0],
                0..400,
            ),
            k in 0usize..20,
        ) {
            prop_assert_eq!(top_indices(&values, k), top_by_sorting(&values, k));
        }

    }
}
