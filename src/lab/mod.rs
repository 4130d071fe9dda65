//! The lab as data: features with their distributions and weights, the cut-off rule,
//! the plot's labels and the reflection template. Parsing and validation, no I/O.

mod names;

use crate::error::LabError;
use names::locate;
pub use names::{is_identifier, suggest};
use serde::{Deserialize, Serialize};

/// The Module 2 lab, compiled in so `anomaly-lab run` needs no files.
pub const MODULE2_TOML: &str = include_str!("../../lab/module2.toml");

/// One lab: what to generate, how to score it, and how to present it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    /// Short identifier, recorded in every run so runs of different labs are not compared.
    pub id: String,
    /// Plot title.
    pub title: String,
    pub seed: u64,
    pub n: u64,
    /// Priority cut-off as a quantile of the risk score.
    pub quantile: f64,
    pub top_k: u64,
    pub review_note: String,
    /// Names of the reflection fields a student fills in.
    pub reflection: Vec<String>,
    pub plot: PlotSpec,
    pub features: Vec<Feature>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PlotSpec {
    /// The feature on the x axis (the y axis is the risk score).
    pub x: String,
    pub x_label: String,
    pub y_label: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    pub name: String,
    pub weight: f64,
    pub distribution: Distribution,
}

/// A feature's distribution, each drawn exactly as the numpy `Generator` method of that name.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Distribution {
    /// `rng.beta(a, b)`.
    Beta { a: f64, b: f64 },
    /// `rng.uniform(low, high)`.
    Uniform { low: f64, high: f64 },
    /// `rng.normal(mean, sd)`.
    Normal { mean: f64, sd: f64 },
    /// `rng.gamma(shape, scale)`.
    Gamma { shape: f64, scale: f64 },
}

impl Distribution {
    /// Checks the parameters numpy would reject, plus non-finite ones numpy would let through
    /// into NaN scores. Returns what is wrong, in words.
    pub fn check(&self) -> Result<(), String> {
        let finite = |name: &str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number, got {v}"))
            }
        };
        let positive = |name: &str, v: f64| {
            finite(name, v)?;
            if v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be greater than 0, got {v}"))
            }
        };
        match *self {
            Distribution::Beta { a, b } => positive("a", a).and(positive("b", b)),
            Distribution::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                if high > low && (high - low).is_finite() {
                    Ok(())
                } else {
                    Err(format!(
                        "high must be greater than low with a finite range, got low {low}, high {high}"
                    ))
                }
            }
            Distribution::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd >= 0.0 {
                    Ok(())
                } else {
                    Err(format!("sd must be 0 or more, got {sd}"))
                }
            }
            Distribution::Gamma { shape, scale } => {
                positive("shape", shape).and(positive("scale", scale))
            }
        }
    }
}

impl Lab {
    /// The compiled-in Module 2 lab.
    pub fn module2() -> Lab {
        Lab::from_toml(MODULE2_TOML).expect("the built-in lab is valid (checked by tests)")
    }

    /// Parses and validates a lab file's text. Errors carry the line and column.
    pub fn from_toml(text: &str) -> Result<Lab, LabError> {
        let lab: Lab = toml::from_str(text).map_err(|e| LabError::Syntax(e.to_string()))?;
        lab.validate().map_err(|e| match e {
            LabError::Invalid { field, problem, .. } => {
                let at = locate(text, &field);
                LabError::Invalid { field, problem, at }
            }
            other => other,
        })?;
        Ok(lab)
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

    /// Every rule a run relies on; the error names the field.
    pub fn validate(&self) -> Result<(), LabError> {
        let invalid = |field: String, problem: String| {
            Err(LabError::Invalid {
                field,
                problem,
                at: None,
            })
        };
        if self.id.trim().is_empty() {
            return invalid("id".into(), "must not be empty".into());
        }
        if self.n == 0 {
            return invalid("n".into(), "must be at least 1".into());
        }
        if !(0.0..=1.0).contains(&self.quantile) {
            return invalid(
                "quantile".into(),
                format!("must be between 0 and 1, got {}", self.quantile),
            );
        }
        if self.features.is_empty() {
            return invalid(
                "features".into(),
                "the lab needs at least one feature".into(),
            );
        }
        for (i, f) in self.features.iter().enumerate() {
            let at = |what: &str| format!("features[{i}].{what}");
            if !is_identifier(&f.name) {
                return invalid(
                    at("name"),
                    format!(
                        "{:?} is not a feature name: use lowercase letters, digits and _, starting with a letter",
                        f.name
                    ),
                );
            }
            if self.features[..i].iter().any(|g| g.name == f.name) {
                return invalid(at("name"), format!("{:?} appears twice", f.name));
            }
            if !f.weight.is_finite() {
                return invalid(
                    at("weight"),
                    format!("must be a finite number, got {}", f.weight),
                );
            }
            if let Err(problem) = f.distribution.check() {
                return invalid(at("distribution"), problem);
            }
        }
        if self.feature_index(&self.plot.x).is_none() {
            return invalid(
                "plot.x".into(),
                format!(
                    "{:?} is not one of the lab's features ({})",
                    self.plot.x,
                    self.feature_list()
                ),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_lab_is_the_notebook() {
        let lab = Lab::module2();
        assert_eq!((lab.seed, lab.n, lab.quantile, lab.top_k), (2, 96, 0.8, 5));
        let weights: Vec<f64> = lab.features.iter().map(|f| f.weight).collect();
        assert_eq!(weights, [0.25, 0.25, 0.20, 0.15, 0.15]);
        assert_eq!(
            lab.features[1].distribution,
            Distribution::Beta { a: 2.5, b: 2.5 }
        );
        assert_eq!(lab.plot.x, "severity");
    }

    #[test]
    fn validation_names_the_field() {
        let mut lab = Lab::module2();
        lab.features[2].distribution = Distribution::Beta { a: 0.0, b: 1.0 };
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
