//! The lab's reflection: filled in from a comparison where the tool knows the answer
//! (what changed, the metrics before and after), left empty where the student must think.

pub mod edit;

use crate::compare::Comparison;
use crate::report::{Ordered, Params, RunReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const REFLECTION_FORMAT: &str = "anomaly-lab/reflection";

/// A reflection file: the template plus both runs' parameters, so it stands on its own.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Reflection {
    pub format: String,
    pub format_version: u32,
    pub lab: String,
    pub reflection: Ordered<String>,
    pub before: Params,
    pub after: Params,
}

fn metric_text(run: &RunReport) -> String {
    let mut text = format!(
        "priority_count {}, threshold {}",
        run.summary.priority_count, run.summary.threshold
    );
    if let Some(d) = &run.detection {
        text.push_str(&format!(
            ", precision {} ({} of {} alerts are threats), recall {} ({} of {} threats caught)",
            d.precision,
            d.tp,
            d.tp + d.fp,
            d.recall,
            d.tp,
            d.tp + d.fn_
        ));
    }
    text
}

/// The reflection for `before` -> `after`, with the fields the tool can fill filled.
pub fn fill(before: &RunReport, after: &RunReport, cmp: &Comparison) -> Reflection {
    let changed = cmp.changes();
    let what_changed = if changed.is_empty() {
        "nothing: the two runs have the same parameters".to_string()
    } else {
        changed.join("; ")
    };
    let fields = before
        .reflection
        .0
        .iter()
        .map(|(name, _)| {
            let value = match name.as_str() {
                "what_changed" => what_changed.clone(),
                "metric_before" => metric_text(before),
                "metric_after" => metric_text(after),
                _ => String::new(),
            };
            (name.clone(), value)
        })
        .collect();
    Reflection {
        format: REFLECTION_FORMAT.into(),
        format_version: crate::json::FORMAT_VERSION,
        lab: before.params.lab.clone(),
        reflection: Ordered(fields),
        before: before.params.clone(),
        after: after.params.clone(),
    }
}

impl Reflection {
    pub fn to_json(&self) -> String {
        crate::json::pretty(self)
    }
}

/// What `reflect check` finds in a document's `reflection` object.
#[derive(Debug, Default, PartialEq)]
pub struct Audit {
    /// The fields the lab asks for.
    pub expected: Vec<String>,
    /// Expected fields absent from the document (deleted by hand).
    pub missing: Vec<String>,
    /// Fields that are empty, or hold only white space or invisible characters.
    pub empty: Vec<String>,
    /// Fields holding something other than text (a number, a list...).
    pub not_text: Vec<String>,
    /// Fields the lab does not have (a typo in a field name, say).
    pub unknown: Vec<String>,
}

impl Audit {
    /// Expected fields not yet filled in: missing, blank or not text.
    pub fn unfilled(&self) -> usize {
        self.missing.len() + self.empty.len() + self.not_text.len()
    }

    pub fn complete(&self) -> bool {
        self.missing.is_empty()
            && self.empty.is_empty()
            && self.not_text.is_empty()
            && self.unknown.is_empty()
    }
}

/// Text with no letter or digit in it: white space, punctuation alone, and the many
/// characters that print as nothing (zero-width spaces and joiners, direction marks,
/// variation selectors, tags, control characters, Hangul fillers, the blank Braille cell).
/// An answer must say something in words or numbers.
fn is_blank(text: &str) -> bool {
    !text.chars().any(|c| {
        c.is_alphanumeric() && !matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
    })
}

/// Checks a document's `reflection` object against the lab's fields (`expected`; `None`
/// takes the document's own field names). `None` if the document has no such object.
pub fn audit(doc: &Value, expected: Option<&[String]>) -> Option<Audit> {
    let fields = doc.get("reflection")?.as_object()?;
    let expected: Vec<String> = match expected {
        Some(names) => names.to_vec(),
        None => fields.keys().cloned().collect(),
    };
    let mut audit = Audit::default();
    for name in &expected {
        match fields.get(name) {
            None => audit.missing.push(name.clone()),
            Some(Value::String(text)) if is_blank(text) => audit.empty.push(name.clone()),
            Some(Value::String(_)) => {}
            Some(Value::Null) => audit.empty.push(name.clone()),
            Some(_) => audit.not_text.push(name.clone()),
        }
    }
    audit.unknown = fields
        .keys()
        .filter(|k| !expected.contains(k))
        .cloned()
        .collect();
    audit.expected = expected;
    Some(audit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::compare;
    use crate::lab::Lab;
    use crate::run::{Cut, RunConfig, simulate};

    #[test]
    fn fills_what_the_tool_knows_and_leaves_the_rest() {
        let cfg = RunConfig::from_lab(Lab::module2());
        let before = RunReport::new(&cfg, &simulate(&cfg, false).unwrap(), None);
        let mut cfg9 = cfg.clone();
        cfg9.cut = Cut::Quantile(0.9);
        let after = RunReport::new(&cfg9, &simulate(&cfg9, false).unwrap(), None);
        let r = fill(&before, &after, &compare(&before, &after).unwrap());
        assert_eq!(
            r.reflection.get("what_changed").unwrap(),
            "quantile 0.8 -> 0.9"
        );
        assert_eq!(
            r.reflection.get("metric_before").unwrap(),
            "priority_count 20, threshold 0.4501860567503254"
        );
        assert!(
            r.reflection
                .get("metric_after")
                .unwrap()
                .starts_with("priority_count 10,")
        );
        let doc: Value = serde_json::from_str(&r.to_json()).unwrap();
        let audit = audit(&doc, Some(&Lab::module2().reflection)).unwrap();
        assert_eq!(audit.expected.len(), 6);
        assert_eq!(
            audit.empty,
            [
                "interpretation",
                "synthetic_data_limit",
                "next_real_world_evidence_needed"
            ]
        );
    }

    #[test]
    fn deleted_blank_and_non_text_fields_are_not_filled() {
        let expected: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let doc = serde_json::json!({"reflection": {
            "a": "real words",
            "b": " \u{200B}\u{FEFF}\t\u{2060}\u{3164}\u{2800}\u{FE0F}\u{E0020}\u{0}\u{61C}-?",
            "c": 42,
            "e": "",
            "typo": "x",
        }});
        let found = audit(&doc, Some(&expected)).unwrap();
        assert_eq!(found.missing, ["d"]);
        assert_eq!(found.empty, ["b", "e"]);
        assert_eq!(found.not_text, ["c"]);
        assert_eq!(found.unknown, ["typo"]);
        assert!(!found.complete());
        let emptied = serde_json::json!({"reflection": {}});
        let found = audit(&emptied, Some(&expected)).unwrap();
        assert_eq!(found.missing.len(), 5);
        assert!(!found.complete());
        assert!(audit(&serde_json::json!({"x": 1}), None).is_none());
    }
}
