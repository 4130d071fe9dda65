//! The `anomaly-lab` binary; everything lives in the library.

/// An allocation that fails ends the run with a message and exit 2, not an abort.
#[global_allocator]
static ALLOCATOR: anomaly_lab::allocator::ExitOnFailure = anomaly_lab::allocator::ExitOnFailure;

fn main() -> std::process::ExitCode {
    anomaly_lab::cli::main()
}
