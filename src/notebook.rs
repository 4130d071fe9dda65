//! Every run's numpy twin: a Python script (or Jupyter notebook) that reproduces the run
//! with numpy, scikit-learn and matplotlib (pandas to read a data file), and prints the run's
//! numbers as its last line, so a script can check the twin against the tool. Pure text.

use crate::lab::Scale;
use crate::run::{Cut, RunConfig};
use std::fmt::Write;

/// A float as a Python literal that parses to the same double.
pub(crate) fn py_float(v: f64) -> String {
    format!("{v:?}")
}

/// A Python string literal (JSON's escapes are valid Python).
fn py_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serializes")
}

/// Names the twin's own code uses, which no feature may shadow.
const TAKEN: [&str; 53] = [
    "json",
    "warnings",
    "np",
    "pd",
    "matplotlib",
    "plt",
    "rng",
    "n",
    "df",
    "risk_score",
    "threshold",
    "priority",
    "summary",
    "result",
    "y",
    "pred",
    "top",
    "tn",
    "fp",
    "fn",
    "tp",
    "detection",
    "average_precision_score",
    "confusion_matrix",
    "f1_score",
    "precision_score",
    "recall_score",
    "roc_auc_score",
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
];
const KEYWORDS: [&str; 10] = [
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// A Python variable for each name (features, the label, the plotted column): the name itself
/// where it is a plain identifier nobody else uses, otherwise a cleaned, unique variant.
fn variables(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut v: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if v.is_empty() || v.starts_with(|c: char| c.is_ascii_digit()) {
            v.insert_str(0, "col_");
        }
        let clash = |v: &str, out: &[String]| {
            TAKEN.contains(&v)
                || KEYWORDS.contains(&v)
                || v.ends_with("_scaled")
                || out.iter().any(|o| o == v)
        };
        let base = v.clone();
        let mut k = 1;
        while clash(&v, &out) {
            v = format!("{base}_{k}");
            k += 1;
        }
        out.push(v);
    }
    out
}

/// The data file a data run's twin reads, and its label column.
#[derive(Clone, Debug)]
pub(crate) struct DataTwin {
    pub file: String,
    pub label: Option<String>,
}

