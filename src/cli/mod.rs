//! The command line: argument definitions, dispatch, and the error-to-exit-code policy
//! (`crate::exit`: 0 success, 1 runtime error, 2 usage error; an interrupt's 130 and an
//! allocation failure's 2 are set where they happen, in `filesystem` and `allocator`).

/// Writes a line to standard error, best-effort: a message that cannot be shown (stderr
/// closed, or on a full device) must never become a panic or change the exit status.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod assumptions;
mod compare;
mod compare_plot;
mod explain;
mod lab_check;
mod notebook;
mod output;
mod parse;
mod recompute;
mod redraw;
mod reflect;
mod reflect_set_show;
mod refusals;
mod resolve;
mod run;
mod sweep;

use crate::error::UsageError;
use crate::exit::Exit;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use parse::{BetaArg, WeightsArg};
pub use run::RunArgs;

/// Reproduce the Module 2 anomaly-detection lab bit for bit, rerun it with a changed
/// threshold, weight or input assumption, and compare the runs.
#[derive(Debug, Parser)]
#[command(name = "anomaly-lab", version, about, max_term_width = 100)]
#[command(
    after_help = "Start with `anomaly-lab run --seed 2`. Exit status: 0 on success, \
1 on a runtime error (files), 2 on a usage error (flags and their values) or a run that \
does not fit in memory."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Threads for drawing, scoring and reading data [default: the cores this process may
    /// use, at most 8]; any number gives the same output, bit for bit
    #[arg(long, global = true, value_name = "N", allow_negative_numbers = true, value_parser = parse::threads)]
    threads: Option<std::num::NonZeroUsize>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate the lab's synthetic telemetry, score it and flag priority cases; print the
    /// run as JSON and draw the scatter plot.
    #[command(after_help = RUN_EXAMPLES)]
    Run(Box<run::RunCommandArgs>),
    /// Compare two runs: what changed, how the metrics moved, which cases entered or left
    /// the priority set; optionally write the reflection from it.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(compare::CompareArgs),
    /// Work with reflection files.
    #[command(subcommand)]
    Reflect(ReflectCommand),
    /// Print a run's numpy twin: a Python script (or Jupyter notebook) that reproduces the
    /// run with numpy and scikit-learn and prints its numbers; takes `run`'s flags (not
    /// the export; its --plot is where the twin saves its picture).
    Notebook(Box<notebook::NotebookArgs>),
    /// Cut the run's population at many quantiles or thresholds: the review queue's size
    /// and, with labels, precision and recall at each; draws the trade-off.
    Sweep(Box<sweep::SweepArgs>),
    /// Explain a run's top cases: each feature's value, percentile and part in the score.
    Explain(explain::ExplainArgs),
    /// List the built-in labs.
    Labs,
    /// Work with lab files.
    #[command(subcommand)]
    Lab(LabCommand),
    /// Print a shell completion script, e.g. `anomaly-lab completions bash >
    /// ~/.local/share/bash-completion/completions/anomaly-lab`.
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `anomaly-lab man > anomaly-lab.1 && man
    /// ./anomaly-lab.1`; `anomaly-lab man run` prints the page of `run` (anomaly-lab-run).
    Man {
        /// A command whose page to print [default: the tool's own page]
        command: Option<String>,
    },
}

const RUN_EXAMPLES: &str = "\
Examples:
  anomaly-lab run --seed 2 > before.json          the notebook's baseline, bit for bit
  anomaly-lab run --quantile 0.9 > after.json     flag only the top 10%
  anomaly-lab run --weights severity=0.4          change one weight
  anomaly-lab run --beta exposure=3,3             change an input assumption
  anomaly-lab run --lab telemetry                 a lab with ground truth: detection metrics
  anomaly-lab run --data export.csv.gz --weights src_bytes=0.5,dst_bytes=0.5 --label attack
                                                  score a real telemetry export";

const COMPARE_EXAMPLES: &str = "\
Examples:
  anomaly-lab compare before.json after.json                 what changed, metrics, cases
  anomaly-lab compare before.json after.json --format md     the same as Markdown tables
  anomaly-lab compare before.json after.json --reflection reflection.json
                                                             write the reflection template
  anomaly-lab compare before.json after.json --plot moved.png
                                                             ring the cases that moved";

