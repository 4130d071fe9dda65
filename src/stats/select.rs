//! Order statistics of a score column without copying or reordering it. First a sample of
//! the scores places an interval around the wanted rank, and one pass copies out the few
//! keys in it. Where the sample misleads, a radix selection on the doubles' order-preserving
//! keys decides: each level counts the keys still in play into 2^16 buckets spread over
//! their range and keeps the one bucket that holds the wanted rank, until few enough are
//! left to copy out and select among; each level takes 16 bits off the range, so there are
//! at most four.

use super::sort::{key, unkey};

/// Buckets a level counts into.
const BUCKET_BITS: u32 = 16;
/// Keys still in play at or below this many (or a sixteenth of the column, half a byte a
/// score) are copied out and selected among, cheaper than another pass over the column.
const GATHER_AT_LEAST: usize = 1 << 16;

/// The `r`-th and `(r+1)`-th smallest of `values` (from 0) in `f64::total_cmp`'s order,
/// with -0.0 below +0.0: what sorting a copy and reading two neighbours gives.
/// Needs `r + 1 < values.len()`; the values must not be NaN.
pub fn adjacent_order_statistics(values: &[f64], r: usize) -> (f64, f64) {
    assert!(r + 1 < values.len(), "rank {r} has no neighbour above");
    if let Some(found) = around_a_sample(values, r) {
        return found;
    }
    by_radix(values, r)
}

/// Values spread across the column (every n/16384-th) estimate where the `r`-th lies: one
/// pass counts the keys below an interval around the estimate and copies out those in it
/// (a few percent of the column), and the two are selected there. None (and then the radix
/// levels decide) where the interval missed the rank or held too much.
fn around_a_sample(values: &[f64], r: usize) -> Option<(f64, f64)> {
    const SAMPLE: usize = 1 << 14;
    // Four standard deviations of a sample quantile's rank, and a little more.
    const MARGIN: usize = 256;
    let n = values.len();
    if n < 16 * SAMPLE {
        return None;
    }
    let mut sample: Vec<u64> = (0..SAMPLE).map(|i| key(values[i * (n / SAMPLE)])).collect();
    sample.sort_unstable();
    let at = ((r as f64 / n as f64) * SAMPLE as f64) as usize;
    let lo = at.checked_sub(MARGIN).map_or(0, |i| sample[i]);
    let hi = sample.get(at + MARGIN).copied().unwrap_or(u64::MAX);
    let limit = n / 16;
    // Every key is written and the cursor moves past those in the interval: no branch to
    // mispredict on each of the few percent that are (with one, the pass took 2.6 times as
    // long at n = 10^7 on random scores).
    // The room is checked a part at a time; a part moves the cursor at most its length.
    const PART: usize = 4096;
    let mut few = vec![0u64; limit + PART];
    let (mut below, mut len, span) = (0, 0, hi - lo);
    for part in values.chunks(PART) {
        if len > limit {
            return None;
        }
        for &v in part {
            let k = key(v);
            below += usize::from(k < lo);
            few[len] = k;
            len += usize::from(k.wrapping_sub(lo) <= span);
        }
    }
    if len > limit {
        return None;
    }
    few.truncate(len);
    // None where the r-th, or the next, lies outside the interval.
    select_pair(&mut few, r.checked_sub(below)?)
}

