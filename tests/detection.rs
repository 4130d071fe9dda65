//! Ground truth against the real thing: numpy's reductions, scikit-learn's detection metrics
//! and curves, and whole labelled runs, each compared bit for bit with fixtures that
//! tools/gen_fixtures.py makes with numpy and scikit-learn.

use crate::common::{Expected, f, fixture, hex, sha_f64, sha_idx};
use anomaly_lab::detect::{Areas, Curve, Detection, confusion, sorted_descending};
use anomaly_lab::lab::{Feature, Lab, Labels};
use anomaly_lab::numpy::{self, Normal, reduce};
use anomaly_lab::run::{Cut, RunConfig, simulate};
use rand::distr::Distribution;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Reduction {
    n: usize,
    kind: String,
    sum: String,
    mean: String,
    std: String,
}

#[test]
fn sums_means_and_stds_match_numpy_across_pairwise_branches() {
    let cases: Vec<Reduction> = fixture("reductions.json");
    assert!(cases.len() >= 40);
    for c in &cases {
        let mut rng = numpy::default_rng(c.n as u128);
        let normal = Normal::new(3.0, 10.0).unwrap();
        let mut x: Vec<f64> = (0..c.n).map(|_| normal.sample(&mut rng)).collect();
        if c.kind == "mixed" {
            for v in &mut x {
                *v *= if numpy::next_double(&mut rng) < 0.1 {
                    1e12
                } else {
                    1.0
                };
            }
        }
        let what = format!("n {} {}", c.n, c.kind);
        assert_eq!(hex(reduce::sum(&x)), c.sum, "sum, {what}");
        assert_eq!(hex(reduce::mean(&x)), c.mean, "mean, {what}");
        assert_eq!(hex(reduce::std(&x)), c.std, "std, {what}");
    }
}

#[derive(Deserialize)]
struct Bits3 {
    precision: Vec<String>,
    recall: Vec<String>,
    thresholds: Vec<String>,
}

#[derive(Deserialize)]
struct Roc {
    fpr: Vec<String>,
    tpr: Vec<String>,
    thresholds: Vec<Option<String>>,
}

#[derive(Deserialize)]
struct MetricCase {
    scores: Vec<String>,
    labels: Vec<u8>,
    threshold: String,
    top: Vec<usize>,
    detection: Expected,
    pr: Bits3,
    roc: Option<Roc>,
}

fn hexes(v: &[f64]) -> Vec<String> {
    v.iter().map(|&x| hex(x)).collect()
}

#[test]
fn detection_metrics_and_curves_match_scikit_learn() {
    let cases: Vec<MetricCase> = fixture("detection.json");
    assert!(cases.len() >= 300);
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let scores: Vec<f64> = c.scores.iter().map(|s| f(s)).collect();
        let labels: Vec<bool> = c.labels.iter().map(|&l| l == 1).collect();
        let t = f(&c.threshold);
        let flagged: Vec<bool> = scores.iter().map(|&s| s >= t).collect();
        let curve = Curve::new(&scores, &labels);
        let top_threats = c.top.iter().filter(|&&j| labels[j]).count() as u64;
        // The run's areas come from the sorted scores without the curve: both must give
        // scikit-learn's doubles.
        let (all, threats) = sorted_descending(&scores, &labels);
        let streamed = Areas::of_sorted(&all, &threats);
        if streamed != curve.areas() {
            failures.push(format!("case {i}: {streamed:?} != {:?}", curve.areas()));
        }
        let d = Detection::new(
            confusion(&flagged, &labels),
            top_threats,
            c.top.len(),
            streamed,
        );
        if let Err(e) = c.detection.check(&d) {
            failures.push(format!("case {i}: {e}"));
        }
        let pr = curve.pr_curve();
        if (
            hexes(&pr.precision),
            hexes(&pr.recall),
            hexes(&pr.thresholds),
        ) != (
            c.pr.precision.clone(),
            c.pr.recall.clone(),
            c.pr.thresholds.clone(),
        ) {
            failures.push(format!("case {i}: precision_recall_curve differs"));
        }
        if let Some(roc) = &c.roc {
            let got = curve.roc_curve();
            let thresholds: Vec<Option<String>> =
                got.thresholds.iter().map(|t| t.map(hex)).collect();
            if (hexes(&got.fpr), hexes(&got.tpr), thresholds)
                != (roc.fpr.clone(), roc.tpr.clone(), roc.thresholds.clone())
            {
                failures.push(format!("case {i}: roc_curve differs"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[derive(Deserialize)]
struct LabelledRun {
    prevalence: f64,
    features: Vec<Feature>,
    seed: String,
    n: usize,
    cut: BTreeMap<String, String>,
    top_k: usize,
    threshold: String,
    priority_count: usize,
    priority_sha256: String,
    top_indices: Vec<usize>,
    scores_sha256: String,
    threats_sha256: String,
    detection: Expected,
}

impl LabelledRun {
    fn config(&self) -> RunConfig {
        let mut lab: Lab = anomaly_lab::lab::built_in("telemetry").unwrap();
        lab.labels = Some(Labels {
            name: "threat".into(),
            prevalence: Some(self.prevalence),
        });
        lab.features = self.features.clone();
        lab.plot.x = lab.features[0].name.clone();
        lab.validate().expect("fixture lab is valid");
        let mut cfg = RunConfig::from_lab(lab);
        cfg.seed = self.seed.parse().unwrap();
        cfg.n = self.n;
        cfg.top_k = self.top_k;
        cfg.cut = match (self.cut.get("quantile"), self.cut.get("threshold")) {
            (Some(q), _) => Cut::Quantile(f(q)),
            (_, Some(t)) => Cut::Threshold(f(t)),
            _ => panic!("cut"),
        };
        cfg
    }
}

#[test]
fn labelled_runs_match_numpy_and_scikit_learn() {
    let cases: Vec<LabelledRun> = fixture("labelled.json");
    assert!(cases.len() >= 60);
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let out = match simulate(&c.config(), false) {
            Ok(out) => out,
            Err(e) => {
                failures.push(format!("case {i}: {e}"));
                continue;
            }
        };
        let threats: Vec<usize> = (0..c.n)
            .filter(|&j| out.labels.as_ref().unwrap()[j])
            .collect();
        let checks = [
            (sha_idx(&threats) == c.threats_sha256, "labels"),
            (
                sha_f64(out.scores.iter().copied()) == c.scores_sha256,
                "scores",
            ),
            (hex(out.threshold) == c.threshold, "threshold"),
            (out.priority.len() == c.priority_count, "priority count"),
            (sha_idx(&out.priority) == c.priority_sha256, "priority set"),
            (out.top == c.top_indices, "top indices"),
        ];
        for (ok, what) in checks {
            if !ok {
                failures.push(format!("case {i}: {what} differ"));
            }
        }
        if let Err(e) = c.detection.check(out.detection.as_ref().unwrap()) {
            failures.push(format!("case {i}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
