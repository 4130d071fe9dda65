//! The lab as data: features with their distributions and weights, the cut-off rule,
//! the plot's labels and the reflection template. Parsing and validation, no I/O.

mod builtin;
mod distribution;
mod names;
mod validate;

use crate::error::LabError;
pub use builtin::{BUILT_IN, MODULE2_TOML, built_in, built_in_data};
pub use distribution::{InputDistribution, KINDS, Scale, kinds_in_words};
pub use names::locate;
pub use names::{is_identifier, line_column, suggest};
use serde::{Deserialize, Serialize};

/// One lab: what to generate (or which data file to score), how to score it, and how to
/// present it. Keys marked optional in `lab/FORMAT.md` have the defaults below.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// Short identifier, recorded in every run so runs of different labs are not compared.
    pub id: String,
    /// Plot title.
    pub title: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_n")]
    pub n: u64,
    /// Priority cut-off as a quantile of the risk score (default 0.8 unless `threshold`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantile: Option<f64>,
    /// Priority cut-off as an absolute risk score, instead of `quantile`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    #[serde(default = "default_top_k")]
    pub top_k: u64,
    /// The lab's score is meant to lie on 0-1 (features on 0-1, weights summing to 1), so
    /// weights that do not sum to 1 get a warning.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unit_score: bool,
    #[serde(default)]
    pub review_note: String,
    /// Names of the reflection fields a student fills in.
    #[serde(default = "default_reflection")]
    pub reflection: Vec<String>,
    #[serde(default)]
    pub plot: PlotSpec,
    /// Ground truth: which cases are threats. Absent in an unlabelled lab such as Module 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Labels>,
    /// A data file to score instead of generating cases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataSpec>,
    pub features: Vec<Feature>,
}

fn default_n() -> u64 {
    1000
}
fn default_top_k() -> u64 {
    5
}
fn default_reflection() -> Vec<String> {
    [
        "what_changed",
        "metric_before",
        "metric_after",
        "interpretation",
        "synthetic_data_limit",
        "next_real_world_evidence_needed",
    ]
    .map(String::from)
    .to_vec()
}
fn default_y_label() -> String {
    "risk score".into()
}
fn default_label_name() -> String {
    "threat".into()
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlotSpec {
    /// The feature on the x axis (the y axis is the risk score); default the first feature.
    #[serde(default)]
    pub x: String,
    /// Default: the feature's name.
    #[serde(default)]
    pub x_label: String,
    #[serde(default = "default_y_label")]
    pub y_label: String,
    /// Draw the threshold line and a legend (runs that differ from the lab always do).
    #[serde(default)]
    pub decorations: bool,
}

impl Default for PlotSpec {
    fn default() -> Self {
        PlotSpec {
            x: String::new(),
            x_label: String::new(),
            y_label: default_y_label(),
            decorations: false,
        }
    }
}

/// Ground truth. In a generated lab each case is a threat with probability `prevalence`
/// (`rng.random(n) < prevalence`, drawn before any feature); in a data lab `name` is the
/// 0/1 column that holds it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    #[serde(default = "default_label_name")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prevalence: Option<f64>,
}

/// A CSV (or .csv.gz) export to score; `file` is relative to the lab file.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    pub file: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    pub name: String,
    pub weight: f64,
    /// How the feature is put on a common scale before weighting.
    #[serde(default, skip_serializing_if = "Scale::is_none")]
    pub scale: Scale,
    /// The feature's distribution: every case's, or the benign cases' when `threat` is set.
    /// Absent in a data lab, where the feature is a column of the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<InputDistribution>,
    /// The threat cases' distribution, where threats differ in this feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threat: Option<InputDistribution>,
}

impl Lab {
    /// The compiled-in Module 2 lab.
    pub fn module2() -> Lab {
        built_in("module2").expect("the built-in lab is valid (checked by tests)")
    }

    /// Parses and validates a lab file's text. Errors carry the line and column.
    pub fn from_toml(text: &str) -> Result<Lab, LabError> {
        let lab = Lab::from_toml_unchecked(text)?;
        match lab.located_problems(text).into_iter().next() {
            Some(first) => Err(first),
            None => Ok(lab),
        }
    }

    /// Parses a lab file's text with its defaults filled in, not yet validated.
    pub fn from_toml_unchecked(text: &str) -> Result<Lab, LabError> {
        let mut lab: Lab = toml::from_str(text).map_err(|e| LabError::Syntax(e.to_string()))?;
        lab.fill_defaults();
        Ok(lab)
    }

