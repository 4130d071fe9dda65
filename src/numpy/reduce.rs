//! numpy's float reductions, operation for operation: `np.sum` (pairwise), `x.mean()`,
//! `x.std()`. Needed wherever a result must equal numpy's to the last bit: feature scaling,
//! scikit-learn's average precision and ROC AUC (which sum with numpy).

/// numpy's unrolled block size for pairwise summation (`PW_BLOCKSIZE`).
const BLOCK: usize = 128;

/// `np.add.reduce` of a contiguous 1-D float64 array: 0.0 plus numpy's pairwise sum
/// (eight accumulators within a block of at most 128, halves rounded down to a multiple
/// of eight above it). `terms` supplies element i, so callers can sum a derived array
/// (`diff * y`) without materialising it.
pub fn pairwise_sum(n: usize, terms: &impl Fn(usize) -> f64) -> f64 {
    let mut i = 0;
    pairwise_sum_in_order(n, &mut || {
        i += 1;
        terms(i - 1)
    })
}

/// [`pairwise_sum`] of `n` terms taken from `next` one after another: the summation reads
/// its terms strictly in order, so they can be computed as a stream.
pub fn pairwise_sum_in_order(n: usize, next: &mut impl FnMut() -> f64) -> f64 {
    // The reduction starts from the identity: 0.0 + s (which also turns -0.0 into +0.0).
    0.0 + pairwise(n, next)
}

fn pairwise(n: usize, next: &mut impl FnMut() -> f64) -> f64 {
    if n < 8 {
        let mut res = 0.0;
        for _ in 0..n {
            res += next();
        }
        res
    } else if n <= BLOCK {
        let mut r = [0.0f64; 8];
        for r in r.iter_mut() {
            *r = next();
        }
        let mut i = 8;
        while i < n - (n % 8) {
            for r in r.iter_mut() {
                *r += next();
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += next();
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        let left = pairwise(n2, next);
        left + pairwise(n - n2, next)
    }
}

/// `np.sum(x)`.
pub fn sum(x: &[f64]) -> f64 {
    pairwise_sum(x.len(), &|i| x[i])
}

/// `x.mean()`: the pairwise sum divided by n.
pub fn mean(x: &[f64]) -> f64 {
    sum(x) / x.len() as f64
}

/// `x.std()` (ddof 0): `sqrt(sum((x - mean)**2) / n)`, the square taken as `d * d`.
pub fn std(x: &[f64]) -> f64 {
    let m = mean(x);
    let ss = pairwise_sum(x.len(), &|i| {
        let d = x[i] - m;
        d * d
    });
    (ss / x.len() as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sums_are_left_to_right() {
        let x = [1e16, 1.0, -1e16, 1.0];
        assert_eq!(sum(&x), ((1e16 + 1.0) + -1e16) + 1.0);
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(sum(&[-0.0]).to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn blocks_use_eight_accumulators() {
        // With eight lanes, 1e16 and -1e16 in lane 0 cancel before the 1.0s of lanes 1-7
        // are added; a left-to-right sum would lose them.
        let mut x = vec![1.0; 16];
        x[0] = 1e16;
        x[8] = -1e16;
        assert_eq!(sum(&x), 14.0);
        let naive: f64 = x.iter().sum();
        assert_ne!(naive, 14.0);
    }

    #[test]
    fn mean_and_std_of_a_known_column() {
        let x = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert_eq!(mean(&x), 5.0);
        assert_eq!(std(&x), 2.0);
    }
}
