//! The quick reading held to Rust's parser: edge cases, ties, powers, and random text.

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
    fn leading_digits_are_counted_and_read_in_any_word(
        bytes in prop::array::uniform8(prop_oneof![9 => b'0'..=b'9', 1 => any::<u8>()]),
    ) {
        let word = u64::from_le_bytes(bytes);
        let leading = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        prop_assert_eq!(leading_digits(word) as usize, leading);
        if leading == 8 {
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
            // The cell alone may leave the quick reading fewer bytes to look at; either
            // reading may then leave it to the full parser, but where both read it,
            // they agree, and the reading ends where the cell does.
            let cell = simple_decimal(text.as_bytes());
            if let (Some((v, _)), Some(c)) = (found, cell) {
                prop_assert_eq!(v.to_bits(), c.to_bits());
            }
            if let Some((_, len)) = found {
                prop_assert_eq!(len, text.len());
            }
        }
    }

    /// Short whole parts, whose fractions are read sixteen digits at once, with text
    /// after them that the sixteen bytes reach into; and exponents, which the padding
    /// may push out of range.
    #[test]
    fn fractions_read_at_once_are_exact(
        text in "[+-]?[0-9]{0,3}\\.[0-9]{0,20}([eE][+-]?[0-9]{1,2})?",
        after in "[,\n0-9e.]{0,20}",
    ) {
        let bytes = format!("{text},{after}");
        let found = leading_decimal(bytes.as_bytes()).map(|(v, len)| (v.to_bits(), len));
        let expected = std_parse(text.as_bytes()).map(|v| (v.to_bits(), text.len()));
        if found.is_some() {
            prop_assert_eq!(found, expected);
        }
        // Without an exponent, every such fraction is one the quick reading takes (from
        // 20 digits on, only where the digits past the sixteenth keep m below 2^64).
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        if !text.contains(['e', 'E']) && digits > 0 && digits <= 19 {
            prop_assert!(found.is_some(), "{}", bytes);
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
