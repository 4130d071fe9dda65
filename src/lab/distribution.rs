//! A feature's input distribution as a lab file writes it, and how it is put on a common
//! scale before weighting.

use serde::{Deserialize, Serialize};

/// A feature's distribution, each drawn exactly as the numpy `Generator` method of that name.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum InputDistribution {
    /// `rng.beta(a, b)`.
    Beta { a: f64, b: f64 },
    /// `rng.uniform(low, high)`.
    Uniform { low: f64, high: f64 },
    /// `rng.normal(mean, sd)`.
    Normal { mean: f64, sd: f64 },
    /// `rng.gamma(shape, scale)`.
    Gamma { shape: f64, scale: f64 },
    /// `rng.lognormal(mean, sigma)`: always positive, for volumes and durations.
    Lognormal { mean: f64, sigma: f64 },
}

/// How a feature is put on a common scale before it is weighted, computed on the whole
/// population exactly as the numpy expression in each variant's comment.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// The raw value (Module 2's features are already on 0-1).
    #[default]
    None,
    /// `(x - x.mean()) / x.std()`.
    Zscore,
    /// `(x - x.min()) / (x.max() - x.min())`.
    Minmax,
}

impl Scale {
    pub fn is_none(&self) -> bool {
        *self == Scale::None
    }

    /// The numpy expression, with the feature's name for `x`.
    pub fn numpy(&self, x: &str) -> String {
        match self {
            Scale::None => x.to_string(),
            Scale::Zscore => format!("({x} - {x}.mean()) / {x}.std()"),
            Scale::Minmax => format!("({x} - {x}.min()) / ({x}.max() - {x}.min())"),
        }
    }
}

/// "beta(2, 4)", the way a student would write it.
impl std::fmt::Display for InputDistribution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, p1, p2) = self.parts();
        let number = crate::readable::number;
        write!(f, "{kind}({}, {})", number(p1), number(p2))
    }
}

/// Every kind with its two parameters' names in numpy's order, as lab files write them
/// (`lab/FORMAT.md`); the enum's serde names are checked against this by a test.
pub const KINDS: [(&str, [&str; 2]); 5] = [
    ("beta", ["a", "b"]),
    ("uniform", ["low", "high"]),
    ("normal", ["mean", "sd"]),
    ("gamma", ["shape", "scale"]),
    ("lognormal", ["mean", "sigma"]),
];

/// The kinds as a list in words, "beta, uniform, normal, gamma or lognormal", each kind
/// written by `form` from its name and parameters' names.
pub fn kinds_in_words(form: impl Fn(&str, [&str; 2]) -> String) -> String {
    let forms: Vec<String> = KINDS
        .iter()
        .map(|&(kind, names)| form(kind, names))
        .collect();
    let (last, rest) = forms.split_last().expect("there are kinds");
    format!("{} or {last}", rest.join(", "))
}

impl InputDistribution {
    /// The distribution of `kind` with parameters `p1`, `p2` in numpy's order (unchecked);
    /// None for a kind not in [`KINDS`].
    pub fn from_parts(kind: &str, p1: f64, p2: f64) -> Option<InputDistribution> {
        Some(match kind {
            "beta" => InputDistribution::Beta { a: p1, b: p2 },
            "uniform" => InputDistribution::Uniform { low: p1, high: p2 },
            "normal" => InputDistribution::Normal { mean: p1, sd: p2 },
            "gamma" => InputDistribution::Gamma {
                shape: p1,
                scale: p2,
            },
            "lognormal" => InputDistribution::Lognormal {
                mean: p1,
                sigma: p2,
            },
            _ => return None,
        })
    }

    /// The names of `kind`'s two parameters, as lab files write them.
    pub fn parameter_names(kind: &str) -> Option<[&'static str; 2]> {
        KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, names)| *names)
    }

    /// Its kind as the lab format names it, and its two parameters in numpy's order.
    pub fn parts(&self) -> (&'static str, f64, f64) {
        match *self {
            InputDistribution::Beta { a, b } => ("beta", a, b),
            InputDistribution::Uniform { low, high } => ("uniform", low, high),
            InputDistribution::Normal { mean, sd } => ("normal", mean, sd),
            InputDistribution::Gamma { shape, scale } => ("gamma", shape, scale),
            InputDistribution::Lognormal { mean, sigma } => ("lognormal", mean, sigma),
        }
    }

    /// Checks the parameters numpy would reject, plus non-finite ones numpy would let through
    /// into NaN scores, by building the sampler (whose constructor holds the rules), and
    /// a lognormal whose values would overflow. Returns what is wrong, in words.
    pub fn check(&self) -> Result<(), String> {
        use crate::numpy::{Beta, Gamma, Lognormal, Normal, Uniform};
        let built = match *self {
            InputDistribution::Beta { a, b } => Beta::new(a, b).map(drop),
            InputDistribution::Uniform { low, high } => Uniform::new(low, high).map(drop),
            InputDistribution::Normal { mean, sd } => Normal::new(mean, sd).map(drop),
            InputDistribution::Gamma { shape, scale } => Gamma::new(shape, scale).map(drop),
            InputDistribution::Lognormal { mean, sigma } => Lognormal::new(mean, sigma).map(drop),
        };
        built.map_err(|e| e.to_string())?;
        match *self {
            // exp overflows past about 709: such a feature would be all infinities.
            InputDistribution::Lognormal { mean, sigma } if mean + 40.0 * sigma >= 700.0 => {
                Err(format!(
                    "mean {} and sigma {} put values beyond e^700, which overflows; \
                     use a smaller mean or sigma",
                    crate::readable::number(mean),
                    crate::readable::number(sigma)
                ))
            }
            _ => Ok(()),
        }
    }

    /// The numpy call that draws `size` values of it: `rng.beta(2.0, 4.0, size=n)`.
    pub fn numpy(&self, size: &str) -> String {
        let p = |v: f64| crate::notebook::py_float(v);
        match *self {
            InputDistribution::Beta { a, b } => {
                format!("rng.beta({}, {}, size={size})", p(a), p(b))
            }
            InputDistribution::Uniform { low, high } => {
                format!("rng.uniform({}, {}, size={size})", p(low), p(high))
            }
            InputDistribution::Normal { mean, sd } => {
                format!("rng.normal({}, {}, size={size})", p(mean), p(sd))
            }
            InputDistribution::Gamma { shape, scale } => {
                format!("rng.gamma({}, {}, size={size})", p(shape), p(scale))
            }
            InputDistribution::Lognormal { mean, sigma } => {
                format!("rng.lognormal({}, {}, size={size})", p(mean), p(sigma))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_match_the_lab_format_both_ways() {
        for (kind, names) in KINDS {
            let d = InputDistribution::from_parts(kind, 1.0, 2.0).expect("a listed kind");
            assert_eq!(d.parts(), (kind, 1.0, 2.0));
            // The serde form, which lab files use, names the same fields.
            let json = serde_json::to_value(d).unwrap();
            assert_eq!(json["kind"], kind);
            assert_eq!(
                (json[names[0]].as_f64(), json[names[1]].as_f64()),
                (Some(1.0), Some(2.0))
            );
        }
        assert_eq!(InputDistribution::from_parts("poisson", 1.0, 2.0), None);
    }
}
