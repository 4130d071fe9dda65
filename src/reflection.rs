//! The lab's reflection: filled in from a comparison where the tool knows the answer
//! (what changed, the metrics before and after), left empty where the student must think.

use crate::compare::Comparison;
use crate::report::{Ordered, Params, RunReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const FORMAT: &str = "anomaly-lab/reflection";

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
        format: FORMAT.into(),
        format_version: 1,
        lab: before.params.lab.clone(),
        reflection: Ordered(fields),
        before: before.params.clone(),
        after: after.params.clone(),
    }
}

impl Reflection {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a reflection always serializes");
        s.push('\n');
        s
    }
}

/// The reflection fields of any document with a `reflection` object (a reflection file or a
/// run output) that are missing, not text, or only white space.
pub fn empty_fields(doc: &Value) -> Option<(usize, Vec<String>)> {
    let fields = doc.get("reflection")?.as_object()?;
    let empty = fields
        .iter()
        .filter(|(_, v)| v.as_str().is_none_or(|s| s.trim().is_empty()))
        .map(|(k, _)| k.clone())
        .collect();
    Some((fields.len(), empty))
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
        let (total, empty) = empty_fields(&doc).unwrap();
        assert_eq!(total, 6);
        assert_eq!(
            empty,
            [
                "interpretation",
                "synthetic_data_limit",
                "next_real_world_evidence_needed"
            ]
        );
    }
}
