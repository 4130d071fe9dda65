//! Counting, for a few target values, how many population values are at or below each: the
//! explanations' percentiles, over millions of values.

/// Up to this many targets, each value is compared with every target: a handful of
/// compare-and-adds with no branch, where a binary search mispredicts about once a value.
/// A slice is counted a target at a time, which the compiler makes vector compares.
const FEW: usize = 8;

/// Counts population values at or below each of its targets.
#[derive(Clone, Debug)]
pub(super) struct Counter {
    /// The targets, sorted, and the target each sorted key belongs to.
    keys: Vec<f64>,
    order: Vec<usize>,
    /// Few targets: counts[j] is the number of values <= keys[j]. Many: the number in
    /// (keys[j-1], keys[j]], one binary search a value, summed up by `finish`.
    counts: Vec<u64>,
}

impl Counter {
    pub(super) fn new(targets: &[f64]) -> Counter {
        let mut sorted: Vec<(f64, usize)> = targets.iter().copied().zip(0..).collect();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        Counter {
            keys: sorted.iter().map(|p| p.0).collect(),
            order: sorted.iter().map(|p| p.1).collect(),
            counts: vec![0; targets.len() + 1],
        }
    }

    /// The same targets, nothing counted.
    pub(super) fn empty_like(&self) -> Counter {
        Counter {
            counts: vec![0; self.counts.len()],
            ..self.clone()
        }
    }

    #[inline]
    pub(super) fn add(&mut self, x: f64) {
        if self.keys.len() <= FEW {
            for (count, &key) in self.counts.iter_mut().zip(&self.keys) {
                *count += u64::from(x <= key);
            }
        } else {
            self.counts[self.keys.partition_point(|&k| k < x)] += 1;
        }
    }

    /// Every value of `values`: with few targets, each target counts the whole slice in
    /// one run (vector compares, several values at once).
    pub(super) fn add_slice(&mut self, values: &[f64]) {
        if self.keys.len() > FEW {
            values.iter().for_each(|&x| self.add(x));
            return;
        }
        for (count, &key) in self.counts.iter_mut().zip(&self.keys) {
            *count += values.iter().map(|&x| u64::from(x <= key)).sum::<u64>();
        }
    }

    /// Another counter's counts (same targets) added to these.
    pub(super) fn absorb(&mut self, other: Counter) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
    }

    /// For each target, in the order given, the number of values at or below it.
    pub(super) fn finish(self) -> Vec<u64> {
        let mut out = vec![0; self.keys.len()];
        let mut running = 0;
        for (j, &target) in self.order.iter().enumerate() {
            if self.keys.len() <= FEW {
                running = self.counts[j];
            } else {
                running += self.counts[j];
            }
            out[target] = running;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Values drawn from a few, so that ties with the targets (and -0.0 against 0.0) occur.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            prop::sample::select(vec![-0.0, 0.0, 1.0, -1.0, 2.5, 1e-300, f64::MAX]),
            -3.0..3.0f64,
        ]
    }

    proptest! {
        #[test]
        fn counts_what_a_comparison_of_every_pair_counts(
            targets in prop::collection::vec(value(), 1..40),
            population in prop::collection::vec(value(), 0..300),
            split in 0..300usize,
        ) {
            let mut counter = Counter::new(&targets);
            let (first, second) = population.split_at(split.min(population.len()));
            let mut other = counter.empty_like();
            first.iter().for_each(|&x| counter.add(x));
            // The second half as two slices: every other value, from the first and from
            // the second.
            for skip in [0, 1] {
                let every_other: Vec<f64> = second.iter().skip(skip).step_by(2).copied().collect();
                other.add_slice(&every_other);
            }
            counter.absorb(other);
            let expected: Vec<u64> = targets
                .iter()
                .map(|&t| population.iter().filter(|&&x| x <= t).count() as u64)
                .collect();
            prop_assert_eq!(counter.finish(), expected);
        }
    }
}
