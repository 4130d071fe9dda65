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

/// Every problem found, in the order the checks run.
#[derive(Default)]
struct Problems(Vec<LabError>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, problem: impl Into<String>) {
        self.0.push(LabError::Invalid {
            field: field.into(),
            problem: problem.into(),
            at: None,
        });
    }
}

impl Lab {
    /// Every rule a run relies on; the error names the field (the first problem found).
    pub fn validate(&self) -> Result<(), LabError> {
        match self.problems().into_iter().next() {
            Some(first) => Err(first),
            None => Ok(()),
        }
    }

    /// Every rule a run relies on, checked all at once: each problem names its field.
    pub fn problems(&self) -> Vec<LabError> {
        let mut p = Problems::default();
        self.check_top(&mut p);
        self.check_reflection(&mut p);
        self.check_labels(&mut p);
        self.check_features(&mut p);
        p.0
    }

    fn check_top(&self, p: &mut Problems) {
        if !is_plain_name(&self.id) {
            p.add(
                "id",
                format!(
                    "{:?} is not a plain name: the id names the lab's files (\"<id>-plot.png\"), \
                     so use 1 to 64 letters, digits, _, - or ., starting with a letter or digit",
                    self.id
                ),
            );
        }
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
                p.add(
                    field,
                    format!("holds the control character {c:?}; write plain text"),
                );
            }
        }
        if self.n == 0 {
            p.add("n", "must be at least 1");
        }
        let scaled = self.features.iter().find(|f| f.scale != super::Scale::None);
        if let Some(f) = scaled.filter(|_| self.n == 1 && self.is_generated()) {
            p.add(
                "n",
                format!(
                    "one case has nothing to be scaled against (feature {} is scaled); give n = \
                     2 or more",
                    f.name
                ),
            );
        }
        if self.quantile.is_some() && self.threshold.is_some() {
            p.add("threshold", "give either quantile or threshold, not both");
        }
        if let Some(q) = self.quantile.filter(|q| !(0.0..=1.0).contains(q)) {
            p.add(
                "quantile",
                format!(
                    "must be between 0 and 1, got {}",
                    crate::readable::number(q)
                ),
            );
        }
        if let Some(t) = self.threshold.filter(|t| !t.is_finite()) {
            p.add("threshold", format!("must be a finite number, got {t}"));
        }
    }

    fn check_features(&self, p: &mut Problems) {
        if self.features.is_empty() {
            p.add("features", "the lab needs at least one feature");
        }
        for (i, f) in self.features.iter().enumerate() {
            let at = |what: &str| format!("features[{i}].{what}");
            if !is_identifier(&f.name) {
                p.add(
                    at("name"),
                    format!(
                        "{:?} is not a feature name: use lowercase letters, digits and _, starting with a letter",
                        f.name
                    ),
                );
            }
            if self.features[..i].iter().any(|g| g.name == f.name) {
                p.add(at("name"), format!("{:?} appears twice", f.name));
            }
            if self.label_name() == Some(f.name.as_str()) {
                p.add(
                    at("name"),
                    format!(
                        "{:?} is the lab's ground-truth label; the label is never a score input",
                        f.name
                    ),
                );
            }
            if !f.weight.is_finite() {
                p.add(
                    at("weight"),
                    format!(
                        "must be a finite number, got {}",
                        crate::readable::number(f.weight)
                    ),
                );
            }
            match (&f.distribution, self.is_generated()) {
                (None, true) => {
                    p.add(
                        at("distribution"),
                        "a generated lab needs each feature's distribution, e.g. \
                         { kind = \"beta\", a = 2.0, b = 4.0 }",
                    );
                }
                (Some(_), false) => {
                    p.add(
                        at("distribution"),
                        "a data lab scores the file's columns; remove the distribution",
                    );
                }
                (Some(d), true) => {
                    if let Err(problem) = d.check() {
                        p.add(at("distribution"), problem);
                    }
                }
                (None, false) => {}
            }
            if let Some(t) = &f.threat {
                if self.labels.is_none() || !self.is_generated() {
                    p.add(
                        at("threat"),
                        "a threat distribution needs a generated lab with [labels]",
                    );
                }
                if let Err(problem) = t.check() {
                    p.add(at("threat"), problem);
                }
            }
        }
        // A data lab may plot any column of its file (the header check finds it).
        if self.is_generated()
            && !self.features.is_empty()
            && self.feature_index(&self.plot.x).is_none()
        {
            p.add(
                "plot.x",
                format!(
                    "{:?} is not one of the lab's features ({})",
                    self.plot.x,
                    self.feature_list()
                ),
            );
        }
    }

    fn check_reflection(&self, p: &mut Problems) {
        if self.reflection.is_empty() {
            p.add(
                "reflection",
                "list at least one field for the student to fill in, or leave the key out \
                 for the default fields",
            );
        }
        for (i, name) in self.reflection.iter().enumerate() {
            if !is_identifier(name) {
                p.add(
                    format!("reflection[{i}]"),
                    format!("{name:?} is not a field name: use lowercase letters, digits and _"),
                );
            }
            if self.reflection[..i].contains(name) {
                p.add(
                    format!("reflection[{i}]"),
                    format!("{name:?} appears twice"),
                );
            }
        }
    }

    fn check_labels(&self, p: &mut Problems) {
        let Some(labels) = &self.labels else {
            return;
        };
        if !is_identifier(&labels.name) {
            p.add(
                "labels.name",
                format!(
                    "{:?} is not a name: use lowercase letters, digits and _",
                    labels.name
                ),
            );
        }
        match (labels.prevalence, self.is_generated()) {
            (None, true) => p.add(
                "labels.prevalence",
                "a generated lab with labels needs the threats' base rate, e.g. prevalence = 0.03",
            ),
            (Some(rate), true) if !(0.0..=1.0).contains(&rate) => p.add(
                "labels.prevalence",
                format!(
                    "must be between 0 and 1, got {}",
                    crate::readable::number(rate)
                ),
            ),
            (Some(_), false) => p.add(
                "labels.prevalence",
                "a data lab reads its labels from the file; remove prevalence",
            ),
            _ => {}
        }
    }
}
