//! The JSON document `run` prints: fixed key order, no timestamps, so identical arguments
//! give identical bytes and two runs diff line by line. `compare` reads it back.

use crate::detect::Detection;
use crate::explain::TopCase;
pub mod priority_codec;

use crate::json::FORMAT_VERSION;
use crate::lab::{InputDistribution, Scale};
use crate::run::{Cut, Outcome, RunConfig};
use priority_codec::Encoded;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Identifies a run document; `compare` refuses anything else.
pub const RUN_FORMAT: &str = "anomaly-lab/run";
/// Priority sets up to this size are printed as a plain list, one index a line, so a plain
/// `diff` of two runs shows which cases moved; larger ones are encoded.
pub const INLINE_LIMIT: usize = 10_000;

/// A JSON object whose keys keep the order they were written in (feature order).
#[derive(Clone, Debug, PartialEq)]
pub struct Ordered<V>(pub Vec<(String, V)>);

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered(Vec::new())
    }
}

impl<V> Ordered<V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl<V: Serialize> Serialize for Ordered<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

/// One run, as printed by `anomaly-lab run`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RunReport {
    pub format: String,
    pub format_version: u32,
    pub params: Params,
    /// Exactly the notebook's four keys.
    pub summary: Summary,
    /// How the flagged cases compare with the ground truth, where the lab has labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection: Option<Detection>,
    /// The top cases, each feature's part in their score.
    #[serde(default)]
    pub top_cases: Vec<TopCase>,
    /// Every priority case, ascending: what `compare` diffs. Up to [`INLINE_LIMIT`] cases
    /// as a plain list; more as `priority_encoded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_indices: Option<Vec<usize>>,
    /// The priority cases of a large run, compactly encoded (see [`priority_codec`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_encoded: Option<Encoded>,
    /// The ground truth's threats, ascending, where the lab has labels: so `compare` can
    /// tell which threats a change caught or missed. Encoded like the priority set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_indices: Option<Vec<usize>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat_encoded: Option<Encoded>,
    /// Where the plot was written, as given; null with `--no-plot`.
    pub plot: Option<String>,
    /// The lab's reflection template, every field empty.
    pub reflection: Ordered<String>,
}

/// Everything needed to rerun.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub lab: String,
    /// Absent for a run that scored a data file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u128>,
    pub n: usize,
    /// The data file a run scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataParams>,
    /// The threats' base rate in a labelled generated lab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantile: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    pub top_k: usize,
    pub weights: Ordered<f64>,
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub scales: Ordered<Scale>,
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub distributions: Ordered<InputDistribution>,
    /// Threat cases' distributions, for the features where threats differ.
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub threat_distributions: Ordered<InputDistribution>,
    pub tool_version: String,
}

/// Which rows a data run scored: enough for `compare` to know two runs saw the same rows.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataParams {
    /// The file's name as given.
    pub file: String,
    pub rows: usize,
    /// "xxh3-128:" and the hash of the file's (decompressed) bytes: two runs with the same
    /// hash scored the same rows.
    pub hash: String,
    /// The ground-truth column, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub priority_count: usize,
    pub threshold: f64,
    pub top_indices: Vec<usize>,
    pub review_note: String,
}

