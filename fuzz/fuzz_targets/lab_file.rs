//! Any bytes as a lab file: a valid, runnable lab or an error, never a panic.
#![no_main]

use anomaly_lab::lab::Lab;
use anomaly_lab::run::{RunConfig, simulate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(lab) = Lab::from_toml(text) {
        // Whatever is accepted must run; keep it small so the fuzzer stays fast.
        let mut cfg = RunConfig::from_lab(lab);
        cfg.n = cfg.n.min(64);
        // A data lab, or a feature without spread, is refused with an error, never a panic.
        if let Ok(out) = simulate(&cfg, true) {
            assert_eq!(out.scores.len(), cfg.n);
        }
    }
});
