//! Any bytes as a data file (plain or gzip): scored, or refused with an error that names
//! the file; never a panic.
#![no_main]

use anomaly_lab::data::{self, Plan, ScoredColumn, Source};
use anomaly_lab::lab::Scale;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let source = Source::Bytes {
        name: "fuzz.csv".into(),
        bytes: bytes.into(),
    };
    for scale in [Scale::None, Scale::Zscore] {
        let plan = Plan {
            features: ["a", "b"]
                .map(|name| ScoredColumn {
                    name: name.into(),
                    weight: 0.5,
                    scale,
                })
                .to_vec(),
            label: Some("label".into()),
            plot_x: Some("a".into()),
            top_k: 3,
        };
        match data::score(&source, &plan) {
            Ok(scored) => assert_eq!(scored.scores.len(), scored.rows),
            Err(e) => assert!(e.to_string().starts_with("fuzz.csv")),
        }
    }
});