#[derive(Debug, Subcommand)]
enum LabCommand {
    /// Check a lab file without running it: every problem at once, each with its line and
    /// column (exit 1 if any)
    Check(lab_check::CheckArgs),
}

#[derive(Debug, Subcommand)]
enum ReflectCommand {
    /// Check reflections: every field of the lab filled in, and what the tool filled in
    /// (what changed, the metrics) still what the runs give, recomputed; one file in
    /// detail or a folder as one table (exit 1 if any fails)
    Check(reflect::CheckArgs),
    /// Fill in one field, e.g. `reflect set reflection.json interpretation "..."`; the
    /// rest of the file is kept byte for byte
    Set(reflect_set_show::SetArgs),
    /// Print a reflection to hand in: the comparison's tables and every answer, as
    /// Markdown (or text)
    Show(reflect_set_show::ShowArgs),
}

/// Parses the arguments, runs the command and maps failures to exit codes.
pub fn main() -> ExitCode {
    parse_and_execute().into()
}

fn parse_and_execute() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let printed = e.print();
            return match e.kind() {
                // Help or version asked for: success only if it was actually written.
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match printed {
                    Ok(()) => Exit::Success,
                    Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Exit::Success,
                    Err(err) => {
                        say!("error: cannot write to standard output: {err}");
                        Exit::Failure
                    }
                },
                _ => Exit::Usage,
            };
        }
    };
    if let Some(n) = cli.threads {
        crate::threads::set(n);
    }
    let result = match cli.command {
        Command::Run(args) => run::execute(&args).map(|()| Exit::Success),
        Command::Compare(args) => compare::execute(&args).map(|()| Exit::Success),
        Command::Reflect(ReflectCommand::Check(args)) => reflect::check(&args),
        Command::Reflect(ReflectCommand::Set(args)) => {
            reflect_set_show::set(&args).map(|()| Exit::Success)
        }
        Command::Reflect(ReflectCommand::Show(args)) => {
            reflect_set_show::show(&args).map(|()| Exit::Success)
        }
        Command::Notebook(args) => notebook::execute(&args).map(|()| Exit::Success),
        Command::Labs => notebook::labs().map(|()| Exit::Success),
        Command::Lab(LabCommand::Check(args)) => lab_check::check(&args),
        Command::Explain(args) => explain::execute(&args).map(|()| Exit::Success),
        Command::Sweep(args) => sweep::execute(&args).map(|()| Exit::Success),
        Command::Completions { shell } => completions(shell).map(|()| Exit::Success),
        Command::Man { command } => man(command.as_deref()).map(|()| Exit::Success),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let usage = err.downcast_ref::<UsageError>().is_some();
            say!("error: {err:#}");
            if usage {
                say!("\nFor more information, try '--help'.");
                Exit::Usage
            } else {
                Exit::Failure
            }
        }
    }
}

/// The completion script for `shell`, generated from the command definition itself.
fn completions(shell: clap_complete::Shell) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "anomaly-lab", &mut script);
    if shell == clap_complete::Shell::Bash {
        // clap_complete spells a hyphenated binary's subcommand cases `anomaly__subcmd__lab…`
        // but dispatches to `anomaly__lab…` (clap-rs/clap#6421): make them one spelling.
        let text = String::from_utf8_lossy(&script).replace("anomaly__subcmd__lab", "anomaly__lab");
        script = text.into_bytes();
    }
    crate::filesystem::print_stdout_with(|w| w.write_all(&script))
}

/// A manual page, generated from the command definition (its help texts and flags): the
/// tool's, or one command's (`anomaly-lab-run`, which the tool's page refers to).
fn man(command: Option<&str>) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    // Building propagates the global options (--threads) into each command's page.
    cli.build();
    let page_of = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let names: Vec<String> = cli
                    .get_subcommands()
                    .map(|c| c.get_name().to_string())
                    .collect();
                return Err(UsageError::new(
                    "COMMAND",
                    format!(
                        "{name:?} is not a command; the commands are: {}",
                        names.join(", ")
                    ),
                )
                .into());
            };
            // clap names are 'static; the process prints one page and ends.
            let page_name: &'static str = Box::leak(format!("anomaly-lab-{name}").into_boxed_str());
            sub.clone().name(page_name)
        }
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(page_of).render(&mut page)?;
    crate::filesystem::print_stdout_with(|w| w.write_all(&page))
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// clap's own consistency checks over every command and flag (hyperfine's verify_app).
    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
