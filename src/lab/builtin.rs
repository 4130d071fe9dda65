//! The labs compiled into the binary, runnable by name from any directory
//! (`anomaly-lab run --lab telemetry`), and the data files they score.

use super::Lab;

/// The Module 2 lab, compiled in so `anomaly-lab run` needs no files.
pub const MODULE2_TOML: &str = include_str!("../../lab/module2.toml");

/// (name, lab file text, one-line description) of every built-in lab.
pub const BUILT_IN: [(&str, &str, &str); 3] = [
    (
        "module2",
        MODULE2_TOML,
        "the course notebook: five beta features, no labels (the default)",
    ),
    (
        "telemetry",
        include_str!("../../lab/telemetry.toml"),
        "synthetic login/transfer/process telemetry with threat labels (3% threats)",
    ),
    (
        "kdd",
        include_str!("../../lab/kdd.toml"),
        "95,156 real SMTP connections from KDD Cup 1999 with attack labels",
    ),
];

/// Data files that built-in labs name, compiled in: (file name, bytes).
pub(super) const BUILT_IN_DATA: [(&str, &[u8]); 1] = [(
    "kdd_smtp.csv.gz",
    include_bytes!("../../lab/kdd_smtp.csv.gz"),
)];

/// The built-in lab called `name`, if there is one.
pub fn built_in(name: &str) -> Option<Lab> {
    BUILT_IN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, text, _)| Lab::from_toml(text).expect("built-in labs are valid (tested)"))
}

/// The compiled-in bytes of a data file a built-in lab names.
pub fn built_in_data(file: &str) -> Option<&'static [u8]> {
    BUILT_IN_DATA
        .iter()
        .find(|(n, _)| *n == file)
        .map(|(_, bytes)| *bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_lab_is_valid_and_named_by_its_id() {
        for (name, text, _) in BUILT_IN {
            let lab = Lab::from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(lab.id, name);
            if let Some(data) = &lab.data {
                assert!(built_in_data(&data.file).is_some(), "{name}: {}", data.file);
            }
        }
    }
}
