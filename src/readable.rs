//! Numbers and text for people: the shortest text that reads back as the same double, in
//! scientific notation where plain digits would run long ("0.3", "1e100", "-2.5e-8"), and
//! text with no control character left to reach a terminal.

/// `v` as a person would write it: Rust's plain shortest form for magnitudes from 1e-5 to
/// 1e16 (as Python's repr), else its scientific shortest form; both read back as `v`.
pub(crate) fn number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() || (1e-5..1e16).contains(&v.abs()) {
        v.to_string()
    } else {
        format!("{v:e}")
    }
}

/// `text` as it is, or escaped as a Rust string (quoted) where it holds a control
/// character, which would otherwise reach the terminal (a newline, an escape sequence).
pub(crate) fn without_controls(text: &str) -> String {
    if text.chars().any(char::is_control) {
        format!("{text:?}")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn short_numbers_stay_plain_long_ones_go_scientific() {
        for (v, text) in [
            (0.3, "0.3"),
            (1.0, "1"),
            (-0.25, "-0.25"),
            (1e100, "1e100"),
            (1.3e308, "1.3e308"),
            (1e-310, "1e-310"),
            (123_456.789, "123456.789"),
        ] {
            assert_eq!(number(v), text);
            assert_eq!(number(v).parse::<f64>().unwrap().to_bits(), v.to_bits());
        }
        assert_eq!(number(0.1 + 0.2), "0.30000000000000004");
    }
}
