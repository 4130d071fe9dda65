//! One CSV cell as a number: the exact double Python's `float()` gives for it, or a message
//! that says what the cell holds and what would be accepted.

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
        Ok(v) if v.is_infinite() && is_overflow(s) => Err(format!(
            "{} overflows a double (beyond about 1.8e308)",
            quoted(s)
        )),
        Ok(_) => Err(format!("{} is not a finite number", quoted(s))),
        Err(_) => Err(format!("{} is not a number", quoted(s))),
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
                "{} is not a label; a label is 0 (benign) or 1 (threat)",
                quoted(&String::from_utf8_lossy(text))
            )),
        },
    }
}

/// Text from the file as a message quotes it: escaped as a Rust string (no control byte
/// reaches the terminal) and, past 60 characters, cut with its length said, so a cell of
/// megabytes is not echoed whole.
pub(crate) fn quoted(text: &str) -> String {
    const SHOWN: usize = 60;
    let count = text.chars().count();
    if count <= SHOWN {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(SHOWN).collect();
    format!("{:?}… ({count} characters)", head)
}

fn trim(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// A parsed infinity that the text did not spell as one.
fn is_overflow(s: &str) -> bool {
    let lower = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    !lower.starts_with("inf")
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
