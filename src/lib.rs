//! anomaly-lab: the Module 2 anomaly-detection lab as a library and a CLI.
//!
//! The public API is what tests, benchmarks, examples and the fuzz targets use:
//! - pure computation: [`numpy`] (numpy-exact sampling), [`run`] (a run: generate, score,
//!   cut, rank), [`stats`], [`detect`] (metrics against ground truth), [`lab`] (lab
//!   files), [`compare`];
//! - rendering to bytes: [`report`] (the run's JSON), [`reflection`], [`explain`] (the
//!   top cases' explanations) and [`plot`] (PNG);
//! - the types those return: [`error`] (lab errors), [`scale`] (fitted scales);
//! - input: [`data`] reads telemetry exports (CSV, gzip);
//! - the command line: [`cli`], with [`allocator`] (a failed allocation ends cleanly).
//!
//! Crate-internal: `filesystem` (the only writer of the files a user sees), `memory` (reads
//! `/proc` and `/sys` to refuse runs that cannot fit), `parked` (long columns set aside in
//! unnamed temporary files while memory is needed elsewhere), `threads` (`--threads`),
//! `exit`, `json`, `fault` (the fault tests' failure point), and the pieces of the commands
//! (`sweep`, `export`, `notebook`, `readable`). The README's "Layout" table maps each
//! concern to its file.
//!
//! ```
//! use anomaly_lab::{lab::Lab, run::{RunConfig, simulate}};
//! let out = simulate(&RunConfig::from_lab(Lab::module2()), false).unwrap();
//! assert_eq!(out.top, [70, 55, 56, 14, 16]);
//! ```

pub mod allocator;
pub mod cli;
pub mod compare;
pub mod data;
pub mod detect;
pub mod error;
pub(crate) mod exit;
pub mod explain;
pub(crate) mod export;
mod fault;
pub(crate) mod filesystem;
pub(crate) mod json;
pub mod lab;
pub(crate) mod memory;
pub(crate) mod notebook;
pub mod numpy;
pub(crate) mod parked;
pub mod plot;
pub(crate) mod readable;
pub mod reflection;
pub mod report;
pub mod run;
pub mod scale;
pub mod stats;
pub(crate) mod sweep;
pub(crate) mod threads;
