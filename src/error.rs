//! Typed errors. Usage errors (bad flags, bad values) exit 2; everything else exits 1
//! (see `crate::exit`).

use thiserror::Error;

/// A lab file (or the built-in lab after overrides) that cannot be run.
#[derive(Debug, Error)]
pub enum LabError {
    #[error("{0}")]
    Syntax(String),
    #[error("{}field `{field}`: {problem}", at.map(|(l, c)| format!("line {l}, column {c}: ")).unwrap_or_default())]
    Invalid {
        field: String,
        problem: String,
        /// Line and column in the lab file, where the field could be found there.
        at: Option<(usize, usize)>,
    },
}

/// A command-line value that parsed but does not fit the lab (unknown feature, wrong count).
/// `flag` is a command-line flag ("--n") or, for a value that came from the lab file, the
/// field's description ("the lab file's `n`").
#[derive(Debug, Error)]
#[error("{}{problem}", if flag.starts_with('-') { format!("invalid value for '{flag}': ") } else { format!("{flag}: ") })]
pub(crate) struct UsageError {
    pub flag: String,
    pub problem: String,
}

impl UsageError {
    pub(crate) fn new(flag: &str, problem: impl Into<String>) -> Self {
        Self {
            flag: flag.to_string(),
            problem: problem.into(),
        }
    }
}
