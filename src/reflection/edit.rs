//! Editing one text field of a JSON document in place: the new value is spliced into the
//! original text, so every other byte (the student's formatting, other fields) is kept.

use std::ops::Range;

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the string starting at `b[i] == '"'` (just past its closing quote).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The end of the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// An object's members, (key, value span) in order, and the object's own span.
type Members = (Vec<(String, Range<usize>)>, Range<usize>);

/// Where the members of the object starting at `start` are.
fn members(text: &str, start: usize) -> Option<Members> {
    let b = text.as_bytes();
    if b.get(start) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(b, start + 1);
    if b.get(i) == Some(&b'}') {
        return Some((out, start..i + 1));
    }
    loop {
        let key_end = skip_string(b, i)?;
        let key: String = serde_json::from_str(&text[i..key_end]).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let value = skip_ws(b, i + 1);
        let end = skip_value(b, value)?;
        out.push((key, value..end));
        i = skip_ws(b, end);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return Some((out, start..i + 1)),
            _ => return None,
        }
    }
}

/// `text` with `reflection.field` set to `value` (a JSON string), every other byte kept.
/// A field missing from the object is added at its end. None if `text` is not a JSON
/// object with a `reflection` object.
pub fn set_field(text: &str, field: &str, value: &str) -> Option<String> {
    let literal = serde_json::to_string(value).ok()?;
    let root = skip_ws(text.as_bytes(), 0);
    let (top, _) = members(text, root)?;
    // As serde_json reads a repeated key: the last one counts.
    let reflection = top.iter().rev().find(|(k, _)| k == "reflection")?.1.start;
    let (fields, object) = members(text, reflection)?;
    let spliced = match fields.iter().rev().find(|(k, _)| k == field) {
        Some((_, span)) => format!("{}{literal}{}", &text[..span.start], &text[span.end..]),
        None => {
            let key = serde_json::to_string(field).ok()?;
            let close = object.end - 1;
            let body_end = text[..close].trim_end().len();
            let sep = if fields.is_empty() { "" } else { "," };
            format!(
                "{}{sep}\n    {key}: {literal}{}",
                &text[..body_end],
                &text[body_end..]
            )
        }
    };
    // The splice must still be JSON with the field holding exactly the value.
    let check: serde_json::Value = serde_json::from_str(&spliced).ok()?;
    (check["reflection"][field].as_str() == Some(value)).then_some(spliced)
}

#[cfg(test)]
mod tests {
    use super::set_field;

    const DOC: &str = "{\n  \"format\": \"anomaly-lab/reflection\",\n  \"reflection\": {\n    \
                       \"what_changed\": \"quantile 0.8 -> 0.9\",\n    \"interpretation\": \"\",\n    \
                       \"odd  \\\"key}\": [1, {\"a\": \"}\"}]\n  },\n  \"after\": {\"n\": 96}\n}\n";

    #[test]
    fn only_the_field_changes() {
        let out = set_field(
            DOC,
            "interpretation",
            "Fewer alerts: \"precision\" rises.\nYes.",
        )
        .unwrap();
        let expected = DOC.replace(
            "\"interpretation\": \"\"",
            "\"interpretation\": \"Fewer alerts: \\\"precision\\\" rises.\\nYes.\"",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn a_missing_field_is_added_and_broken_documents_refused() {
        let out = set_field(DOC, "synthetic_data_limit", "drift").unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["reflection"]["synthetic_data_limit"], "drift");
        assert_eq!(v["reflection"]["what_changed"], "quantile 0.8 -> 0.9");
        assert!(out.starts_with(&DOC[..DOC.find("\n  },").unwrap()]));
        let empty = "{\"reflection\": {}}";
        let out = set_field(empty, "a", "b").unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&out).unwrap()["reflection"]["a"],
            "b"
        );
        for bad in [
            "",
            "[]",
            "{\"reflection\": []}",
            "{\"reflection\": {\"a\": }",
            "{\"x\": 1}",
        ] {
            assert!(set_field(bad, "a", "b").is_none(), "{bad:?}");
        }
    }
}
