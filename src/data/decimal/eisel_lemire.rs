//! m * 10^q correctly rounded, without a division: Eisel and Lemire's method ("Number
//! parsing at a gigabyte per second", Lemire 2021). The decimal's digits m are multiplied by
//! a 128-bit approximation of 5^q; the product's top bits are the mantissa, and the rare
//! product too close to a rounding boundary to decide is left to the full parser.

/// The powers this path takes. Within them the approximation is always close enough (the
/// method's "safe" range is -27..=55), no result is subnormal or infinite, and a tie can
/// only fall in -4..=23, where the product is exact.
pub(super) const POWERS: std::ops::RangeInclusive<i32> = -22..=22;

/// 5^q for each q in [`POWERS`], as 128 bits with the top one set: exact for q >= 0; for
/// q < 0, floor(2^b / 5^-q) + 1 with b the 128-bit scale (the method's rounding up).
const POWERS_OF_FIVE: [u128; 45] = powers_of_five();

const fn powers_of_five() -> [u128; 45] {
    let mut table = [0u128; 45];
    let mut i = 0;
    while i < table.len() {
        let q = i as i32 + *POWERS.start();
        table[i] = if q >= 0 {
            let p = 5u128.pow(q as u32);
            p << p.leading_zeros()
        } else {
            let d = 5u128.pow(q.unsigned_abs());
            // 2^(z-1) < d < 2^z, so 2^(z+127) / d has 128 bits: long division, a bit a step.
            let z = 128 - (d - 1).leading_zeros();
            let (mut remainder, mut quotient, mut step) = (1u128, 0u128, 0);
            while step < z + 127 {
                remainder <<= 1;
                quotient <<= 1;
                if remainder >= d {
                    remainder -= d;
                    quotient |= 1;
                }
                step += 1;
            }
            quotient + 1
        };
        i += 1;
    }
    table
}

/// The bits below a product's 55 top ones that, all set, may hide a carry from the
/// approximation's lower half.
const NEEDS_LOWER_HALF: u64 = 0x1FF;

/// The double nearest m * 10^q (ties to even), for m > 0 and q in [`POWERS`]; None where
/// the product cannot tell (then the full parser reads the cell).
#[inline(always)]
pub(super) fn nearest(m: u64, q: i32) -> Option<f64> {
    debug_assert!(m > 0 && POWERS.contains(&q));
    let power = POWERS_OF_FIVE[(q - POWERS.start()) as usize];
    let lz = m.leading_zeros();
    let w = u128::from(m << lz);
    let first = w * (power >> 64);
    let (mut high, mut low) = ((first >> 64) as u64, first as u64);
    if high & NEEDS_LOWER_HALF == NEEDS_LOWER_HALF {
        let second = ((w * (power & u128::from(u64::MAX))) >> 64) as u64;
        let (sum, carry) = low.overflowing_add(second);
        low = sum;
        high += u64::from(carry);
        if low == u64::MAX {
            return None;
        }
    }
    let upper = (high >> 63) as u32;
    let shift = upper + 9;
    let mut mantissa = high >> shift;
    // floor(q * log2(10)) + 63, the product's binary exponent, biased.
    let mut exponent = ((217_706 * q) >> 16) + 63 + upper as i32 - lz as i32 + 1023;
    // Exactly halfway between two doubles (only possible where 5^q is exact): to even.
    if low <= 1 && (-4..=23).contains(&q) && mantissa & 3 == 1 && mantissa << shift == high {
        mantissa &= !1;
    }
    mantissa += mantissa & 1;
    mantissa >>= 1;
    if mantissa >= 2 << 52 {
        mantissa = 1 << 52;
        exponent += 1;
    }
    if !(1..0x7FF).contains(&exponent) {
        return None;
    }
    Some(f64::from_bits(
        (mantissa & !(1 << 52)) | (exponent as u64) << 52,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_five_to_the_power() {
        // Exact above 0; 1/5 = 0.0011 0011 ... in binary, rounded up at the last bit.
        assert_eq!(POWERS_OF_FIVE[23], 5 << 125);
        assert_eq!(POWERS_OF_FIVE[22], 1 << 127);
        assert_eq!(
            POWERS_OF_FIVE[21],
            0xCCCC_CCCC_CCCC_CCCC_CCCC_CCCC_CCCC_CCCD
        );
    }

    #[test]
    fn powers_of_ten_and_their_neighbours() {
        for q in POWERS {
            for m in [
                1,
                9,
                10,
                1 << 53,
                (1 << 53) + 1,
                u64::MAX,
                12_345_678_901_234_567_891,
            ] {
                let text = format!("{m}e{q}");
                let expected: f64 = text.parse().unwrap();
                if let Some(v) = nearest(m, q) {
                    assert_eq!(v.to_bits(), expected.to_bits(), "{text}");
                }
            }
        }
    }
}
