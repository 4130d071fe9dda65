//! Names in lab files: what a feature may be called, the closest name to a typo, and
//! where a field sits in the file's text (for error messages).

/// Feature names double as flag keys (`--beta name=a,b`) and JSON keys, so keep them plain.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The closest of `candidates` to a mistyped `name`, if one is close enough to be a typo.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// Where a validated field (`quantile`, `plot.x`, `features[2].weight`) is written in a
/// lab file: 1-based line and column of its key, or of its table header.
pub(super) fn locate(text: &str, field: &str) -> Option<(usize, usize)> {
    let (table, key) = match field.split_once('.') {
        Some((t, k)) => (Some(t), k),
        None => (None, field),
    };
    let (header, nth) = match table {
        None => (None, 0),
        Some(t) => match t.split_once('[') {
            Some((name, idx)) => (
                Some(format!("[[{name}]]")),
                idx.trim_end_matches(']').parse().ok()?,
            ),
            None => (Some(format!("[{t}]")), 0),
        },
    };
    let lines: Vec<&str> = text.lines().collect();
    let is_header = |l: &str| l.trim_start().starts_with('[');
    // The lines of the wanted table: top level, or after its nth header.
    let (from, header_line) = match &header {
        None => (0, None),
        Some(h) => {
            let i = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.trim() == h)
                .nth(nth)?
                .0;
            (i + 1, Some(i))
        }
    };
    let key_line = lines[from..]
        .iter()
        .take_while(|l| !is_header(l))
        .position(|l| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| from + i);
    let line = key_line.or(header_line)?;
    let col = lines[line].len() - lines[line].trim_start().len();
    Some((line + 1, col + 1))
}
