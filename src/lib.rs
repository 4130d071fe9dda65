//! anomaly-lab: the Module 2 anomaly-detection lab as a library and a CLI.
//!
//! Computation ([`numpy`], [`stats`], [`run`], [`lab`]) is pure; [`report`] and [`plot`]
//! render results to JSON and PNG bytes; [`cli`] and [`filesystem`] touch files and streams, and
//! [`memory`] reads the kernel's accounts (`/proc`, `/sys`) to refuse runs that cannot fit.
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
pub(crate) mod error;
pub(crate) mod exit;
pub(crate) mod explain;
pub(crate) mod export;
mod fault;
pub(crate) mod filesystem;
pub(crate) mod json;
pub mod lab;
pub(crate) mod memory;
pub(crate) mod notebook;
pub mod numpy;
pub mod plot;
pub(crate) mod readable;
pub mod reflection;
pub mod report;
pub mod run;
pub(crate) mod scale;
pub mod stats;
pub(crate) mod sweep;
