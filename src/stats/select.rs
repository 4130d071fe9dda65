//! Order statistics of a score column without copying or reordering it: a radix selection
//! on the doubles' order-preserving keys, 16 bits at a time. Each level counts the keys
//! still in play by their next 16 bits and keeps the one bucket that holds the wanted rank,
//! until few enough are left to copy out and select among.

use super::sort::{key, unkey};

/// Buckets a level counts into: 16 bits of the key.
const BUCKET_BITS: u32 = 16;
/// Keys still in play at or below this many are copied out (at most 512 KiB) and selected
/// among, cheaper than another pass over the whole column.
const GATHER_UP_TO: usize = 1 << 16;

/// The `r`-th and `(r+1)`-th smallest of `values` (from 0) in `f64::total_cmp`'s order,
/// with -0.0 below +0.0: what sorting a copy and reading two neighbours gives.
/// Needs `r + 1 < values.len()`; the values must not be NaN.
pub fn adjacent_order_statistics(values: &[f64], r: usize) -> (f64, f64) {
    assert!(r + 1 < values.len(), "rank {r} has no neighbour above");
    // Keys in [lo, hi] are in play: `in_play` of them, `rank` of which are below the r-th.
    let (mut lo, mut hi, mut rank, mut in_play) = (0u64, u64::MAX, r, values.len());
    for level in (0..64 / BUCKET_BITS).rev() {
        if in_play <= GATHER_UP_TO {
            return select_among(values, lo, hi, rank);
        }
        let shift = level * BUCKET_BITS;
        let counts = histogram(values, lo, hi, shift);
        let (first, below) = bucket_of(&counts, rank);
        let (second, _) = bucket_of(&counts, rank + 1);
        let bucket_keys = |b: usize| {
            let start = lo | (b as u64) << shift;
            (start, start | low_bits(shift))
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
        in_play = counts[first];
    }
    // All 64 bits chosen: both statistics are that one key.
    debug_assert_eq!(lo, hi);
    (unkey(lo), unkey(lo))
}

/// The `shift` lowest bits set.
fn low_bits(shift: u32) -> u64 {
    ((1u128 << shift) - 1) as u64
}

/// How many keys in [lo, hi] have each value of the 16 bits above `shift`.
fn histogram(values: &[f64], lo: u64, hi: u64, shift: u32) -> Vec<usize> {
    let mut counts = vec![0usize; 1 << BUCKET_BITS];
    let mask = (1u64 << BUCKET_BITS) - 1;
    for &v in values {
        let k = key(v);
        if (lo..=hi).contains(&k) {
            counts[((k >> shift) & mask) as usize] += 1;
        }
    }
    counts
}

/// The bucket holding the `rank`-th key (from 0) and how many keys the buckets before it hold.
fn bucket_of(counts: &[usize], rank: usize) -> (usize, usize) {
    let mut below = 0;
    for (b, &c) in counts.iter().enumerate() {
        if rank < below + c {
            return (b, below);
        }
        below += c;
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
    let (_, &mut a, above) = few.select_nth_unstable(rank);
    let b = above.iter().copied().min().expect("rank + 1 is in play");
    (unkey(a), unkey(b))
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
            n in (GATHER_UP_TO + 2)..(GATHER_UP_TO + 5000),
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

    #[test]
    fn ranks_at_the_seam_of_two_buckets() {
        // Two first-level buckets, each of many distinct keys, interleaved.
        let values: Vec<f64> = (0..GATHER_UP_TO)
            .flat_map(|i| {
                let step = i as f64 * f64::EPSILON;
                [2.0 + 2.0 * step, 1.0 + step]
            })
            .collect();
        for r in [GATHER_UP_TO - 2, GATHER_UP_TO - 1, GATHER_UP_TO] {
            assert_eq!(
                bits(adjacent_order_statistics(&values, r)),
                by_sorting(&values, r)
            );
        }
    }

    #[test]
    fn all_equal_keys_go_down_every_level() {
        let mut values = vec![2.5; GATHER_UP_TO * 2];
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
