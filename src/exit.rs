//! The statuses anomaly-lab exits with, in one place (as fd's `exit_codes.rs`).

/// How the process ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The command did what was asked.
    Success = 0,
    /// A runtime error, or a check (`reflect check`, `lab check`) that found problems.
    Failure = 1,
    /// A usage error: a flag, value or file the command cannot take; also a run that
    /// cannot fit in memory (the answer is a smaller run, as for a bad flag).
    Usage = 2,
    /// Ctrl-C, SIGTERM or SIGHUP while an output is being written (its temporary file
    /// removed): 128 + SIGINT, as shells report an interrupted command. Before the first
    /// output is begun there is nothing to remove, and the signal ends the process itself.
    Interrupted = 130,
}

impl Exit {
    /// The status as `exit(2)` takes it.
    pub(crate) const fn code(self) -> i32 {
        self as i32
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}
