//! Using anomaly-lab as a library, without the CLI: run the Module 2 baseline, change one
//! weight, and see how the priority set moves.
//!
//!     cargo run --release --example what_if

use anomaly_lab::compare::priority_change;
use anomaly_lab::lab::Lab;
use anomaly_lab::run::{RunConfig, simulate};

fn main() -> Result<(), anomaly_lab::run::RunError> {
    let baseline = RunConfig::from_lab(Lab::module2());
    let before = simulate(&baseline, false)?;

    let mut changed = baseline.clone();
    let severity = changed
        .lab
        .feature_index("severity")
        .expect("Module 2 has severity");
    changed.lab.features[severity].weight = 0.40;
    let after = simulate(&changed, false)?;

    let moved = priority_change(&before.priority, &after.priority);
    println!("severity weight 0.25 -> 0.40");
    println!(
        "threshold       {:.6} -> {:.6}",
        before.threshold, after.threshold
    );
    println!(
        "priority count  {} -> {}",
        before.priority.len(),
        after.priority.len()
    );
    println!("top indices     {:?} -> {:?}", before.top, after.top);
    println!(
        "entered {:?}, left {:?}, jaccard {}",
        moved.entered, moved.left, moved.jaccard
    );
    Ok(())
}
