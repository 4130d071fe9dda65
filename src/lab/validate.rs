//! Every rule a lab must keep before it runs; each error names the field.

use super::{Lab, is_identifier};
use crate::error::LabError;

/// A name safe to put in a file name: no path separators, no leading dot, nothing hidden.
fn is_plain_name(s: &str) -> bool {
    let mut chars = s.chars();
    s.len() <= 64
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn invalid<T>(field: impl Into<String>, problem: impl Into<String>) -> Result<T, LabError> {
    Err(LabError::Invalid {
        field: field.into(),
        problem: problem.into(),
        at: None,
    })
}

impl Lab {
    /// Every rule a run relies on; the error names the field.
    pub fn validate(&self) -> Result<(), LabError> {
        if !is_plain_name(&self.id) {
            return invalid(
                "id",
                format!(
                    "{:?} is not a plain name: the id names the lab's files (\"<id>-plot.png\"), \
                     so use 1 to 64 letters, digits, _, - or ., starting with a letter or digit",
                    self.id
                ),
            );
        }
        self.validate_reflection()?;
        for (field, text) in [
            ("title", &self.title),
            ("review_note", &self.review_note),
            ("plot.x_label", &self.plot.x_label),
            ("plot.y_label", &self.plot.y_label),
        ] {
            if let Some(c) = text
                .chars()
                .find(|&c| c.is_control() && c != '\n' && c != '\t')
            {
                return invalid(
                    field,
                    format!("holds the control character {c:?}; write plain text"),
                );
            }
        }
        if self.n == 0 {
            return invalid("n", "must be at least 1");
        }
        match (self.quantile, self.threshold) {
            (Some(_), Some(_)) => {
                return invalid("threshold", "give either quantile or threshold, not both");
            }
            (Some(q), None) if !(0.0..=1.0).contains(&q) => {
                return invalid("quantile", format!("must be between 0 and 1, got {q}"));
            }
            (None, Some(t)) if !t.is_finite() => {
                return invalid("threshold", format!("must be a finite number, got {t}"));
            }
            _ => {}
        }
        if self.features.is_empty() {
            return invalid("features", "the lab needs at least one feature");
        }
        self.validate_labels()?;
        for (i, f) in self.features.iter().enumerate() {
            let at = |what: &str| format!("features[{i}].{what}");
            if !is_identifier(&f.name) {
                return invalid(
                    at("name"),
                    format!(
                        "{:?} is not a feature name: use lowercase letters, digits and _, starting with a letter",
                        f.name
                    ),
                );
            }
            if self.features[..i].iter().any(|g| g.name == f.name) {
                return invalid(at("name"), format!("{:?} appears twice", f.name));
            }
            if self.label_name() == Some(f.name.as_str()) {
                return invalid(
                    at("name"),
                    format!(
                        "{:?} is the lab's ground-truth label; the label is never a score input",
                        f.name
                    ),
                );
            }
            if !f.weight.is_finite() {
                return invalid(
                    at("weight"),
                    format!("must be a finite number, got {}", f.weight),
                );
            }
            match (&f.distribution, self.is_generated()) {
                (None, true) => {
                    return invalid(
                        at("distribution"),
                        "a generated lab needs each feature's distribution, e.g. \
                         { kind = \"beta\", a = 2.0, b = 4.0 }",
                    );
                }
                (Some(_), false) => {
                    return invalid(
                        at("distribution"),
                        "a data lab scores the file's columns; remove the distribution",
                    );
                }
                (Some(d), true) => {
                    if let Err(problem) = d.check() {
                        return invalid(at("distribution"), problem);
                    }
                }
                (None, false) => {}
            }
            if let Some(t) = &f.threat {
                if self.labels.is_none() || !self.is_generated() {
                    return invalid(
                        at("threat"),
                        "a threat distribution needs a generated lab with [labels]",
                    );
                }
                if let Err(problem) = t.check() {
                    return invalid(at("threat"), problem);
                }
            }
        }
        if self.feature_index(&self.plot.x).is_none() {
            return invalid(
                "plot.x",
                format!(
                    "{:?} is not one of the lab's features ({})",
                    self.plot.x,
                    self.feature_list()
                ),
            );
        }
        Ok(())
    }

    fn validate_reflection(&self) -> Result<(), LabError> {
        if self.reflection.is_empty() {
            return invalid(
                "reflection",
                "list at least one field for the student to fill in, or leave the key out \
                 for the default fields",
            );
        }
        for (i, name) in self.reflection.iter().enumerate() {
            if !is_identifier(name) {
                return invalid(
                    format!("reflection[{i}]"),
                    format!("{name:?} is not a field name: use lowercase letters, digits and _"),
                );
            }
            if self.reflection[..i].contains(name) {
                return invalid(
                    format!("reflection[{i}]"),
                    format!("{name:?} appears twice"),
                );
            }
        }
        Ok(())
    }

    fn validate_labels(&self) -> Result<(), LabError> {
        let Some(labels) = &self.labels else {
            return Ok(());
        };
        if !is_identifier(&labels.name) {
            return invalid(
                "labels.name",
                format!(
                    "{:?} is not a name: use lowercase letters, digits and _",
                    labels.name
                ),
            );
        }
        match (labels.prevalence, self.is_generated()) {
            (None, true) => invalid(
                "labels.prevalence",
                "a generated lab with labels needs the threats' base rate, e.g. prevalence = 0.03",
            ),
            (Some(p), true) if !(0.0..=1.0).contains(&p) => invalid(
                "labels.prevalence",
                format!("must be between 0 and 1, got {p}"),
            ),
            (Some(_), false) => invalid(
                "labels.prevalence",
                "a data lab reads its labels from the file; remove prevalence",
            ),
            _ => Ok(()),
        }
    }
}
