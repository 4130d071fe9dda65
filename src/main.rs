//! The `anomaly-lab` binary; everything lives in the library.

fn main() -> std::process::ExitCode {
    anomaly_lab::cli::main()
}