/// The radix levels (see the module's comment).
fn by_radix(values: &[f64], r: usize) -> (f64, f64) {
    // Keys in [lo, hi] are in play: `in_play` of them, `rank` of which are below the r-th.
    let (mut rank, mut in_play) = (r, values.len());
    // Counts are u32: a column beyond them is selected in a copy.
    let counted = values.len() <= u32::MAX as usize;
    // The first level buckets keys by their top 16 bits; each after spreads its buckets
    // over the range the level before kept.
    let (mut lo, mut hi) = (0, u64::MAX);
    let gather_up_to = GATHER_AT_LEAST.max(values.len() / 16);
    while counted && in_play > gather_up_to && lo < hi {
        // Buckets of 2^shift keys, so that at most 2^16 of them cover [lo, hi].
        let shift = (64 - (hi - lo).leading_zeros()).saturating_sub(BUCKET_BITS);
        let counts = histogram(values, lo, hi, shift);
        let (first, below) = bucket_of(&counts, rank);
        let (second, _) = bucket_of(&counts, rank + 1);
        // A bucket's keys (the last may reach past `hi`, where no key is: above the
        // column's largest, or into a bucket of the level before that is already full).
        let bucket_keys = |b: usize| {
            let start = lo + ((b as u64) << shift);
            (start, start.saturating_add(low_bits(shift)))
        };
        if first != second {
            // The r-th is the largest key of its bucket and the next the smallest of its.
            let (a, b) = (bucket_keys(first), bucket_keys(second));
            return (
                unkey(extreme(values, a, u64::max)),
                unkey(extreme(values, b, u64::min)),
            );
        }
        (lo, hi) = bucket_keys(first);
        rank -= below;
        in_play = counts[first] as usize;
    }
    if lo == hi {
        return (unkey(lo), unkey(lo));
    }
    select_among(values, lo, hi, rank)
}

/// The `shift` lowest bits set.
fn low_bits(shift: u32) -> u64 {
    ((1u128 << shift) - 1) as u64
}

/// How many keys in [lo, hi] fall in each bucket of 2^shift keys from `lo`.
fn histogram(values: &[f64], lo: u64, hi: u64, shift: u32) -> Vec<u32> {
    let mut counts = vec![0u32; 1 << BUCKET_BITS];
    for &v in values {
        let k = key(v);
        if (lo..=hi).contains(&k) {
            counts[((k - lo) >> shift) as usize] += 1;
        }
    }
    counts
}

/// The bucket holding the `rank`-th key (from 0) and how many keys the buckets before it hold.
fn bucket_of(counts: &[u32], rank: usize) -> (usize, usize) {
    let mut below = 0;
    for (b, &c) in counts.iter().enumerate() {
        if rank < below + c as usize {
            return (b, below);
        }
        below += c as usize;
    }
    unreachable!("rank {rank} beyond the {below} keys counted")
}

/// The largest (or smallest, by `pick`) key in [lo, hi]; the range holds at least one.
fn extreme(values: &[f64], (lo, hi): (u64, u64), pick: fn(u64, u64) -> u64) -> u64 {
    values
        .iter()
        .map(|&v| key(v))
        .filter(|k| (lo..=hi).contains(k))
        .reduce(pick)
        .expect("the bucket counted keys")
}

/// Copies out the keys in [lo, hi] and selects the `rank`-th and the next among them.
fn select_among(values: &[f64], lo: u64, hi: u64, rank: usize) -> (f64, f64) {
    let mut few: Vec<u64> = values
        .iter()
        .map(|&v| key(v))
        .filter(|k| (lo..=hi).contains(k))
        .collect();
    select_pair(&mut few, rank).expect("rank + 1 is in play")
}

