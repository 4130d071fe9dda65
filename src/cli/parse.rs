//! clap value parsers: each says what was wrong and what would be accepted.

use std::path::PathBuf;

/// `--weights`: five numbers in feature order, or `name=value` overrides.
#[derive(Clone, Debug, PartialEq)]
pub enum WeightsArg {
    All(Vec<f64>),
    Named(Vec<(String, f64)>),
}

/// `--dist FEATURE=KIND:P1,P2`.
#[derive(Clone, Debug, PartialEq)]
pub struct DistArg {
    pub feature: String,
    pub distribution: crate::lab::InputDistribution,
}

/// `--beta FEATURE=A,B`.
#[derive(Clone, Debug, PartialEq)]
pub struct BetaArg {
    pub feature: String,
    pub a: f64,
    pub b: f64,
}

fn number(s: &str) -> Result<f64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("expected a number, got nothing".into());
    }
    let v: f64 = t.parse().map_err(|_| format!("{t:?} is not a number"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{t} is not a finite number"))
    }
}

/// A seed as numpy takes it: a whole number from 0 to 2^128 - 1.
pub(super) fn seed(s: &str) -> Result<u128, String> {
    let t = s.trim();
    t.parse::<u128>().map_err(|_| {
        if t.starts_with('-') {
            format!("{t} is negative; a seed is a whole number from 0 to 2^128-1")
        } else {
            format!("{t:?} is not a seed; expected a whole number from 0 to 2^128-1 (e.g. 2)")
        }
    })
}

/// The number of cases: a whole number of at least 1.
pub(super) fn count(s: &str) -> Result<usize, String> {
    // Underscores group digits (1_000_000), as in Rust and Python: only between digits.
    let raw = s.trim();
    let grouped = raw.split('_').all(|part| !part.is_empty());
    let t = if grouped {
        raw.replace('_', "")
    } else {
        String::new()
    };
    match t.parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(v) => usize::try_from(v).map_err(|_| format!("{v} is too large for this machine")),
        Err(_) => Err(format!(
            "{:?} is not a whole number of at least 1 (e.g. 96 or 1_000_000)",
            s.trim()
        )),
    }
}

/// `--top K`: a whole number, 0 or more.
pub(super) fn top_k(s: &str) -> Result<usize, String> {
    s.trim()
        .parse::<usize>()
        .map_err(|_| format!("{:?} is not a whole number of 0 or more (e.g. 5)", s.trim()))
}

/// A quantile in [0, 1].
pub(super) fn quantile(s: &str) -> Result<f64, String> {
    let q = cut(s)?;
    if (0.0..=1.0).contains(&q) {
        Ok(q)
    } else {
        Err(format!(
            "{} is outside [0, 1]; use e.g. 0.9 for the top 10%",
            crate::readable::number(q)
        ))
    }
}

/// Any finite number (an absolute score threshold).
pub(super) fn finite(s: &str) -> Result<f64, String> {
    cut(s)
}

/// A cut point (quantile or threshold), where -0 means 0: adding +0 turns -0.0 into 0.0
/// and leaves every other double as it is, so a run records 0.0, never -0.0. (Weights
/// keep their sign of zero: the numpy twin is given them as typed.)
fn cut(s: &str) -> Result<f64, String> {
    number(s).map(|v| v + 0.0)
}

