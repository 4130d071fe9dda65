//! Any bytes as a run file for `compare`: a checked run or an error, never a panic; and a
//! run that is accepted can be compared with itself.
#![no_main]

use anomaly_lab::compare::compare;
use anomaly_lab::report::parse_run;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(run) = parse_run("fuzz.json", text) {
        let c = compare(&run, &run).expect("a run compares with itself");
        assert!(c.params.iter().all(|p| !p.changed()));
    }
});
