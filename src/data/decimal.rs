//! The quick, exact reading of the decimals exports are made of: `[sign] digits [. digits]
//! [e [sign] digits]`, digits below 2^64 and a power of ten within 22. It gives the
//! correctly rounded double (what Python's `float()` and Rust's parser give) or None, and
//! then the full parser reads the cell.

mod eisel_lemire;

/// A simple decimal as its digits m (an integer below 2^64) times 10^p (|p| <= 22),
/// correctly rounded (see [`eisel_lemire`]). None for anything else (more digits, a larger
/// power, text that is not this form).
pub(super) fn simple_decimal(cell: &[u8]) -> Option<f64> {
    leading_decimal(cell).and_then(|(value, len)| (len == cell.len()).then_some(value))
}

/// The simple decimal that `bytes` start with, and its length: read as far as the form
/// `[sign] digits [. digits] [e [sign] digits]` goes (the caller checks what follows, so a
/// cell is read without first looking for its end). None where it has no digits or is not
/// one [`simple_decimal`] reads.
pub(super) fn leading_decimal(bytes: &[u8]) -> Option<(f64, usize)> {
    let (negative, mut at) = match bytes.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let mut m = 0u64;
    let whole = digits(&bytes[at..], &mut m)?;
    at += whole;
    let mut power = 0i32;
    let mut fraction = 0;
    if bytes.get(at) == Some(&b'.') {
        fraction = digits(&bytes[at + 1..], &mut m)?;
        at += 1 + fraction;
        power = -(fraction as i32);
    }
    if whole + fraction == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = bytes.get(at) {
        at += 1;
        let sign = match bytes.get(at) {
            Some(b'-') => -1,
            Some(b'+') => 1,
            _ => 0,
        };
        at += usize::from(sign != 0);
        let count = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        // Three digits are beyond any power this path takes.
        if count == 0 || count > 3 {
            return None;
        }
        let e = bytes[at..at + count]
            .iter()
            .fold(0, |e, &b| e * 10 + i32::from(b - b'0'));
        power += if sign < 0 { -e } else { e };
        at += count;
    }
    let magnitude = if m == 0 {
        0.0
    } else if eisel_lemire::POWERS.contains(&power) {
        eisel_lemire::nearest(m, power)?
    } else {
        return None;
    };
    Some((if negative { -magnitude } else { magnitude }, at))
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

const ONES: u64 = 0x0101_0101_0101_0101;

/// Whether all eight bytes of a word are ASCII digits.
fn all_digits(word: u64) -> bool {
    // A digit's high half is 3, and adding 6 keeps it so. A carry out of a byte only
    // happens from one that is not a digit, which is caught on its own.
    let high = (word & (0xF0 * ONES)) ^ (0x30 * ONES);
    let low = (word.wrapping_add(0x06 * ONES) & (0xF0 * ONES)) ^ (0x30 * ONES);
    high | low == 0
}

/// The number eight ASCII digits spell, the first in the lowest byte: pairs, then fours,
/// then the eight, each step one multiply.
fn eight_digits(word: u64) -> u64 {
    let d = word - 0x30 * ONES;
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
        let cases: [&[u8]; 7] = [
            b"7.095976067707081",
            b"0.09531017980432493",
            b"12345678.87654321",
            b"1.e5",
            b"+.5",
            b"1234567890123456789e-10",
            b"18446744073709551615",
        ];
        for text in cases {
            assert_eq!(simple_decimal(text), std_parse(text), "{text:?}");
        }
        assert_eq!(
            simple_decimal(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(simple_decimal(b"0e999"), Some(0.0));
        // Digits past 2^64, a power of ten beyond 22: the full parser's.
        assert_eq!(simple_decimal(b"18446744073709551616"), None);
        assert_eq!(simple_decimal(b"1e23"), None);
        assert_eq!(simple_decimal(b"1e-23"), None);
        assert_eq!(eight_digits(u64::from_le_bytes(*b"12345678")), 12345678);
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
        // Just below 1.0, where the double below 1.0 is the nearest; and halfway cases at 2^52 (spacing 1) and 2^50 (spacing 1/4), which go
        // to the even mantissa.
        exact("0.9999999999999999");
        exact("9999999999999999999e-19");
        for j in 0..64u64 {
            exact(&format!("{}.5", (1u64 << 52) + j));
            exact(&format!("{}.125", (1u64 << 50) + j));
            exact(&format!("{}.375", (1u64 << 50) + j));
        }
        // Integers past 2^53 halfway between doubles, with powers where 5^q is exact.
        for j in 0..64u64 {
            exact(&format!("{}", (1u64 << 53) + 2 * j + 1));
            exact(&format!("{}e3", (1u64 << 53) + 2 * j + 1));
            exact(&format!("{}e-1", ((1u64 << 53) + 2 * j + 1) * 10));
        }
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
        /// Mostly digits, so that about half the words are all digits.
        fn words_of_eight_digits_are_known_in_any_word(
            bytes in prop::array::uniform8(prop_oneof![9 => b'0'..=b'9', 1 => any::<u8>()]),
        ) {
            let word = u64::from_le_bytes(bytes);
            let digits = bytes.iter().all(u8::is_ascii_digit);
            prop_assert_eq!(all_digits(word), digits);
            if digits {
                let spelled = std::str::from_utf8(&bytes).unwrap().parse::<u64>().unwrap();
                prop_assert_eq!(eight_digits(word), spelled);
            }
        }

        /// Read in place, as the quick path does: a cell followed by the rest of its row.
        #[test]
        fn a_leading_decimal_is_the_cell_it_starts(
            text in "[+-]?[0-9]{0,19}(\\.[0-9]{0,19})?([eE][+-]?[0-9]{1,3})?",
            after in "[,\n\r0-9a-z.+-]{0,12}",
        ) {
            let bytes = format!("{text}{after}");
            let found = leading_decimal(bytes.as_bytes());
            if let Some((v, len)) = found {
                let read = std_parse(&bytes.as_bytes()[..len]).map(f64::to_bits);
                prop_assert_eq!(Some(v.to_bits()), read);
            }
            if after.starts_with([',', '\n', '\r']) || after.is_empty() {
                let cell = simple_decimal(text.as_bytes()).map(|v| (v.to_bits(), text.len()));
                prop_assert_eq!(found.map(|(v, len)| (v.to_bits(), len)), cell);
            }
        }

        #[test]
        fn long_mantissas_are_read_exactly(m in (1u64 << 53)..u64::MAX, p in -22i32..=22) {
            let text = format!("{m}e{p}");
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
