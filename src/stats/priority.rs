//! The priority set: the indices of the cases at or above the threshold, in order.

/// Indices with `score >= threshold`, ascending. A large column is done in parts, one a
/// thread: each counts its flagged cases, then writes their indices into its own stretch.
pub fn priority_indices(scores: &[f64], threshold: f64) -> Vec<usize> {
    priority_indices_in(scores, threshold, crate::threads::for_items(scores.len()))
}

/// [`priority_indices`] done in `parts` parts.
fn priority_indices_in(scores: &[f64], threshold: f64, parts: usize) -> Vec<usize> {
    let len = crate::threads::part_len(scores.len(), parts);
    let parts: Vec<(usize, &[f64])> = (0..scores.len())
        .step_by(len)
        .zip(scores.chunks(len))
        .collect();
    let flagged = |(_, part): (usize, &[f64])| part.iter().filter(|&&s| s >= threshold).count();
    let counts = crate::threads::map(parts.clone(), flagged);
    let total: usize = counts.iter().sum();
    // Every index is written and only the flagged ones kept (the cursor moves past them):
    // no branch to mispredict where flagged and unflagged cases alternate at random. The
    // last write of a part lands one past its flagged cases, in a spare slot of its own.
    let mut out = vec![0; total + parts.len()];
    let mut jobs = Vec::new();
    let mut rest = &mut out[..];
    for (part, &count) in parts.into_iter().zip(&counts) {
        let (stretch, after) = rest.split_at_mut(count + 1);
        jobs.push((stretch, part));
        rest = after;
    }
    let write = |(stretch, (start, part)): (&mut [usize], (usize, &[f64]))| {
        let mut len = 0;
        for (i, &s) in part.iter().enumerate() {
            stretch[len] = start + i;
            len += usize::from(s >= threshold);
        }
    };
    crate::threads::map(jobs, write);
    // Close the gaps the spare slots leave.
    let (mut to, mut from) = (0, 0);
    for count in counts {
        out.copy_within(from..from + count, to);
        (to, from) = (to + count, from + count + 1);
    }
    out.truncate(total);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn priority_set_is_exactly_the_scores_at_or_above(
            values in prop::collection::vec(0.0f64..1.0, 0..100),
            t in 0.0f64..1.0,
            at_a_score in any::<Option<prop::sample::Index>>(),
        ) {
            // The threshold is often one of the scores, as a quantile of them is.
            let t = match at_a_score {
                Some(i) if !values.is_empty() => values[i.index(values.len())],
                _ => t,
            };
            let expected: Vec<usize> = (0..values.len()).filter(|&i| values[i] >= t).collect();
            prop_assert_eq!(&priority_indices(&values, t), &expected);
            // In parts, as on several threads; some parts may hold none, or only flagged ones.
            for parts in [2, 3, 7] {
                prop_assert_eq!(&priority_indices_in(&values, t, parts), &expected);
            }
        }
    }
}
