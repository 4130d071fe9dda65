//! One CSV cell as a number: the exact double Python's `float()` gives for it, or a message
//! that says what the cell holds and what would be accepted; and the quick reading of the
//! usual simple decimals, which gives the same double.

/// Parses a numeric cell. Surrounding ASCII white space is allowed, as `float()` allows it;
/// the value must be finite.
pub(super) fn number(cell: &[u8]) -> Result<f64, String> {
    let text = trim(cell);
    if text.is_empty() {
        return Err("the cell is empty; every scored cell needs a number".into());
    }
    let s = std::str::from_utf8(text).map_err(|_| "the cell is not UTF-8 text".to_string())?;
    // Rust's parser is correctly rounded, as Python's float() is; it rejects the same
    // malformed text except underscores, which float() accepts and CSV exports never write.
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(v) if v.is_infinite() && is_overflow(s) => {
            Err(format!("{s:?} overflows a double (beyond about 1.8e308)"))
        }
        Ok(_) => Err(format!("{s:?} is not a finite number")),
        Err(_) => Err(format!("{s:?} is not a number")),
    }
}

/// Parses a ground-truth cell: 0 or 1 (also written 0.0, 1.0).
pub(super) fn label(cell: &[u8]) -> Result<bool, String> {
    let text = trim(cell);
    match text {
        b"1" => Ok(true),
        b"0" => Ok(false),
        _ => match number(cell) {
            Ok(1.0) => Ok(true),
            Ok(0.0) => Ok(false),
            _ => Err(format!(
                "{:?} is not a label; a label is 0 (benign) or 1 (threat)",
                String::from_utf8_lossy(text)
            )),
        },
    }
}

fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// A parsed infinity that the text did not spell as one.
fn is_overflow(s: &str) -> bool {
    let lower = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    !lower.starts_with("inf")
}

/// Powers of ten a double holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The largest integer below which every integer is a double.
const EXACT_INTEGERS: u64 = 1 << 53;

/// `[sign] digits [. digits] [e [sign] digits]` whose digits, as an integer m, are at most
/// 2^53 and whose power of ten p is within 22 of 0: m and 10^|p| are exact doubles, so one
/// multiplication or division rounds m * 10^p correctly (Clinger, 1990), the same double
/// any correct parser gives. None for anything else.
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
    } else {
        let scale = *EXACT_POWERS.get(power.unsigned_abs() as usize)?;
        if power < 0 {
            m as f64 / scale
        } else {
            m as f64 * scale
        }
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Appends the leading ASCII digits of `text` to `m`, eight at a time where it can, and
/// returns how many there were; None once `m` passes 2^53.
fn digits(text: &[u8], m: &mut u64) -> Option<usize> {
    let mut i = 0;
    while let Some(eight) = text.get(i..i + 8) {
        let word = u64::from_le_bytes(eight.try_into().ok()?);
        if !all_digits(word) {
            break;
        }
        // Past this, eight more digits pass 2^53 (and the product could overflow).
        if *m > EXACT_INTEGERS / 100_000_000 {
            return None;
        }
        *m = *m * 100_000_000 + eight_digits(word);
        if *m > EXACT_INTEGERS {
            return None;
        }
        i += 8;
    }
    while let Some(&b) = text.get(i).filter(|b| b.is_ascii_digit()) {
        *m = *m * 10 + u64::from(b - b'0');
        if *m > EXACT_INTEGERS {
            return None;
        }
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
    fn numbers_as_python_reads_them() {
        assert_eq!(number(b"0.1"), Ok(0.1));
        assert_eq!(number(b" -2.5e3 "), Ok(-2500.0));
        assert_eq!(number(b"1e-400"), Ok(0.0));
        assert_eq!(number(b".5"), Ok(0.5));
        assert!(number(b"").unwrap_err().contains("empty"));
        assert!(number(b"  ").unwrap_err().contains("empty"));
        assert!(number(b"nan").unwrap_err().contains("not a finite"));
        assert!(number(b"-inf").unwrap_err().contains("not a finite"));
        assert!(number(b"1e400").unwrap_err().contains("overflows"));
        assert!(number(b"12x").unwrap_err().contains("not a number"));
        assert!(number(b"\xff").unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn labels_are_zero_or_one() {
        assert_eq!(label(b"1"), Ok(true));
        assert_eq!(label(b"0.0"), Ok(false));
        assert!(label(b"2").unwrap_err().contains("0 (benign) or 1"));
        assert!(label(b"yes").is_err());
    }

    #[test]
    fn simple_decimals_take_only_what_is_exact() {
        assert_eq!(
            simple_decimal(b"7.095976067707081"),
            Some(7.095976067707081)
        );
        assert_eq!(
            simple_decimal(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(simple_decimal(b"1.e5"), Some(1e5));
        assert_eq!(simple_decimal(b"+.5"), Some(0.5));
        assert_eq!(simple_decimal(b"0e999"), Some(0.0));
        // More than 2^53 as digits, or a power of ten beyond 22: left to the full parser.
        assert_eq!(simple_decimal(b"0.09531017980432493"), None);
        assert_eq!(simple_decimal(b"1e23"), None);
        assert_eq!(
            simple_decimal(b"12345678.87654321"),
            Some(12345678.87654321)
        );
        assert_eq!(eight_digits(u64::from_le_bytes(*b"12345678")), 12345678);
        assert!(!all_digits(u64::from_le_bytes(*b"1234567:")));
        assert!(!all_digits(u64::from_le_bytes(*b"/1234567")));
        for bad in [
            &b""[..],
            b".",
            b"-",
            b"1e",
            b"1e+",
            b".e5",
            b"1_0",
            b" 1",
            b"nan",
            b"--1",
        ] {
            assert_eq!(
                simple_decimal(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    proptest! {
        #[test]
        fn a_simple_decimal_is_the_correctly_rounded_double(
            text in "[+-]?[0-9]{0,18}(\\.[0-9]{0,18})?([eE][+-]?[0-9]{1,3})?",
        ) {
            if let Some(v) = simple_decimal(text.as_bytes()) {
                prop_assert_eq!(Some(v.to_bits()), std_parse(text.as_bytes()).map(f64::to_bits));
            }
        }
    }
}
