//! `--beta` and `--dist`: changing features' input distributions, the lab's "input
//! assumption" a student may vary in task 3.

use super::parse::{BetaArg, DistArg};
use super::resolve::feature;
use crate::error::UsageError;
use crate::lab::{InputDistribution, Lab};

/// A distribution as `--dist` writes it ("gamma:3,1.5").
fn as_flag(d: &InputDistribution) -> String {
    let (kind, p1, p2) = d.parts();
    format!("{kind}:{p1},{p2}")
}

/// Applies every `--beta` and `--dist` to the lab; each feature may be changed once.
pub(super) fn apply(lab: &mut Lab, beta: &[BetaArg], dist: &[DistArg]) -> Result<(), UsageError> {
    let changes = beta
        .iter()
        .map(|b| {
            (
                "--beta",
                &b.feature,
                InputDistribution::Beta { a: b.a, b: b.b },
            )
        })
        .chain(dist.iter().map(|d| ("--dist", &d.feature, d.distribution)));
    let mut seen: Vec<&String> = Vec::new();
    for (flag, name, new) in changes {
        let i = feature(lab, flag, name)?;
        if seen.contains(&name) {
            return Err(UsageError::new(
                flag,
                format!(
                    "feature {name} is given twice (--beta and --dist count alike); change each feature once"
                ),
            ));
        }
        seen.push(name);
        let f = &mut lab.features[i];
        let Some(old) = f.distribution else {
            return Err(UsageError::new(
                flag,
                format!("feature {name} has no distribution"),
            ));
        };
        if flag == "--beta" && !matches!(old, InputDistribution::Beta { .. }) {
            return Err(UsageError::new(
                flag,
                format!(
                    "feature {name} is not beta-distributed in this lab (it is {old}); change it \
                     with --dist {name}=KIND:P1,P2, e.g. --dist {name}={}",
                    as_flag(&old)
                ),
            ));
        }
        f.distribution = Some(new);
    }
    Ok(())
}