impl Params {
    pub fn of(cfg: &RunConfig) -> Params {
        let (quantile, threshold) = match cfg.cut {
            Cut::Quantile(q) => (Some(q), None),
            Cut::Threshold(t) => (None, Some(t)),
        };
        let features = &cfg.lab.features;
        // A data run's cases come from its file: a lab's distributions do not apply.
        let generated = cfg.lab.is_generated();
        let by_name = |get: &dyn Fn(&crate::lab::Feature) -> Option<InputDistribution>| {
            Ordered(
                features
                    .iter()
                    .filter_map(|f| get(f).map(|d| (f.name.clone(), d)))
                    .collect(),
            )
        };
        let scales = if features.iter().all(|f| f.scale.is_none()) {
            Ordered::default()
        } else {
            Ordered(features.iter().map(|f| (f.name.clone(), f.scale)).collect())
        };
        Params {
            lab: cfg.lab.id.clone(),
            seed: cfg.lab.is_generated().then_some(cfg.seed),
            n: cfg.n,
            data: None,
            prevalence: cfg
                .lab
                .labels
                .as_ref()
                .and_then(|l| l.prevalence)
                .filter(|_| generated),
            quantile,
            threshold,
            top_k: cfg.top_k,
            weights: Ordered(
                features
                    .iter()
                    .map(|f| (f.name.clone(), f.weight))
                    .collect(),
            ),
            scales,
            distributions: by_name(&|f| f.distribution.filter(|_| generated)),
            threat_distributions: by_name(&|f| f.threat.filter(|_| generated)),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

impl RunReport {
    pub fn new(cfg: &RunConfig, out: &Outcome, plot: Option<String>) -> RunReport {
        let threats: Option<Vec<usize>> = out.labels.as_ref().map(|l| {
            l.iter()
                .enumerate()
                .filter_map(|(i, &t)| t.then_some(i))
                .collect()
        });
        RunReport {
            format: RUN_FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            params: Params::of(cfg),
            summary: Summary {
                priority_count: out.priority.len(),
                threshold: out.threshold,
                top_indices: out.top.clone(),
                review_note: cfg.lab.review_note.clone(),
            },
            detection: out.detection.clone(),
            top_cases: out.top_cases.clone(),
            priority_indices: (out.priority.len() <= INLINE_LIMIT).then(|| out.priority.clone()),
            priority_encoded: (out.priority.len() > INLINE_LIMIT)
                .then(|| priority_codec::encode(&out.priority)),
            threat_indices: threats
                .as_ref()
                .filter(|t| t.len() <= INLINE_LIMIT)
                .cloned(),
            threat_encoded: threats
                .as_ref()
                .filter(|t| t.len() > INLINE_LIMIT)
                .map(|t| priority_codec::encode(t)),
            plot,
            reflection: Ordered(
                cfg.lab
                    .reflection
                    .iter()
                    .map(|name| (name.clone(), String::new()))
                    .collect(),
            ),
        }
    }

    /// The priority cases, decoded if they were encoded.
    pub fn priority(&self) -> Result<std::borrow::Cow<'_, [usize]>, String> {
        match (&self.priority_indices, &self.priority_encoded) {
            (Some(list), None) => Ok(list.as_slice().into()),
            (None, Some(e)) => priority_codec::decode(e)
                .map(Into::into)
                .map_err(|err| format!("priority_encoded: {err}")),
            (Some(_), Some(_)) => Err("has both priority_indices and priority_encoded".into()),
            (None, None) => Err("has neither priority_indices nor priority_encoded".into()),
        }
    }

    /// The ground truth's threats, decoded if they were encoded; None in an unlabelled run.
    pub fn threats(&self) -> Result<Option<Vec<usize>>, String> {
        match (&self.threat_indices, &self.threat_encoded) {
            (Some(list), None) => Ok(Some(list.clone())),
            (None, Some(e)) => priority_codec::decode(e)
                .map(Some)
                .map_err(|err| format!("threat_encoded: {err}")),
            (Some(_), Some(_)) => Err("has both threat_indices and threat_encoded".into()),
            (None, None) => Ok(None),
        }
    }

    /// Writes [`RunReport::to_json`]'s text to `w` without building it in memory (the
    /// same form as `crate::json::pretty`, streamed).
    pub fn write_json(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }

    /// Pretty JSON with a trailing newline, the form `run` prints.
    pub fn to_json(&self) -> String {
        crate::json::pretty(self)
    }
}

/// Parses and checks a run document: JSON, the run format and version, every field, and
/// that the parts agree. `name` (a file name) starts every error message.
pub fn parse_run(name: &str, text: &str) -> anyhow::Result<RunReport> {
    use anyhow::{Context, bail};
    if text.trim().is_empty() {
        bail!("{name} is empty; expected the JSON printed by `anomaly-lab run`");
    }
    let hint = "make one with `anomaly-lab run > FILE`";
    if !text.trim_start().starts_with('{') {
        // Valid JSON or not, it is no run: say which, without building it in memory.
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .with_context(|| format!("{name} is not valid JSON"))?;
        bail!("{name} is not an anomaly-lab run output: it is not a JSON object ({hint})");
    }
    // Only the head first: other fields are skipped unread, however large.
    #[derive(serde::Deserialize)]
    struct Head {
        format: Option<serde_json::Value>,
        format_version: Option<serde_json::Value>,
    }
    let doc: Head =
        serde_json::from_str(text).with_context(|| format!("{name} is not valid JSON"))?;
    match doc.format.as_ref().and_then(|f| f.as_str()) {
        Some(RUN_FORMAT) => {}
        Some(other) => {
            let article = if other.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            bail!("{name} is {article} {other:?} file, not an anomaly-lab run output ({hint})")
        }
        None => bail!(
            "{name} is not an anomaly-lab run output: it has no \"format\": \"{RUN_FORMAT}\" ({hint})"
        ),
    }
    match doc.format_version.as_ref().and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => {}
        Some(v) => bail!(
            "{name} is run format version {v}; this anomaly-lab ({}) reads version \
             {FORMAT_VERSION}: rerun it with this version",
            env!("CARGO_PKG_VERSION")
        ),
        None => bail!("{name} has no valid \"format_version\""),
    }
    let run: RunReport = serde_json::from_str(text)
        .with_context(|| format!("{name} is not a complete run output"))?;
    run.check_consistent()
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{name} is inconsistent (edited by hand?)"))?;
    Ok(run)
}

impl Params {
    /// What a run with these parameters needs, as `run` checks its flags: at least one
    /// case, a cut in range, finite weights, valid distributions for every feature of a
    /// generated run.
    pub fn check(&self) -> Result<(), String> {
        if self.n == 0 {
            return Err("n is 0; a run has at least one case".into());
        }
        match (self.quantile, self.threshold) {
            (Some(q), None) if (0.0..=1.0).contains(&q) => {}
            (None, Some(t)) if t.is_finite() => {}
            _ => return Err("it needs a quantile from 0 to 1 or a finite threshold".into()),
        }
        if self.weights.0.is_empty() {
            return Err("it has no weights".into());
        }
        if let Some((name, w)) = self.weights.0.iter().find(|(_, w)| !w.is_finite()) {
            return Err(format!("weight {name} is {w}, not a finite number"));
        }
        for (name, d) in self
            .distributions
            .0
            .iter()
            .chain(&self.threat_distributions.0)
        {
            d.check()
                .map_err(|e| format!("distribution of {name}: {e}"))?;
        }
        if self.seed.is_some() {
            let names = self.weights.0.iter().map(|(k, _)| k);
            if !names.eq(self.distributions.0.iter().map(|(k, _)| k)) {
                return Err(
                    "a generated run needs a distribution for every weighted feature".into(),
                );
            }
        }
        if let Some(p) = self.prevalence.filter(|p| !(0.0..=1.0).contains(p)) {
            return Err(format!(
                "prevalence {} is not between 0 and 1",
                crate::readable::number(p)
            ));
        }
        Ok(())
    }
}

impl RunReport {
    /// The parts of a run that must agree with each other.
    fn check_consistent(&self) -> Result<(), String> {
        let p = self.priority()?;
        let count = self.summary.priority_count;
        if p.len() != count {
            return Err(format!(
                "the priority set has {} cases but summary.priority_count is {count}",
                p.len()
            ));
        }
        if !p.windows(2).all(|w| w[0] < w[1]) {
            return Err("priority_indices is not in ascending order".into());
        }
        let n = self.params.n;
        if p.last().is_some_and(|&i| i >= n) || self.summary.top_indices.iter().any(|&i| i >= n) {
            return Err(format!("an index is not below n = {n}"));
        }
        let weights = self.params.weights.0.iter().map(|(k, _)| k);
        let distributions = &self.params.distributions.0;
        if !distributions.is_empty() && !weights.eq(distributions.iter().map(|(k, _)| k)) {
            return Err("params.weights and params.distributions name different features".into());
        }
        let threats = self.threats()?;
        if threats.is_some() != self.detection.is_some() {
            return Err("has threat indices without detection metrics, or the reverse".into());
        }
        if let (Some(t), Some(d)) = (&threats, &self.detection) {
            if t.len() as u64 != d.tp + d.fn_ || t.last().is_some_and(|&i| i >= n) {
                return Err(
                    "the threat indices do not agree with detection.tp + detection.fn".into(),
                );
            }
        }
        if self.params.seed.is_some() == self.params.data.is_some() {
            return Err(
                "params must have either a seed (generated) or data (a scored file)".into(),
            );
        }
        self.params.check().map_err(|e| format!("params: {e}"))?;
        // Names are printed to terminals: no control characters (escape sequences) in them.
        let p = &self.params;
        let mut texts: Vec<&str> = vec![&p.lab, &p.tool_version];
        if let Some(d) = &p.data {
            texts.extend([d.file.as_str(), d.hash.as_str()]);
            texts.extend(d.label.as_deref());
        }
        texts.extend(p.weights.0.iter().map(|(k, _)| k.as_str()));
        texts.extend(p.scales.0.iter().map(|(k, _)| k.as_str()));
        texts.extend(p.distributions.0.iter().map(|(k, _)| k.as_str()));
        texts.extend(p.threat_distributions.0.iter().map(|(k, _)| k.as_str()));
        for case in &self.top_cases {
            texts.extend(case.features.0.iter().map(|(k, _)| k.as_str()));
        }
        if let Some(bad) = texts.iter().find(|t| t.chars().any(char::is_control)) {
            return Err(format!("params holds a control character, in {bad:?}"));
        }
        Ok(())
    }
}
