//! Sorting finite doubles fast and in little memory: an LSD radix sort on order-preserving
//! keys (the values' own allocation reused), with a spare buffer of half the array.

/// Sorts finite doubles ascending by their bits (a radix sort, O(n)): -0.0 before +0.0,
/// otherwise the order of `<`. Much faster than a comparison sort at millions of values.
pub fn sort_ascending(values: &mut [f64]) {
    let keys = sort_keys(values.iter().map(|&x| key(x)).collect());
    for (v, &k) in values.iter_mut().zip(&keys) {
        *v = unkey(k);
    }
}

/// `values` sorted descending, in their own memory (the keys take the values' place).
pub fn sorted_descending(values: Vec<f64>) -> Vec<f64> {
    let mut keys = sort_keys(values.into_iter().map(key).collect());
    keys.reverse();
    keys.into_iter().map(unkey).collect()
}

/// Order-preserving keys: flip every bit of negatives, only the sign bit of the rest. The
/// mask is spread from the sign bit, not chosen by a branch: a pass over a column of keys
/// then vectorizes (the selection's pass took twice as long with the branch).
pub(super) fn key(x: f64) -> u64 {
    let b = x.to_bits();
    b ^ (((b as i64 >> 63) as u64) | 1 << 63)
}

/// The double a [`key`] came from.
pub(super) fn unkey(k: u64) -> f64 {
    f64::from_bits(k ^ (!((k as i64 >> 63) as u64) | 1 << 63))
}

/// Sorts keys ascending with a spare buffer of half their size: each half is sorted as two
/// quarters (radix) merged through the spare; then the halves are merged through it. Large
/// arrays sort their halves on two threads.
fn sort_keys(mut keys: Vec<u64>) -> Vec<u64> {
    let n = keys.len();
    if n < 1 << 12 {
        keys.sort_unstable();
        return keys;
    }
    let mut spare = vec![0u64; n / 2 + 2];
    let mid = n / 2;
    if n < 1 << 20 || crate::threads::count() < 2 {
        sort_in_halves(&mut keys, &mut spare);
        return keys;
    }
    {
        let (a, b) = keys.split_at_mut(mid);
        let (spare_a, spare_b) = spare.split_at_mut(mid.div_ceil(2));
        std::thread::scope(|scope| {
            crate::allocator::spawn_scoped(scope, || sort_in_halves(b, spare_b));
            sort_in_halves(a, spare_a);
        });
    }
    merge_halves(&mut keys, mid, &mut spare);
    keys
}

/// Sorts `keys` with a spare of at least half their length (rounded up).
fn sort_in_halves(keys: &mut [u64], spare: &mut [u64]) {
    let (n, mid) = (keys.len(), keys.len() / 2);
    radix_sort(&mut keys[..mid], &mut spare[..mid]);
    radix_sort(&mut keys[mid..], &mut spare[..n - mid]);
    merge_halves(keys, mid, spare);
}

/// Merges the sorted `keys[..mid]` and `keys[mid..]` in place, the first half copied out to
/// `buffer` first: the merge never writes past what it has read of the second half.
fn merge_halves(keys: &mut [u64], mid: usize, buffer: &mut [u64]) {
    let first = &mut buffer[..mid];
    first.copy_from_slice(&keys[..mid]);
    let (mut i, mut j) = (0, mid);
    for k in 0..keys.len() {
        // Equal keys are equal values: which goes first does not matter.
        if i < first.len() && (j == keys.len() || first[i] <= keys[j]) {
            keys[k] = first[i];
            i += 1;
        } else if j < keys.len() {
            keys[k] = keys[j];
            j += 1;
        }
    }
}

/// LSD radix sort of `keys` in place, 16 bits a pass, with `spare` (as long) to scatter into.
fn radix_sort(keys: &mut [u64], spare: &mut [u64]) {
    if keys.len() < 1 << 12 {
        keys.sort_unstable();
        return;
    }
    const BITS: u32 = 16;
    const BUCKETS: usize = 1 << BITS;
    let mut counts = vec![0usize; BUCKETS];
    // Which buffer holds the keys now.
    let mut in_spare = false;
    for pass in 0..64 / BITS {
        let shift = pass * BITS;
        let (from, to): (&[u64], &mut [u64]) = if in_spare {
            (spare, keys)
        } else {
            (keys, spare)
        };
        counts.iter_mut().for_each(|c| *c = 0);
        for &k in from.iter() {
            counts[((k >> shift) as usize) & (BUCKETS - 1)] += 1;
        }
        // A digit every key shares moves nothing: skip the scatter.
        if counts.contains(&from.len()) {
            continue;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let here = *c;
            *c = at;
            at += here;
        }
        for &k in from.iter() {
            let d = ((k >> shift) as usize) & (BUCKETS - 1);
            to[counts[d]] = k;
            counts[d] += 1;
        }
        in_spare = !in_spare;
    }
    if in_spare {
        keys.copy_from_slice(spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_two_core_sort_of_a_large_array_is_a_sort() {
        let mut rng = crate::numpy::default_rng(3);
        let mut values: Vec<f64> = (0..(1 << 20) + 3)
            .map(|i| match i % 97 {
                0 => -0.0,
                1 => 0.0,
                _ => crate::numpy::next_double(&mut rng) - 0.5,
            })
            .collect();
        let mut expected = values.clone();
        expected.sort_by(f64::total_cmp);
        sort_ascending(&mut values);
        assert!(
            values
                .iter()
                .zip(&expected)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        );
    }

    proptest! {
        #[test]
        fn keys_order_doubles_as_total_cmp_and_give_them_back(
            a in any::<u64>(),
            b in any::<u64>(),
        ) {
            let (x, y) = (f64::from_bits(a), f64::from_bits(b));
            prop_assert_eq!(key(x).cmp(&key(y)), x.total_cmp(&y));
            prop_assert_eq!(unkey(key(x)).to_bits(), a);
        }

        #[test]
        fn radix_sort_equals_a_comparison_sort(
            mut values in prop::collection::vec(prop_oneof![
                Just(0.0f64), Just(-0.0f64), -1e300f64..1e300, -1.0f64..1.0], 0..6000),
        ) {
            let mut expected = values.clone();
            expected.sort_by(f64::total_cmp);
            sort_ascending(&mut values);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            prop_assert_eq!(bits(&values), bits(&expected));
        }
    }
}
