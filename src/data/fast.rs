//! The quick path for the usual export: a block with no quote and nothing but ASCII. Its
//! rows are read cell by cell from the front: a number in the simple form is read where it
//! stands (`decimal`) and ends its cell at the delimiter after it; any other cell is found
//! by its delimiter (`memchr`) and read by the full parser. Anything else (a quote, a lone
//! carriage return, a row of the wrong width, a cell neither reading takes) gives up on the
//! block, and the csv crate parses it again from the start: then it gives the rows or the
//! error. The tests hold both paths to the same rows, bit for bit.

use super::block::{Layout, RowFn};
use super::{decimal, field};

/// What a column is to a pass: the place of its value in the row of numbers handed on,
/// and whether it is the label (a column can be both).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Role {
    number: Option<usize>,
    label: bool,
}

/// The roles of a header's columns, in order, and the places filled by copying another:
/// a column a pass needs twice (a feature that is also the plot's x axis).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Roles {
    columns: Vec<Role>,
    copies: Vec<(usize, usize)>,
}

/// The roles of a header of `width` columns, for numbers from the columns `numeric` (in
/// that order) and the label from `label`.
pub(super) fn roles(width: usize, numeric: &[usize], label: Option<usize>) -> Roles {
    let mut columns = vec![Role::default(); width];
    let mut copies = Vec::new();
    for (place, &j) in numeric.iter().enumerate() {
        match columns[j].number {
            Some(first) => copies.push((first, place)),
            None => columns[j].number = Some(place),
        }
    }
    if let Some(j) = label {
        columns[j].label = true;
    }
    Roles { columns, copies }
}

/// Parses every row of `bytes` and calls `each` on it, or returns None as soon as the block
/// needs the csv crate (`state` may then hold some rows: the caller starts a new one).
/// Returns the rows found and the line ends passed.
pub(super) fn parse_block<S>(
    layout: &Layout,
    bytes: &[u8],
    state: &mut S,
    each: &impl RowFn<S>,
) -> Option<(usize, u64)> {
    let (quote, carriage_return, non_ascii) = odd_bytes(bytes);
    if quote || non_ascii {
        return None;
    }
    // A carriage return is only taken as the first half of a line end.
    if carriage_return
        && memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
    {
        return None;
    }
    let roles = &layout.roles;
    let width = roles.columns.len();
    let mut values = vec![0.0; layout.numeric.len()];
    let mut label = None;
    let (mut rows, mut lines) = (0usize, 0u64);
    let mut at = 0;
    while at < bytes.len() {
        // A blank line: no row, as the csv crate reads it.
        if let Some(next) = line_end(bytes, at) {
            (lines, at) = (lines + 1, next);
            continue;
        }
        for (column, role) in roles.columns.iter().enumerate() {
            let end = take(role, bytes, at, &mut values, &mut label)?;
            let last = column + 1 == width;
            match (bytes.get(end), last) {
                (Some(b','), false) => at = end + 1,
                (None, true) => at = end,
                (Some(_), true) => {
                    at = line_end(bytes, end)?;
                    lines += 1;
                }
                // Too many cells, or too few.
                _ => return None,
            }
        }
        for &(from, to) in &roles.copies {
            values[to] = values[from];
        }
        each(state, &values, label);
        rows += 1;
    }
    Some((rows, lines))
}

/// Whether `bytes` hold a quote, a carriage return, a byte that is not ASCII: one pass,
/// in wide steps the compiler can vectorize (three searches cost three passes).
fn odd_bytes(bytes: &[u8]) -> (bool, bool, bool) {
    let mut seen = 0u8;
    for chunk in bytes.chunks(64) {
        let flags = chunk.iter().fold(0u8, |flags, &b| {
            flags | u8::from(b == b'"') | u8::from(b == b'\r') << 1 | (b & 0x80)
        });
        seen |= flags;
    }
    (seen & 1 != 0, seen & 2 != 0, seen & 0x80 != 0)
}

/// Where the next line starts, if a line ends at `at` (a lone carriage return never
/// reaches here: such a block goes to the csv crate).
fn line_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'\n' => Some(at + 1),
        b'\r' => Some(at + 2),
        _ => None,
    }
}