pub(super) fn weights(s: &str) -> Result<WeightsArg, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.iter().all(|p| p.is_empty()) {
        return Err(
            "no weights given; give weights as 0.4,0.1,0.2,0.15,0.15 or severity=0.4,activity=0 \
             (with --data, the columns: src_bytes=0.5,dst_bytes=0.5)"
                .into(),
        );
    }
    if let Some(i) = parts.iter().position(|p| p.is_empty()) {
        return Err(format!(
            "weight {} of {} is empty (a stray comma?); give weights as \
             0.4,0.1,0.2,0.15,0.15 or name=value pairs, severity=0.4,activity=0",
            i + 1,
            parts.len()
        ));
    }
    let named = parts.iter().filter(|p| p.contains('=')).count();
    if named == 0 {
        let values = parts
            .iter()
            .enumerate()
            .map(|(i, p)| number(p).map_err(|e| format!("weight {}: {e}", i + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(WeightsArg::All(values));
    }
    if named != parts.len() {
        return Err(
            "mixes plain numbers and name=value pairs; give either all weights in \
                    feature order (0.4,0.1,0.2,0.15,0.15) or name=value pairs (severity=0.4)"
                .into(),
        );
    }
    let pairs = parts
        .iter()
        .map(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            let v = number(value).map_err(|e| format!("{}: {e}", name.trim()))?;
            Ok((name.trim().to_string(), v))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for (i, (name, _)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return Err(format!(
                "{name} is given twice; give each feature's weight once"
            ));
        }
    }
    Ok(WeightsArg::Named(pairs))
}

/// `--dist FEATURE=KIND:P1,P2`: any of the lab format's distributions, its two parameters
/// in the order numpy takes them; checked as a lab file's would be.
pub(super) fn dist(s: &str) -> Result<DistArg, String> {
    use crate::lab::InputDistribution;
    // "beta:A,B, uniform:LOW,HIGH, ... or lognormal:MEAN,SIGMA"
    let kinds = crate::lab::kinds_in_words(|kind, [p1, p2]| {
        format!("{kind}:{},{}", p1.to_uppercase(), p2.to_uppercase())
    });
    let (feature, spec) = s.split_once('=').ok_or_else(|| {
        format!("{s:?} is not FEATURE=KIND:P1,P2 (e.g. login_velocity=gamma:3,1.5)")
    })?;
    let (kind, params) = spec
        .split_once(':')
        .ok_or_else(|| format!("{spec:?} is not KIND:P1,P2; KIND:P1,P2 is one of {kinds}"))?;
    let (p1, p2) = params
        .split_once(',')
        .ok_or_else(|| format!("{params:?} is not two parameters P1,P2"))?;
    let (p1, p2) = (
        number(p1).map_err(|e| format!("P1: {e}"))?,
        number(p2).map_err(|e| format!("P2: {e}"))?,
    );
    let kind = kind.trim();
    let distribution = InputDistribution::from_parts(kind, p1, p2)
        .ok_or_else(|| format!("{kind:?} is not a distribution; use {kinds}"))?;
    distribution.check()?;
    Ok(DistArg {
        feature: feature.trim().to_string(),
        distribution,
    })
}

pub(super) fn beta(s: &str) -> Result<BetaArg, String> {
    let (feature, params) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not FEATURE=A,B (e.g. exposure=3,3)"))?;
    let (a, b) = params
        .split_once(',')
        .ok_or_else(|| format!("{params:?} is not two shape parameters A,B (e.g. 3,3)"))?;
    let shape = |name: &'static str, v: &str| -> Result<f64, String> {
        let x = number(v).map_err(|e| format!("{name}: {e}"))?;
        crate::numpy::param_rules::positive(name, x)
            .map_err(|_| format!("{name} is {x}; beta shape parameters must be greater than 0"))
    };
    Ok(BetaArg {
        feature: feature.trim().to_string(),
        a: shape("A", a)?,
        b: shape("B", b)?,
    })
}

/// `--threads N`: a whole number from 1 to 1024.
pub(crate) fn threads(s: &str) -> Result<std::num::NonZeroUsize, String> {
    match s.trim().parse::<usize>() {
        Ok(n @ 1..=1024) => Ok(std::num::NonZeroUsize::new(n).expect("n is at least 1")),
        _ => Err(format!(
            "{s:?} is not a thread count: use a whole number from 1 to 1024"
        )),
    }
}

/// `--precision N`: decimals, 0 to 17.
pub(super) fn precision(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(p) if p <= 17 => Ok(p),
        _ => Err(format!(
            "{:?} is not a number of decimals from 0 to 17",
            s.trim()
        )),
    }
}

/// A path that is not empty.
pub(super) fn path(s: &str) -> Result<PathBuf, String> {
    if s.trim().is_empty() {
        Err("expected a file path, got nothing".into())
    } else {
        Ok(PathBuf::from(s))
    }
}

/// A file to write (or, for `reflect set`, to edit): a name, never `-`, which elsewhere
/// means standard input or output.
pub(super) fn file_path(s: &str) -> Result<PathBuf, String> {
    if s.trim() == "-" {
        return Err(
            "give a file name; - (standard input or output) cannot be written in place".into(),
        );
    }
    path(s)
}

/// A picture's path: the picture is PNG, so a name ending in another image type (`.jpg`)
/// is refused rather than given PNG bytes under a misleading name.
pub(super) fn png_path(s: &str) -> Result<PathBuf, String> {
    let p = file_path(s)?;
    match p.extension().and_then(|e| e.to_str()) {
        Some(ext) if !ext.eq_ignore_ascii_case("png") => Err(format!(
            "the picture is a PNG image; give a name ending in .png (got .{ext})"
        )),
        _ => Ok(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_forms() {
        assert_eq!(weights("0.4, 0.6"), Ok(WeightsArg::All(vec![0.4, 0.6])));
        assert_eq!(
            weights("severity=0.4"),
            Ok(WeightsArg::Named(vec![("severity".into(), 0.4)]))
        );
        assert!(weights("0.4,severity=0.4").unwrap_err().contains("mixes"));
        assert!(weights("0.4,nan").unwrap_err().contains("weight 2"));
        assert!(
            weights("0.4,,0.1")
                .unwrap_err()
                .contains("weight 2 of 3 is empty")
        );
        let trailing = weights("severity=0.4,").unwrap_err();
        assert!(trailing.contains("weight 2 of 2 is empty"), "{trailing}");
        assert!(!trailing.contains("mixes"), "{trailing}");
    }

    #[test]
    fn numbers_reject_what_they_should() {
        assert!(quantile("1.5").unwrap_err().contains("outside [0, 1]"));
        assert!(quantile("NaN").is_err());
        assert!(
            quantile("1e300")
                .unwrap_err()
                .starts_with("1e300 is outside")
        );
        assert_eq!(quantile("-0").map(f64::to_bits), Ok(0.0f64.to_bits()));
        assert_eq!(finite("-0").map(f64::to_bits), Ok(0.0f64.to_bits()));
        assert_eq!(finite("-2.5"), Ok(-2.5));
        assert!(seed("-1").unwrap_err().contains("negative"));
        assert!(seed("2.5").is_err());
        assert_eq!(seed("18446744073709551616"), Ok(1u128 << 64));
        assert!(count("0").is_err());
        assert_eq!(count("1_000"), Ok(1000));
        assert!(beta("exposure=0,1").unwrap_err().contains("greater than 0"));
        assert!(beta("exposure").is_err());
    }
}
