//! Which flag a refused run names: a run that does not fit in memory, or that cannot be
//! computed because of a flag's value, is a usage error naming that flag (exit 2); what a
//! lab file sets itself stays a runtime error.

use super::run::RunArgs;
use crate::error::UsageError;
use crate::memory;

/// A run that cannot be computed because of a flag's value is a usage error naming the
/// flag (exit 2): a score that overflowed with `--weights` (or with `--dist`/`--beta`
/// alone), a feature that cannot be scaled whose distribution a flag set, or one case
/// (`--n 1`) with nothing to scale against. From a lab file's own settings it stays a
/// runtime error, as does a score that overflowed on a data file's values (the file's row
/// is named; the weights and the values share the blame).
pub(super) fn blame_flag(err: anyhow::Error, args: &RunArgs) -> anyhow::Error {
    use crate::run::RunError;
    let distribution_flag = |feature: &str| {
        if args.dist.iter().any(|d| d.feature == feature) {
            Some("--dist")
        } else if args.beta.iter().any(|b| b.feature == feature) {
            Some("--beta")
        } else {
            None
        }
    };
    if let (Some(RunError::Overflow { case }), Some(file)) =
        (err.downcast_ref::<RunError>(), args.data.as_deref())
    {
        return anyhow::anyhow!(
            "{}, data row {} (case {case}): its risk score is not a finite number (the \
             weighted sum of its values overflowed past 1.8e308): make the weights smaller \
             (--weights, or features[].weight in a lab file) or scale the file's values down",
            crate::readable::without_controls(&file.display().to_string()),
            case + 1,
        );
    }
    let flag = match err.downcast_ref::<RunError>() {
        Some(RunError::Overflow { .. }) if args.weights.is_some() => Some("--weights"),
        Some(RunError::Overflow { .. }) if !args.dist.is_empty() => Some("--dist"),
        Some(RunError::Overflow { .. }) if !args.beta.is_empty() => Some("--beta"),
        Some(RunError::Scale { feature, .. }) if args.n == Some(1) => {
            return UsageError::new(
                "--n",
                format!(
                    "one case has nothing to be scaled against (feature {feature} is scaled \
                     by the lab); use --n 2 or more"
                ),
            )
            .into();
        }
        Some(RunError::Scale { feature, .. }) => distribution_flag(feature),
        _ => None,
    };
    match flag {
        Some(flag) => UsageError::new(flag, err.to_string()).into(),
        None => err,
    }
}

/// Where a run's n came from, for the memory refusal to name it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum NOrigin {
    Flag,
    LabFile,
    BuiltInLab,
}

/// Where `args`'s n comes from.
pub(super) fn n_origin(args: &RunArgs) -> NOrigin {
    match (args.n.is_some(), args.lab.is_some()) {
        (true, _) => NOrigin::Flag,
        (false, true) => NOrigin::LabFile,
        (false, false) => NOrigin::BuiltInLab,
    }
}

/// Refuses, before allocating, a run this process cannot hold.
pub(super) fn check_memory(need: &memory::Footprint, origin: NOrigin) -> Result<(), UsageError> {
    if !need.worth_asking() {
        return Ok(());
    }
    let bytes = need.bytes();
    let limit = memory::available().map(|(have, which)| {
        // Worker threads' arenas and stacks count against an address-space limit only.
        if which == memory::ADDRESS_SPACE && need.n >= memory::THREADED_FROM {
            (have.saturating_sub(memory::thread_mapping(need.n)), which)
        } else {
            (have, which)
        }
    });
    match limit {
        Some((have, which)) if bytes > u128::from(have) => {
            let flag = match (origin, need.top > 100_000) {
                (NOrigin::Flag, false) => "--n",
                (NOrigin::Flag, true) => "--n/--top",
                (NOrigin::LabFile, _) => "the lab file's `n` does not fit in memory",
                (NOrigin::BuiltInLab, _) => "the lab's `n` does not fit in memory",
            };
            Err(UsageError::new(
                flag,
                format!(
                    "n = {} {}needs about {} of memory; {} is {which} \
                     (at most about {} cases like this{})",
                    need.n,
                    if need.top > 100_000 {
                        format!("with a top list of {} ", need.top)
                    } else {
                        String::new()
                    },
                    memory::human(bytes),
                    memory::human(u128::from(have)),
                    need.max_cases(have),
                    if need.with_plot {
                        "; more with --no-plot"
                    } else {
                        ""
                    },
                ),
            ))
        }
        _ => Ok(()),
    }
}