/// The `rank`-th smallest of `keys` and the next, as values; None unless both are there.
fn select_pair(keys: &mut [u64], rank: usize) -> Option<(f64, f64)> {
    if rank >= keys.len() {
        return None;
    }
    let (_, &mut a, above) = keys.select_nth_unstable(rank);
    let b = above.iter().copied().min()?;
    Some((unkey(a), unkey(b)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_sorting(values: &[f64], r: usize) -> (u64, u64) {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        (sorted[r].to_bits(), sorted[r + 1].to_bits())
    }

    fn bits((a, b): (f64, f64)) -> (u64, u64) {
        (a.to_bits(), b.to_bits())
    }

    /// Values from a handful (long runs of ties, ±0.0) or spread over many magnitudes.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            prop::sample::select(vec![-0.0, 0.0, 1.0, -1.0, 0.5, 1.0000000000000002]),
            -1e3f64..1e3,
            any::<f64>().prop_filter("not NaN", |v| !v.is_nan()),
        ]
    }

    proptest! {
        /// Past the gathering size, so that every level and both ends of a bucket are used.
        #[test]
        fn equals_sorting(
            seed in prop::collection::vec(value(), 1..64),
            n in (GATHER_AT_LEAST + 2)..(GATHER_AT_LEAST + 5000),
            rank in any::<prop::sample::Index>(),
        ) {
            // n values cycled from the seed, with a few of them nudged: long ties whose
            // neighbours differ only in low bits.
            let values: Vec<f64> = (0..n)
                .map(|i| {
                    let v = seed[i % seed.len()];
                    if i % 7 == 0 && v.is_finite() { f64::from_bits(v.to_bits() ^ (i as u64 & 0xff)) } else { v }
                })
                .filter(|v| !v.is_nan())
                .collect();
            let r = rank.index(values.len() - 1);
            prop_assert_eq!(bits(adjacent_order_statistics(&values, r)), by_sorting(&values, r));
        }

        #[test]
        fn small_columns_equal_sorting(
            values in prop::collection::vec(value(), 2..300),
            rank in any::<prop::sample::Index>(),
        ) {
            let r = rank.index(values.len() - 1);
            prop_assert_eq!(bits(adjacent_order_statistics(&values, r)), by_sorting(&values, r));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Large enough to be sampled: runs of `period` equal values, cycled from the seed.
        #[test]
        fn sampled_columns_equal_sorting(
            seed in prop::collection::vec(value(), 1..64),
            extra in 0..5000usize,
            period in prop_oneof![Just(1usize), Just(16), 1..4096usize],
            rank in any::<prop::sample::Index>(),
        ) {
            let n = 16 * (1 << 14) + extra;
            let values: Vec<f64> = (0..n).map(|i| seed[(i / period) % seed.len()]).collect();
            let r = rank.index(n - 1);
            prop_assert_eq!(bits(adjacent_order_statistics(&values, r)), by_sorting(&values, r));
        }
    }

    #[test]
    fn a_misleading_sample_leaves_it_to_the_radix_levels() {
        // Every sampled place holds 1.0; the rest count up. The sample's interval is [1, 1].
        let n = 16 << 14;
        let values: Vec<f64> = (0..n)
            .map(|i| if i % 16 == 0 { 1.0 } else { i as f64 })
            .collect();
        for r in [0, n / 2, n - 2] {
            assert_eq!(around_a_sample(&values, r), None);
            assert_eq!(
                bits(adjacent_order_statistics(&values, r)),
                by_sorting(&values, r)
            );
        }
    }

    #[test]
    fn an_interval_holding_too_much_leaves_it_to_the_radix_levels() {
        // The sample sees only 2.5, so its interval is [2.5, 2.5]: nearly every key.
        let n = 16 << 14;
        let mut values = vec![2.5; n];
        values[1] = -1.0;
        values[n - 1] = 3.0;
        for r in [0, n / 2, n - 2] {
            assert_eq!(around_a_sample(&values, r), None);
            assert_eq!(
                bits(adjacent_order_statistics(&values, r)),
                by_sorting(&values, r)
            );
        }
    }

    #[test]
    fn ranks_at_the_seam_of_two_buckets() {
        // Two first-level buckets, each of many distinct keys, interleaved.
        let values: Vec<f64> = (0..GATHER_AT_LEAST)
            .flat_map(|i| {
                let step = i as f64 * f64::EPSILON;
                [2.0 + 2.0 * step, 1.0 + step]
            })
            .collect();
        for r in [GATHER_AT_LEAST - 2, GATHER_AT_LEAST - 1, GATHER_AT_LEAST] {
            assert_eq!(
                bits(adjacent_order_statistics(&values, r)),
                by_sorting(&values, r)
            );
        }
    }

    #[test]
    fn all_equal_keys_go_down_every_level() {
        let mut values = vec![2.5; GATHER_AT_LEAST * 2];
        values.push(-0.0);
        values.push(0.0);
        assert_eq!(
            bits(adjacent_order_statistics(&values, 0)),
            ((-0.0f64).to_bits(), 0)
        );
        assert_eq!(
            bits(adjacent_order_statistics(&values, 1)),
            (0, 2.5f64.to_bits())
        );
        assert_eq!(
            bits(adjacent_order_statistics(&values, 7)),
            (2.5f64.to_bits(), 2.5f64.to_bits())
        );
    }
}