    /// Every problem of [`Lab::problems`], with its line and column in `text`; and keys
    /// that have defaults but no meaning in this lab (a data lab's `seed` and `n`), which
    /// only the text can tell were written.
    pub fn located_problems(&self, text: &str) -> Vec<LabError> {
        let mut problems = self.problems();
        if !self.is_generated() {
            for key in ["seed", "n"] {
                if let Some(at) = locate(text, key) {
                    problems.push(LabError::Invalid {
                        field: key.into(),
                        problem: "a data lab scores its file's rows, so it draws no cases: \
                                  remove this key"
                            .into(),
                        at: Some(at),
                    });
                }
            }
        }
        problems
            .into_iter()
            .map(|e| match e {
                LabError::Invalid { field, problem, .. } => {
                    let at = locate(text, &field);
                    LabError::Invalid { field, problem, at }
                }
                other => other,
            })
            .collect()
    }

    /// Defaults that depend on other keys: the plotted feature and its label.
    fn fill_defaults(&mut self) {
        if self.plot.x.is_empty() {
            if let Some(f) = self.features.first() {
                self.plot.x = f.name.clone();
            }
        }
        if self.plot.x_label.is_empty() {
            self.plot.x_label = self.plot.x.replace('_', " ");
        }
    }

    /// Index of the feature called `name`, if any.
    pub fn feature_index(&self, name: &str) -> Option<usize> {
        self.features.iter().position(|f| f.name == name)
    }

    /// The feature names, comma-separated, for messages.
    pub fn feature_list(&self) -> String {
        let names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
        names.join(", ")
    }

    /// The label's name, where the lab has ground truth.
    pub fn label_name(&self) -> Option<&str> {
        self.labels.as_ref().map(|l| l.name.as_str())
    }

    /// Whether cases are generated (not read from a data file).
    pub fn is_generated(&self) -> bool {
        self.data.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_lab_is_the_notebook() {
        let lab = Lab::module2();
        assert_eq!(
            (lab.seed, lab.n, lab.quantile, lab.top_k),
            (2, 96, Some(0.8), 5)
        );
        let weights: Vec<f64> = lab.features.iter().map(|f| f.weight).collect();
        assert_eq!(weights, [0.25, 0.25, 0.20, 0.15, 0.15]);
        assert_eq!(
            lab.features[1].distribution,
            Some(InputDistribution::Beta { a: 2.5, b: 2.5 })
        );
        assert_eq!(lab.plot.x, "severity");
    }

    #[test]
    fn validation_names_the_field() {
        let mut lab = Lab::module2();
        lab.features[2].distribution = Some(InputDistribution::Beta { a: 0.0, b: 1.0 });
        let err = lab.validate().unwrap_err().to_string();
        assert!(err.contains("features[2].distribution"), "{err}");
        let mut lab = Lab::module2();
        lab.features[3].name = "exposure".into();
        assert!(
            lab.validate()
                .unwrap_err()
                .to_string()
                .contains("appears twice")
        );
        let mut lab = Lab::module2();
        lab.plot.x = "nope".into();
        assert!(lab.validate().unwrap_err().to_string().contains("plot.x"));
    }

    #[test]
    fn suggestions_catch_typos_only() {
        let names = ["exposure", "severity", "control_gap"];
        assert_eq!(suggest("sevrity", names.into_iter()), Some("severity"));
        assert_eq!(
            suggest("control-gap", names.into_iter()),
            Some("control_gap")
        );
        assert_eq!(suggest("bandwidth", names.into_iter()), None);
    }

    #[test]
    fn file_errors_carry_line_and_column() {
        let text = MODULE2_TOML.replace("a = 3.0, b = 5.0", "a = -3.0, b = 5.0");
        let err = Lab::from_toml(&text).unwrap_err().to_string();
        let line = MODULE2_TOML
            .lines()
            .position(|l| l.contains("a = 3.0, b = 5.0"))
            .unwrap()
            + 1;
        assert!(
            err.starts_with(&format!(
                "line {line}, column 1: field `features[2].distribution`: a must"
            )),
            "{err}"
        );
        let text = MODULE2_TOML.replace("quantile = 0.8", "quantile = 1.8");
        let err = Lab::from_toml(&text).unwrap_err().to_string();
        let line = MODULE2_TOML
            .lines()
            .position(|l| l.starts_with("quantile"))
            .unwrap()
            + 1;
        assert!(
            err.starts_with(&format!("line {line}, column 1: field `quantile`")),
            "{err}"
        );
        // Syntax errors come with toml's own position.
        let err = Lab::from_toml("id = \"x\"\nn = 12x\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("control_gap2"));
        assert!(!is_identifier("2gap") && !is_identifier("Gap") && !is_identifier(""));
    }
}