/// Reads the cell starting at `at` into its role, and returns where it ends (at a comma or
/// a line end, or the block's end). A number in the simple form is read in place and its
/// end is where the number stops; any other cell is found by its delimiter first.
#[inline(always)]
fn take(
    role: &Role,
    bytes: &[u8],
    at: usize,
    values: &mut [f64],
    label: &mut Option<bool>,
) -> Option<usize> {
    let ends_cell = |i: usize| matches!(bytes.get(i), None | Some(b',' | b'\n' | b'\r'));
    match (role.number, role.label) {
        (Some(place), false) => {
            if let Some((v, len)) = decimal::leading_decimal(&bytes[at..]) {
                if ends_cell(at + len) {
                    values[place] = v;
                    return Some(at + len);
                }
            }
        }
        (None, true) => {
            if let (Some(b'0' | b'1'), true) = (bytes.get(at), ends_cell(at + 1)) {
                *label = Some(bytes[at] == b'1');
                return Some(at + 1);
            }
        }
        _ => {}
    }
    // Cells no number is read from are mostly short (labels, codes): a few bytes are
    // looked at one by one before a search is set up.
    let ends = |b: &u8| matches!(b, b',' | b'\n');
    let near = bytes[at..].iter().take(8).position(ends);
    let end = near
        .or_else(|| memchr::memchr2(b',', b'\n', &bytes[at..]))
        .map_or(bytes.len(), |i| at + i);
    let mut cell = &bytes[at..end];
    if bytes.get(end) == Some(&b'\n') {
        cell = cell.strip_suffix(b"\r").unwrap_or(cell);
    }
    if let Some(place) = role.number {
        values[place] = number(cell)?;
    }
    if role.label {
        *label = Some(field::label(cell).ok()?);
    }
    Some(at + cell.len())
}

/// A numeric cell, exactly as [`field::number`] reads it, or None where that gives an error.
pub(super) fn number(cell: &[u8]) -> Option<f64> {
    decimal::simple_decimal(cell).or_else(|| field::number(cell).ok())
}

#[cfg(test)]
mod tests {
    use super::super::block::{Layout, csv_block};
    use super::super::reader::Source;
    use super::*;
    use proptest::prelude::*;

    type Row = (Vec<u64>, Option<bool>);

    fn layout(width: usize, numeric: Vec<usize>, label: Option<usize>) -> Layout {
        Layout {
            header: (0..width).map(|j| format!("c{j}")).collect(),
            roles: roles(width, &numeric, label),
            numeric,
            label,
        }
    }

    fn collect(rows: &mut Vec<Row>, values: &[f64], label: Option<bool>) {
        rows.push((values.iter().map(|v| v.to_bits()).collect(), label));
    }

    /// The quick path's rows and line count, if it takes the block.
    fn quick(layout: &Layout, bytes: &[u8]) -> Option<(Vec<Row>, usize, u64)> {
        let mut rows = Vec::new();
        let (n, lines) = parse_block(layout, bytes, &mut rows, &collect)?;
        Some((rows, n, lines))
    }

    /// The csv crate's rows and line count, or its error.
    fn reference(layout: &Layout, bytes: &[u8]) -> Result<(Vec<Row>, usize, u64), String> {
        let source = Source::Bytes {
            name: "t.csv".into(),
            bytes: std::sync::Arc::from(&b""[..]),
        };
        csv_block(&source, layout, bytes, Vec::new(), &collect).map_err(|e| e.to_string())
    }

