//! Shared helpers for the integration tests: the binary to run (`anomaly_lab`), fixture
//! loading, bit-pattern decoding, the labs, the run flags and PNG checks.
#![allow(dead_code)]

use anomaly_lab::lab::{InputDistribution, Lab};
use anomaly_lab::run::{Cut, RunConfig};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The `anomaly-lab` binary, to run in `dir`.
pub(crate) fn anomaly_lab(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("anomaly-lab").expect("binary builds");
    c.current_dir(dir);
    c
}

/// Every flag of `anomaly-lab run`, as the README documents them (`--threads` is global).
pub(crate) const RUN_FLAGS: [&str; 17] = [
    "--seed",
    "--n",
    "--quantile",
    "--threshold",
    "--weights",
    "--beta",
    "--dist",
    "--top",
    "--plot",
    "--no-plot",
    "--lab",
    "--data",
    "--label",
    "--plot-x",
    "--decorate",
    "--export",
    "--threads",
];

pub(crate) fn fixture<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    #[derive(Deserialize)]
    struct File<T> {
        cases: Vec<T>,
    }
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<File<T>>(&text)
        .expect("fixture parses")
        .cases
}

pub(crate) fn f(bits: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(bits.trim_start_matches("0x"), 16).expect("hex bits"))
}

pub(crate) fn hex(x: f64) -> String {
    format!("0x{:016x}", x.to_bits())
}

pub(crate) fn sha_f64(values: impl IntoIterator<Item = f64>) -> String {
    let mut h = Sha256::new();
    for v in values {
        h.update(v.to_le_bytes());
    }
    format!("{:x}", h.finalize())
}

pub(crate) fn sha_idx(values: &[usize]) -> String {
    let mut h = Sha256::new();
    for &v in values {
        h.update((v as u64).to_le_bytes());
    }
    format!("{:x}", h.finalize())
}

/// A lab by name: a built-in one from `lab/`, or a test-only one from `tests/fixtures/labs/`.
pub(crate) fn lab(name: &str) -> Lab {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut path = root.join(format!("lab/{name}.toml"));
    if !path.exists() {
        path = root.join(format!("tests/fixtures/labs/{name}.toml"));
    }
    Lab::from_toml(&std::fs::read_to_string(path).expect("lab file")).expect("valid lab")
}

/// A whole run as the fixture generator describes it.
#[derive(Deserialize, Debug)]
pub(crate) struct Summary {
    pub lab: String,
    pub seed: String,
    pub n: usize,
    pub cut: std::collections::BTreeMap<String, String>,
    pub top_k: usize,
    pub weights: Option<Vec<String>>,
    pub betas: std::collections::BTreeMap<String, [String; 2]>,
    pub threshold: String,
    pub priority_count: usize,
    pub priority_sha256: String,
    pub priority_head: Vec<usize>,
    pub top_indices: Vec<usize>,
    pub scores_sha256: String,
}

impl Summary {
    pub(crate) fn config(&self) -> RunConfig {
        let mut lab = lab(&self.lab);
        if let Some(ws) = &self.weights {
            for (feat, w) in lab.features.iter_mut().zip(ws) {
                feat.weight = f(w);
            }
        }
        for (name, [a, b]) in &self.betas {
            let i = lab.feature_index(name).expect("fixture names a feature");
            lab.features[i].distribution = Some(InputDistribution::Beta { a: f(a), b: f(b) });
        }
        let mut cfg = RunConfig::from_lab(lab);
        cfg.seed = self.seed.parse().expect("seed");
        cfg.n = self.n;
        cfg.top_k = self.top_k;
        cfg.cut = match (self.cut.get("quantile"), self.cut.get("threshold")) {
            (Some(q), _) => Cut::Quantile(f(q)),
            (None, Some(t)) => Cut::Threshold(f(t)),
            _ => panic!("fixture cut has quantile or threshold"),
        };
        cfg
    }

    /// Checks a run against the fixture; returns a description of the first mismatch.
    pub(crate) fn check(&self, out: &anomaly_lab::run::Outcome) -> Result<(), String> {
        let what = format!("seed {} n {} cut {:?}", self.seed, self.n, self.cut);
        let scores = out.scores.as_slice().expect("contiguous");
        if sha_f64(scores.iter().copied()) != self.scores_sha256 {
            return Err(format!("{what}: scores differ"));
        }
        if hex(out.threshold) != self.threshold {
            return Err(format!(
                "{what}: threshold {} != numpy {}",
                hex(out.threshold),
                self.threshold
            ));
        }
        if out.priority.len() != self.priority_count
            || sha_idx(&out.priority) != self.priority_sha256
        {
            return Err(format!(
                "{what}: priority set differs ({} vs {})",
                out.priority.len(),
                self.priority_count
            ));
        }
        if out.priority.iter().take(30).copied().collect::<Vec<_>>() != self.priority_head {
            return Err(format!("{what}: priority head differs"));
        }
        if out.top != self.top_indices {
            return Err(format!(
                "{what}: top {:?} != numpy {:?}",
                out.top, self.top_indices
            ));
        }
        Ok(())
    }
}

/// The `detection` object as the fixtures write it: counts as integers, floats as bits.
#[derive(Deserialize, Debug)]
pub(crate) struct Expected {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tn: u64,
    pub precision: String,
    pub recall: String,
    pub f1: String,
    pub fpr: String,
    pub precision_at_k: String,
    pub k: usize,
    pub average_precision: String,
    pub roc_auc: Option<String>,
}

impl Expected {
    pub(crate) fn check(&self, d: &anomaly_lab::detect::Detection) -> Result<(), String> {
        let bits = |x: f64| hex(x);
        let got = (
            (d.tp, d.fp, d.fn_, d.tn, d.k),
            [d.precision, d.recall, d.f1, d.fpr, d.precision_at_k].map(bits),
            (bits(d.average_precision), d.roc_auc.map(bits)),
        );
        let want = (
            (self.tp, self.fp, self.fn_, self.tn, self.k),
            [
                &self.precision,
                &self.recall,
                &self.f1,
                &self.fpr,
                &self.precision_at_k,
            ]
            .map(|s| s.clone()),
            (self.average_precision.clone(), self.roc_auc.clone()),
        );
        if got == want {
            Ok(())
        } else {
            Err(format!("got {got:?}\nwant {want:?}"))
        }
    }
}

/// Whether `bytes` decode as a whole PNG image (not a truncated or foreign file).
pub(crate) fn is_complete_png(bytes: &[u8]) -> bool {
    png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .and_then(|mut r| {
            let mut buf = vec![0; r.output_buffer_size()];
            r.next_frame(&mut buf).map(|_| ())
        })
        .is_ok()
}

/// Runs `args` in `dir` (it must succeed) and returns the process's peak resident memory,
/// in bytes.
// The child is reaped by wait4, which also gives its resource usage.
#[allow(clippy::zombie_processes)]
pub(crate) fn peak_memory(dir: &Path, args: &[&str]) -> u64 {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("anomaly-lab"))
        .current_dir(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("runs");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which nothing else
    // waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?}"
    );
    // Linux counts ru_maxrss in KiB (macOS would in bytes).
    u64::try_from(usage.ru_maxrss).expect("a size") * 1024
}

/// The least of `runs` runs' [`peak_memory`]: a run's peak varies by a few megabytes with
/// how its threads happen to interleave.
pub(crate) fn least_peak_memory(dir: &Path, args: &[&str], runs: usize) -> u64 {
    (0..runs)
        .map(|_| peak_memory(dir, args))
        .min()
        .expect("one run")
}
