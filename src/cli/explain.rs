//! `anomaly-lab explain RUN.json`: the run's top cases in words, each feature's part in the
//! score, largest first: the review note's "inspect high-score cases", made concrete.

use super::compare::read_run;
use super::parse;
use crate::{explain, filesystem};
use anyhow::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(super) struct ExplainArgs {
    /// A run's JSON (`anomaly-lab run > run.json`), or - for standard input
    #[arg(value_parser = parse::path)]
    pub run: PathBuf,

    /// Decimals to show
    #[arg(long, value_name = "N", default_value = "2", value_parser = parse::precision)]
    pub precision: usize,
}

pub(super) fn execute(args: &ExplainArgs) -> Result<()> {
    let run = read_run(&args.run)?;
    let mut text = format!(
        "Top {} cases of {} (threshold {}; {} flagged):\n",
        run.top_cases.len(),
        run.params.lab,
        run.summary.threshold,
        run.summary.priority_count
    );
    if run.top_cases.is_empty() {
        text.push_str(if run.params.top_k == 0 {
            "  none: the run listed no top cases (--top 0)\n"
        } else {
            "  none: this JSON has no top_cases (made by an older anomaly-lab? rerun it)\n"
        });
    }
    for case in &run.top_cases {
        text.push_str("  ");
        text.push_str(&explain::describe(case, args.precision));
        text.push('\n');
    }
    text.push_str(
        "Each feature: its value (pN = its percentile in the population) and what it adds to \
         the score (share of the score's parts).\n",
    );
    filesystem::print_stdout(&text)
}
