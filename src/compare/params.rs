//! A run's parameters as a flat, ordered list of named values, and the changes between
//! two such lists.

use super::ParamChange;
use crate::lab::Distribution;
use crate::report::RunReport;
use serde_json::Value;

pub(super) fn param_changes(before: &RunReport, after: &RunReport) -> Vec<ParamChange> {
    let (a, b) = (flatten(before), flatten(after));
    // Union of names, in the order the first run lists them, then any only the second has.
    let mut names: Vec<&String> = a.iter().map(|(n, _, _)| n).collect();
    names.extend(
        b.iter()
            .map(|(n, _, _)| n)
            .filter(|n| !a.iter().any(|(m, _, _)| m == *n)),
    );
    let find = |side: &[(String, Value, String)], name: &str| {
        side.iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, v, t)| (v.clone(), t.clone()))
            .unwrap_or((Value::Null, "-".to_string()))
    };
    names
        .into_iter()
        .map(|name| {
            let (old, old_text) = find(&a, name);
            let (new, new_text) = find(&b, name);
            ParamChange {
                name: name.clone(),
                old,
                new,
                old_text,
                new_text,
            }
        })
        .collect()
}

/// A run's parameters as (name, JSON value, text) in output order.
fn flatten(run: &RunReport) -> Vec<(String, Value, String)> {
    let p = &run.params;
    let mut out = Vec::new();
    let mut push = |name: String, value: Value, text: String| out.push((name, value, text));
    // JSON numbers beyond u64 are not portable, so such seeds are kept as strings.
    let seed = u64::try_from(p.seed).map_or_else(|_| Value::from(p.seed.to_string()), Value::from);
    push("seed".into(), seed, p.seed.to_string());
    push("n".into(), Value::from(p.n), p.n.to_string());
    if let Some(q) = p.quantile {
        push("quantile".into(), Value::from(q), q.to_string());
    }
    if let Some(t) = p.threshold {
        push("threshold".into(), Value::from(t), t.to_string());
    }
    push("top_k".into(), Value::from(p.top_k), p.top_k.to_string());
    for (name, w) in &p.weights.0 {
        push(format!("weights.{name}"), Value::from(*w), w.to_string());
    }
    for (name, d) in &p.distributions.0 {
        let value = serde_json::to_value(d).unwrap_or(Value::Null);
        push(format!("distributions.{name}"), value, describe(d));
    }
    push(
        "tool_version".into(),
        Value::from(p.tool_version.clone()),
        p.tool_version.clone(),
    );
    out
}

/// "beta(2, 4)", the way a student would write it.
pub fn describe(d: &Distribution) -> String {
    match *d {
        Distribution::Beta { a, b } => format!("beta({a}, {b})"),
        Distribution::Uniform { low, high } => format!("uniform({low}, {high})"),
        Distribution::Normal { mean, sd } => format!("normal({mean}, {sd})"),
        Distribution::Gamma { shape, scale } => format!("gamma({shape}, {scale})"),
    }
}
