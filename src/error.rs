//! Typed errors. Usage errors (bad flags, bad values) exit 2; everything else exits 1.

use thiserror::Error;

/// A lab file (or the built-in lab after overrides) that cannot be run.
#[derive(Debug, Error)]
pub enum LabError {
    #[error("{0}")]
    Syntax(String),
    #[error("field `{field}` {problem}")]
    Invalid { field: String, problem: String },
}

/// A command-line value that parsed but does not fit the lab (unknown feature, wrong count).
#[derive(Debug, Error)]
#[error("invalid value for '{flag}': {problem}")]
pub struct UsageError {
    pub flag: String,
    pub problem: String,
}

impl UsageError {
    pub fn new(flag: &str, problem: impl Into<String>) -> Self {
        Self {
            flag: flag.to_string(),
            problem: problem.into(),
        }
    }
}
