//! Parity at n = 10^7 (a hash of every score against numpy's), so an optimisation that
//! changes one bit anywhere is caught. Debug builds are too slow for it: CI runs the
//! suite with --release.

use crate::common::{Summary, fixture};
use anomaly_lab::run::simulate;

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "n = 10^7 needs a release build: cargo test --release"
)]
fn ten_million_rows_match_numpy_bit_for_bit() {
    let cases: Vec<Summary> = fixture("large.json");
    for case in &cases {
        assert_eq!(case.n, 10_000_000);
        case.check(&simulate(&case.config(), false).unwrap())
            .unwrap();
    }
}
