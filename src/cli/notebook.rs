//! `anomaly-lab notebook`: print a run's numpy twin, and `anomaly-lab labs`: list the
//! built-in labs.

use super::resolve::resolve;
use super::run::RunArgs;
use crate::notebook::{self, DataTwin};
use crate::{filesystem, lab};
use anyhow::Result;
use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub(super) struct NotebookArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// py: a Python script; ipynb: a Jupyter notebook (nbformat 4) with the same code
    #[arg(long, value_enum, default_value = "py")]
    pub format: TwinFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum TwinFormat {
    Py,
    Ipynb,
}

pub(super) fn execute(args: &NotebookArgs) -> Result<()> {
    let resolved = resolve(&args.run)?;
    let data = resolved.data.as_ref().map(|(source, plan)| DataTwin {
        file: source.name(),
        label: plan.label.clone(),
    });
    let words: Vec<String> = std::env::args().skip(2).collect();
    let command = format!("anomaly-lab run {}", words.join(" "));
    let command = command.trim_end().replace(" --format ipynb", "");
    // The twin saves its picture where --plot says, else beside the run's under its own
    // name, so running both never replaces one picture with the other.
    if let Some(path) = args.run.plot.as_deref().filter(|_| !args.run.no_plot) {
        // The twin will write there when it runs: only over an earlier PNG, as `run` does.
        super::output::Output::new("--plot", path, crate::filesystem::Replace::Png).check()?;
    }
    let plot = (!args.run.no_plot).then(|| match &args.run.plot {
        Some(path) => path.to_string_lossy().into_owned(),
        None => format!("{}-plot-numpy.png", resolved.cfg.lab.id),
    });
    let cells = notebook::cells(&resolved.cfg, data.as_ref(), &command, plot.as_deref());
    let text = match args.format {
        TwinFormat::Py => notebook::script(&cells),
        TwinFormat::Ipynb => notebook::ipynb(&cells),
    };
    filesystem::print_stdout(&text)
}

pub(super) fn labs() -> Result<()> {
    let mut text = String::from("Built-in labs (run one with `anomaly-lab run --lab NAME`):\n");
    for (name, _, about) in lab::BUILT_IN {
        text.push_str(&format!("  {name:<10} {about}\n"));
    }
    text.push_str(
        "Any other lab is a file: `anomaly-lab run --lab path/to/lab.toml` (lab/FORMAT.md).\n",
    );
    filesystem::print_stdout(&text)
}
