//! The quick, exact reading of the decimals exports are made of: `[sign] digits [. digits]
//! [e [sign] digits]` with at most 19 significant digits and a small power of ten. It gives
//! the correctly rounded double (what Python's `float()` and Rust's parser give) or None,
//! and then the full parser reads the cell.

/// Powers of ten a double holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer below which every integer is a double.
const EXACT_INTEGERS: u64 = 1 << 53;

/// A simple decimal as its digits m (as an integer) times 10^p, correctly rounded:
/// - m at most 2^53 and p within 22 of 0: m and 10^|p| are exact doubles, so one
///   multiplication or division rounds correctly (Clinger, 1990);
/// - a larger m (up to 19 digits) over 10^k, k <= 19: see [`quotient`].
///
/// None for anything else (more digits, a larger power, text that is not this form).
pub(super) fn simple_decimal(cell: &[u8]) -> Option<f64> {
    let (negative, rest) = match cell.first()? {
        b'-' => (true, &cell[1..]),
        b'+' => (false, &cell[1..]),
        _ => (false, cell),
    };
    let mut m = 0u64;
    let whole = digits(rest, &mut m)?;
    let mut rest = &rest[whole..];
    let mut power = 0i32;
    let mut fraction = 0;
    if let Some(after) = rest.strip_prefix(b".") {
        fraction = digits(after, &mut m)?;
        rest = &after[fraction..];
        power = -(fraction as i32);
    }
    if whole + fraction == 0 {
        return None;
    }
    if let Some(after) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let (sign, after) = match after.first() {
            Some(b'-') => (-1, &after[1..]),
            Some(b'+') => (1, &after[1..]),
            _ => (1, after),
        };
        // Three digits are beyond any power this path takes.
        if after.is_empty() || after.len() > 3 || !after.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let e = after.iter().fold(0, |e, &b| e * 10 + i32::from(b - b'0'));
        power += sign * e;
    } else if !rest.is_empty() {
        return None;
    }
    let magnitude = if m == 0 {
        0.0
    } else if m <= EXACT_INTEGERS {
        let scale = *EXACT_POWERS.get(power.unsigned_abs() as usize)?;
        if power < 0 {
            m as f64 / scale
        } else {
            m as f64 * scale
        }
    } else if (-19..0).contains(&power) {
        quotient(m, power.unsigned_abs())?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// m / 10^k correctly rounded, for k <= 19. The quotient in doubles is within an ulp or so;
/// integer arithmetic then decides exactly whether it is the nearest double, or which
/// neighbour is. With q = M * 2^e, q is the nearest double to x = m / P (P = 10^k) when
/// |x - q| < 2^(e-1), that is |2m * 2^-e - 2M * P| < P, all of it exact in u128 while
/// 2^-e <= 2^62 (x above about 2^-10). A tie goes to the even M. None where this cannot
/// decide: then the full parser reads the cell.
fn quotient(m: u64, k: u32) -> Option<f64> {
    let p = 10u128.pow(k);
    let mut q = m as f64 / EXACT_POWERS[k as usize];
    for _ in 0..3 {
        let bits = q.to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let shift = 1075 - exponent;
        if !(1..=62).contains(&shift) {
            return None;
        }
        let mantissa = (bits & ((1 << 52) - 1)) | 1 << 52;
        let scaled = u128::from(m) << (shift + 1);
        let middle = 2 * u128::from(mantissa) * p;
        let (gap, above) = if scaled >= middle {
            (scaled - middle, true)
        } else {
            (middle - scaled, false)
        };
        // At a power of two the gap below is half the gap above: leave it to the parser.
        if mantissa == 1 << 52 && !above && gap != 0 {
            return None;
        }
        let nearest = gap < p || (gap == p && mantissa % 2 == 0);
        if nearest {
            return Some(q);
        }
        // The neighbour towards x (q is positive and normal here).
        q = f64::from_bits(if above { bits + 1 } else { bits - 1 });
    }
    None
}

/// Appends the leading ASCII digits of `text` to `m`, eight at a time where it can, and
/// returns how many there were; None once `m` would pass 19 digits' worth (2^64).
fn digits(text: &[u8], m: &mut u64) -> Option<usize> {
    let mut i = 0;
    while let Some(eight) = text.get(i..i + 8) {
        let word = u64::from_le_bytes(eight.try_into().ok()?);
        if !all_digits(word) {
            break;
        }
        *m = m
            .checked_mul(100_000_000)?
            .checked_add(eight_digits(word))?;
        i += 8;
    }
    while let Some(&b) = text.get(i).filter(|b| b.is_ascii_digit()) {
        *m = m.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        i += 1;
    }
    Some(i)
}

/// Whether all eight bytes of a little-endian word are ASCII digits.
fn all_digits(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Each byte in 0x30..=0x39: its high half is 3, and adding 6 keeps it so.
    (word & (0xF0 * ONES)) == 0x30 * ONES && ((word + 0x06 * ONES) & (0xF0 * ONES)) == 0x30 * ONES
}

/// The number eight ASCII digits spell, the first in the lowest byte: pairs, then fours,
/// then the eight, each step one multiply.
fn eight_digits(word: u64) -> u64 {
    let d = word - 0x3030_3030_3030_3030;
    let pairs = (d * 10 + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let fours = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    (fours * 10_000 + (fours >> 32)) & 0xFFFF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn std_parse(cell: &[u8]) -> Option<f64> {
        std::str::from_utf8(cell).ok()?.parse().ok()
    }

    #[test]
    fn simple_decimals_take_only_what_is_exact() {
        let cases: [&[u8]; 6] = [
            b"7.095976067707081",
            b"0.09531017980432493",
            b"12345678.87654321",
            b"1.e5",
            b"+.5",
            b"1234567890123456789e-10",
        ];
        for text in cases {
            assert_eq!(simple_decimal(text), std_parse(text), "{text:?}");
        }
        assert_eq!(
            simple_decimal(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(simple_decimal(b"0e999"), Some(0.0));
        // 20 digits, a power of ten beyond 22, a large m times a power: the full parser's.
        assert_eq!(simple_decimal(b"12345678901234567890"), None);
        assert_eq!(simple_decimal(b"1e23"), None);
        assert_eq!(simple_decimal(b"9007199254740993e1"), None);
        assert_eq!(eight_digits(u64::from_le_bytes(*b"12345678")), 12345678);
        assert!(!all_digits(u64::from_le_bytes(*b"1234567:")));
        assert!(!all_digits(u64::from_le_bytes(*b"/1234567")));
        let bad: [&[u8]; 10] = [
            b"", b".", b"-", b"1e", b"1e+", b".e5", b"1_0", b" 1", b"nan", b"--1",
        ];
        for text in bad {
            assert_eq!(simple_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn ties_and_powers_of_two_are_read_exactly() {
        let exact = |text: &str| {
            let t = text.as_bytes();
            // Taken or left to the parser, never a different double.
            assert_eq!(simple_decimal(t).or(std_parse(t)), std_parse(t), "{text}");
        };
        // Just below 1.0, where the quotient comes out at 1.0 and the double below is the
        // nearest; and halfway cases at 2^52 (spacing 1) and 2^50 (spacing 1/4), which go
        // to the even mantissa.
        exact("0.9999999999999999");
        exact("9999999999999999999e-19");
        for j in 0..64u64 {
            exact(&format!("{}.5", (1u64 << 52) + j));
            exact(&format!("{}.125", (1u64 << 50) + j));
            exact(&format!("{}.375", (1u64 << 50) + j));
        }
        let q = quotient(10_000_000_000_000_000_000, 19);
        assert!(q.is_none_or(|q| q == 1.0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn a_simple_decimal_is_the_correctly_rounded_double(
            text in "[+-]?[0-9]{0,19}(\\.[0-9]{0,19})?([eE][+-]?[0-9]{1,3})?",
        ) {
            if let Some(v) = simple_decimal(text.as_bytes()) {
                prop_assert_eq!(Some(v.to_bits()), std_parse(text.as_bytes()).map(f64::to_bits));
            }
        }

        #[test]
        fn long_fractions_are_read_exactly(m in (1u64 << 53)..u64::MAX, k in 0u32..=19) {
            let text = format!("{m}e-{k}");
            if let Some(v) = simple_decimal(text.as_bytes()) {
                prop_assert_eq!(Some(v.to_bits()), std_parse(text.as_bytes()).map(f64::to_bits));
            }
        }

        #[test]
        fn doubles_written_shortest_are_read_exactly(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            let text = format!("{x}");
            if let Some(v) = simple_decimal(text.as_bytes()) {
                prop_assert_eq!(v.to_bits(), bits);
            }
        }
    }
}
