//! A run's parameters as a flat, ordered list of named values, and the changes between
//! two such lists.

use super::ParamChange;
use crate::readable::number;
use crate::report::{Params, RunReport};
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
    flatten_params(&run.params)
}

/// What `cfg` changes from its lab as written: "quantile 0.9", "weights.severity 0.4", in
/// parameter order (the tool version aside). Empty for the lab's own run.
pub fn changes_from_lab(lab: &crate::run::RunConfig, cfg: &crate::run::RunConfig) -> Vec<String> {
    let (a, b) = (
        flatten_params(&Params::of(lab)),
        flatten_params(&Params::of(cfg)),
    );
    b.iter()
        .filter(|(name, value, _)| {
            name != "tool_version" && !a.iter().any(|(n, v, _)| n == name && v == value)
        })
        .map(|(name, _, text)| format!("{name} {text}"))
        .collect()
}

/// [`flatten`] of a parameter set.
fn flatten_params(p: &Params) -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    let mut push = |name: String, value: Value, text: String| out.push((name, value, text));
    // JSON numbers beyond u64 are not portable, so such seeds are kept as strings.
    if let Some(seed) = p.seed {
        let value = u64::try_from(seed).map_or_else(|_| Value::from(seed.to_string()), Value::from);
        push("seed".into(), value, seed.to_string());
    }
    if let Some(d) = &p.data {
        push(
            "data.file".into(),
            Value::from(d.file.clone()),
            d.file.clone(),
        );
        push(
            "data.hash".into(),
            Value::from(d.hash.clone()),
            d.hash.clone(),
        );
        if let Some(l) = &d.label {
            push("data.label".into(), Value::from(l.clone()), l.clone());
        }
    }
    push("n".into(), Value::from(p.n), p.n.to_string());
    if let Some(q) = p.quantile {
        push("quantile".into(), Value::from(q), number(q));
    }
    if let Some(t) = p.threshold {
        push("threshold".into(), Value::from(t), number(t));
    }
    if let Some(prevalence) = p.prevalence {
        push(
            "prevalence".into(),
            Value::from(prevalence),
            number(prevalence),
        );
    }
    push("top_k".into(), Value::from(p.top_k), p.top_k.to_string());
    for (name, w) in &p.weights.0 {
        push(format!("weights.{name}"), Value::from(*w), number(*w));
    }
    for (name, scale) in &p.scales.0 {
        let value = serde_json::to_value(scale).unwrap_or(Value::Null);
        let text = value.as_str().unwrap_or("-").to_string();
        push(format!("scales.{name}"), value, text);
    }
    for (prefix, list) in [
        ("distributions", &p.distributions),
        ("threat_distributions", &p.threat_distributions),
    ] {
        for (name, d) in &list.0 {
            let value = serde_json::to_value(d).unwrap_or(Value::Null);
            push(format!("{prefix}.{name}"), value, d.to_string());
        }
    }
    push(
        "tool_version".into(),
        Value::from(p.tool_version.clone()),
        p.tool_version.clone(),
    );
    out
}
