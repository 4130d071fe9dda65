//! The form of every JSON document anomaly-lab writes: pretty-printed with a trailing
//! newline, and a `format_version` shared by all of them.

use serde::Serialize;

/// The version every document (run, comparison, reflection, sweep) carries. Bumped whenever
/// a field of any of them changes meaning or disappears.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `value` as pretty JSON with a trailing newline. Only called on values built from
/// strings, numbers and maps with string keys, which always serialize.
pub(crate) fn pretty(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("a document of plain data serializes");
    s.push('\n');
    s
}