    /// Cells of every kind the two paths must agree on: mostly ones the quick path takes,
    /// so that blocks often reach their odd rows.
    fn any_cell() -> impl Strategy<Value = &'static str> {
        const USUAL: &[&str] = &[
            "",
            "0",
            "1",
            "2",
            "1.5",
            "-2e3",
            " 3",
            "0.09531017980432493",
            "+.5",
            "1.e2",
        ];
        const ODD: &[&str] = &[
            "x", "\"4\"", "\"1,2\"", "\"3\n\"", "nan", "1e400", "1_0", "\u{e9}",
        ];
        prop_oneof![
            9 => proptest::sample::select(USUAL),
            1 => proptest::sample::select(ODD),
        ]
    }

    /// A layout: 1 to 3 columns, each skipped, numeric, the label or both; and maybe the
    /// first numeric column needed twice, as a feature plotted on the x axis is.
    fn any_layout() -> impl Strategy<Value = Layout> {
        (proptest::collection::vec(0..4u8, 1..4), any::<bool>()).prop_map(|(kinds, twice)| {
            let mut numeric: Vec<usize> = (0..kinds.len()).filter(|&j| kinds[j] % 2 == 1).collect();
            if twice && !numeric.is_empty() {
                numeric.push(numeric[0]);
            }
            let label = kinds.iter().position(|&k| k >= 2);
            layout(kinds.len(), numeric, label)
        })
    }

    #[test]
    fn the_usual_export_takes_the_quick_path_with_the_csv_crates_rows() {
        let l = layout(3, vec![2, 0], Some(1));
        let block = b"0.5,1,7.095976067707081\r\n-3,0,0.09531017980432493\n\n1e5,1,2";
        let got = quick(&l, block).expect("a plain block takes the quick path");
        assert_eq!(got.1, 3);
        assert_eq!(Ok(got), reference(&l, block));
        // A quote anywhere, or a cell it does not take, hands the block to the csv crate.
        assert!(quick(&l, b"1,0,\"2\"\n").is_none());
        assert!(quick(&l, b"1,0,x\n").is_none());
        assert!(quick(&l, b"1,0\n").is_none());
        // Even where the column is not read: a quote may hide a delimiter (here the row is
        // two cells, one short), and bytes that are not UTF-8 are the csv crate's to report.
        let skipped = layout(3, vec![0], None);
        assert!(quick(&skipped, b"1,\"a,b\"\n").is_none());
        assert!(reference(&skipped, b"1,\"a,b\"\n").is_err());
        assert!(quick(&skipped, b"1,\xff,2\n").is_none());
        assert!(reference(&skipped, b"1,\xff,2\n").is_err());
    }

    proptest! {
        #[test]
        fn well_formed_blocks_take_the_quick_path(
            layout in any_layout(),
            cells in proptest::collection::vec(any::<u64>(), 1..30),
            crlf in any::<bool>(),
        ) {
            let width = layout.header.len();
            prop_assume!(cells.len() >= width);
            let mut block = Vec::new();
            for (i, bits) in cells.chunks_exact(width).enumerate() {
                let row: Vec<String> = bits
                    .iter()
                    .enumerate()
                    .map(|(j, &b)| match layout.roles.columns[j] {
                        Role { label: true, .. } => (b % 2).to_string(),
                        _ if b % 3 == 0 => (b % 1000).to_string(),
                        _ => Some(f64::from_bits(b))
                            .filter(|x| x.is_finite())
                            .unwrap_or(0.5)
                            .to_string(),
                    })
                    .collect();
                if i > 0 {
                    block.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
                }
                block.extend_from_slice(row.join(",").as_bytes());
            }
            let got = quick(&layout, &block);
            prop_assert!(got.is_some());
            prop_assert_eq!(Ok(got.unwrap()), reference(&layout, &block));
        }

        #[test]
        fn shortest_forms_of_doubles_read_back_exactly(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            for text in [format!("{x}"), format!("{x:e}")] {
                prop_assert_eq!(number(text.as_bytes()).map(f64::to_bits), Some(bits));
            }
        }
    }

    proptest! {
        // Cheap cases, and odd rows are a small share of them: many more than the default.
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_quick_path_reads_any_block_it_takes_as_the_csv_crate_does(
            layout in any_layout(),
            lines in proptest::collection::vec(
                (
                    proptest::collection::vec(any_cell(), 0..4),
                    proptest::sample::select(&["\n", "\r\n", "\r", ""][..]),
                ),
                0..6,
            ),
        ) {
            let block: String = lines.iter().map(|(cells, end)| cells.join(",") + end).collect();
            if let Some(got) = quick(&layout, block.as_bytes()) {
                prop_assert_eq!(Ok(got), reference(&layout, block.as_bytes()));
            }
        }
    }
}