/// The twin as cells: (is_code, text). The script is the cells joined by blank lines.
pub(crate) fn cells(
    cfg: &RunConfig,
    data: Option<&DataTwin>,
    command: &str,
    plot: Option<&str>,
) -> Vec<(bool, String)> {
    let lab = &cfg.lab;
    let labelled = lab.labels.is_some();
    let mut names: Vec<&str> = lab.features.iter().map(|f| f.name.as_str()).collect();
    let label_at = lab.labels.as_ref().map(|l| {
        names.push(&l.name);
        names.len() - 1
    });
    let plot_at = lab.feature_index(&lab.plot.x).unwrap_or_else(|| {
        names.push(&lab.plot.x);
        names.len() - 1
    });
    let vars = variables(&names);
    let label_var = label_at.map(|i| vars[i].as_str()).unwrap_or("threat");
    let plot_var = &vars[plot_at];
    let mut out = Vec::new();
    // Comment text: a line break would end the comment and start code.
    let comment = |t: &str| t.replace(['\n', '\r'], " ");
    let mut head = format!(
        "# {}\n#\n# The numpy twin of `{}`:\n",
        comment(&lab.title),
        comment(command)
    );
    head.push_str(
        "# the same cases, scores, threshold and priority set as anomaly-lab, to the bit.\n",
    );
    head.push_str("# Its last line of output is one JSON object with the run's numbers.\n");
    if let Some(d) = data {
        head.push_str(&format!(
            "# Run it where {} is (the kdd lab's data ships as lab/kdd_smtp.csv.gz).\n",
            comment(&d.file)
        ));
    }
    out.push((false, head));

    let mut imports = String::from("import json\n");
    if labelled {
        imports.push_str("import warnings\n");
    }
    imports.push_str("\nimport numpy as np\n");
    if data.is_some() {
        imports.push_str("import pandas as pd\n");
    }
    imports
        .push_str("import matplotlib\nmatplotlib.use(\"Agg\")\nimport matplotlib.pyplot as plt\n");
    if labelled {
        imports.push_str(
            "from sklearn.metrics import (average_precision_score, confusion_matrix, f1_score,\n\
             \x20                            precision_score, recall_score, roc_auc_score)\n",
        );
    }
    out.push((true, imports));

    let mut cases = String::new();
    match data {
        None => {
            let _ = writeln!(cases, "rng = np.random.default_rng({})", cfg.seed);
            let _ = writeln!(cases, "n = {}", cfg.n);
            if let Some(l) = &lab.labels {
                let _ = writeln!(
                    cases,
                    "{label_var} = rng.random(n) < {}  # ground truth, drawn first; never a score input",
                    py_float(l.prevalence.unwrap_or(0.0))
                );
            }
            for (f, var) in lab.features.iter().zip(&vars) {
                let d = f.distribution.expect("a generated lab has distributions");
                let _ = writeln!(cases, "{var} = {}", d.numpy("n"));
                if let (Some(t), Some(_)) = (&f.threat, &lab.labels) {
                    let size = format!("int({label_var}.sum())");
                    let _ = writeln!(cases, "{var}[{label_var}] = {}", t.numpy(&size));
                }
            }
        }
        Some(d) => {
            let _ = writeln!(cases, "df = pd.read_csv({})", py_str(&d.file));
            // anomaly-lab trims white space around header names.
            let _ = writeln!(cases, "df.columns = df.columns.str.strip()");
            let _ = writeln!(cases, "n = len(df)");
            for (f, var) in lab.features.iter().zip(&vars) {
                let _ = writeln!(
                    cases,
                    "{var} = df[{}].to_numpy(dtype=float)",
                    py_str(&f.name)
                );
            }
            if let Some(label) = &d.label {
                let _ = writeln!(cases, "{label_var} = df[{}].to_numpy() == 1", py_str(label));
            }
            if plot_at >= lab.features.len() + usize::from(label_at.is_some()) {
                let _ = writeln!(
                    cases,
                    "{plot_var} = df[{}].to_numpy(dtype=float)",
                    py_str(&lab.plot.x)
                );
            }
        }
    }
    out.push((true, cases));

    let mut score = String::new();
    let mut terms = Vec::new();
    for (f, var) in lab.features.iter().zip(&vars) {
        let used = if f.scale == Scale::None {
            var.clone()
        } else {
            let name = format!("{var}_scaled");
            let _ = writeln!(score, "{name} = {}", f.scale.numpy(var));
            name
        };
        terms.push(format!("{}*{used}", py_float(f.weight)));
    }
    let _ = writeln!(score, "risk_score = {}", terms.join(" + "));
    match cfg.cut {
        Cut::Quantile(q) => {
            let _ = writeln!(
                score,
                "threshold = float(np.quantile(risk_score, {}))",
                py_float(q)
            );
        }
        Cut::Threshold(t) => {
            let _ = writeln!(score, "threshold = {}", py_float(t));
        }
    }
    score.push_str("priority = risk_score >= threshold\n");
    out.push((true, score));

    let mut fig = String::from("plt.figure(figsize=(6, 3))\n");
    let _ = writeln!(
        fig,
        "plt.scatter({plot_var}, risk_score, c=priority, cmap=\"coolwarm\", s=24)"
    );
    if labelled {
        let _ = writeln!(
            fig,
            "plt.scatter({plot_var}[{label_var}], risk_score[{label_var}], facecolors=\"none\", edgecolors=\"black\", s=60)  # threats"
        );
    }
    let _ = writeln!(fig, "plt.xlabel({})", py_str(&lab.plot.x_label));
    let _ = writeln!(fig, "plt.ylabel({})", py_str(&lab.plot.y_label));
    let _ = writeln!(fig, "plt.title({})", py_str(&lab.title));
    match plot {
        Some(plot) => {
            let _ = writeln!(fig, "plt.tight_layout()\nplt.savefig({})", py_str(plot));
        }
        None => fig.push_str("plt.tight_layout()\n"),
    }
    out.push((true, fig));

    let mut summary = String::from("summary = {\n");
    summary
        .push_str("    \"priority_count\": int(priority.sum()),\n    \"threshold\": threshold,\n");
    let _ = writeln!(
        summary,
        "    \"top_indices\": np.argsort(risk_score, kind=\"stable\")[::-1][:{}].tolist(),",
        cfg.top_k
    );
    let _ = writeln!(
        summary,
        "    \"review_note\": {},\n}}",
        py_str(&lab.review_note)
    );
    let mut result = String::from("result = {\"summary\": summary}\n");
    if labelled {
        let _ = write!(
            summary,
            "\n# Detection against the ground truth, with scikit-learn.\n\
             y = {0}.astype(int)\n\
             pred = priority.astype(int)\n\
             top = np.argsort(risk_score, kind=\"stable\")[::-1][:{k}]\n\
             tn, fp, fn, tp = (int(v) for v in confusion_matrix(y, pred, labels=[0, 1]).ravel())\n\
             with warnings.catch_warnings():\n\
             \x20   warnings.simplefilter(\"ignore\")  # undefined metrics: scikit-learn warns\n\
             \x20   detection = {{\n\
             \x20       \"tp\": tp, \"fp\": fp, \"fn\": fn, \"tn\": tn,\n\
             \x20       \"precision\": float(precision_score(y, pred, zero_division=0)),\n\
             \x20       \"recall\": float(recall_score(y, pred, zero_division=0)),\n\
             \x20       \"f1\": float(f1_score(y, pred, zero_division=0)),\n\
             \x20       \"fpr\": fp / (fp + tn) if fp + tn else 0.0,\n\
             \x20       \"precision_at_k\": float(precision_score(y[top], np.ones(len(top), dtype=int), zero_division=0)) if len(top) else 0.0,\n\
             \x20       \"k\": int(len(top)),\n\
             \x20       \"average_precision\": float(average_precision_score(y, risk_score)),\n\
             \x20       \"roc_auc\": float(roc_auc_score(y, risk_score)) if 0 < y.sum() < n else None,\n\
             \x20   }}\n",
            label_var,
            k = cfg.top_k
        );
        result = String::from("result = {\"summary\": summary, \"detection\": detection}\n");
    }
    out.push((true, summary));
    result.push_str("print(json.dumps(result))\n");
    out.push((true, result));
    out
}

/// The twin as one Python script.
pub(crate) fn script(cells: &[(bool, String)]) -> String {
    let parts: Vec<&str> = cells.iter().map(|(_, text)| text.trim_end()).collect();
    parts.join("\n\n") + "\n"
}

/// The twin as a Jupyter notebook (nbformat 4): the comment header becomes a Markdown cell.
pub(crate) fn ipynb(cells: &[(bool, String)]) -> String {
    let lines = |text: &str| -> Vec<String> {
        let text = text.trim_end();
        let mut v: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
        if v.is_empty() {
            v.push(String::new());
        }
        v
    };
    let json_cells: Vec<serde_json::Value> = cells
        .iter()
        .map(|(code, text)| {
            if *code {
                serde_json::json!({
                    "cell_type": "code", "execution_count": null, "metadata": {},
                    "outputs": [], "source": lines(text),
                })
            } else {
                let md: String = text
                    .lines()
                    .map(|l| l.trim_start_matches('#').trim_start())
                    .collect::<Vec<_>>()
                    .join("\n");
                serde_json::json!({"cell_type": "markdown", "metadata": {}, "source": lines(&md)})
            }
        })
        .collect();
    let doc = serde_json::json!({
        "cells": json_cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    });
    crate::json::pretty(&doc)
}
