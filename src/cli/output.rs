//! The command line's side of file output: which flag wrote what, and what the user can
//! do when a target is refused. The rules themselves live in [`crate::filesystem`].

use crate::filesystem::{self, OutputError, Replace, Staged};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// A file a command will write: the flag that named it, its path, what it may replace.
pub(super) struct Output {
    pub flag: &'static str,
    pub path: PathBuf,
    pub replace: Replace,
}

impl Output {
    pub(super) fn new(flag: &'static str, path: &Path, replace: Replace) -> Output {
        Output {
            flag,
            path: path.to_path_buf(),
            replace,
        }
    }

    /// Refuses a target that is certain to be refused at the end, before any work.
    pub(super) fn check(&self) -> Result<()> {
        filesystem::check_target(&self.path, self.replace).map_err(|e| self.explain(e.into()))
    }

    /// Writes the file beside its target; see [`filesystem::stage`].
    pub(super) fn stage(&self, bytes: &[u8]) -> Result<Pending<'_>> {
        self.stage_with(|f| std::io::Write::write_all(f, bytes))
    }

    /// Writes the file beside its target with `write`; see [`filesystem::stage_with`].
    pub(super) fn stage_with(
        &self,
        write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> Result<Pending<'_>> {
        let staged = filesystem::stage_with(&self.path, self.replace, write);
        Ok(Pending {
            output: self,
            staged: staged.map_err(|e| self.explain(e))?,
        })
    }

    /// Names the flag, and says what to do about a refused target.
    pub(super) fn explain(&self, err: anyhow::Error) -> anyhow::Error {
        let hint = match err.downcast_ref::<OutputError>() {
            Some(OutputError::AlreadyExists(_)) if self.replace == Replace::Nothing => {
                match self.flag {
                    "--reflection" => {
                        "a student's work is never replaced: use --force to replace it"
                    }
                    "--export" => {
                        "an export may have been edited: choose another path or remove it"
                    }
                    _ => "choose another path or remove it",
                }
            }
            Some(OutputError::Directory(_)) => match self.flag {
                "--export" => "for example cases.csv",
                "--reflection" => "for example reflection.json",
                _ => "for example plot.png",
            },
            Some(_) => "choose another path",
            None => return err.context(self.flag),
        };
        anyhow::anyhow!("{}: {err} ({hint})", self.flag)
    }
}

/// A written file waiting to be put in place.
pub(super) struct Pending<'a> {
    output: &'a Output,
    staged: Staged,
}

/// Puts the staged files in place around printing the command's result: new files
/// first (an atomic no-replace create each), then `print`, then the replacements. If any
/// step fails, the files this call created are removed again and the rest are never put
/// in place: a failed command leaves no new file, and its result is printed only once
/// every new file is in place.
pub(super) fn commit_around(
    pending: Vec<Pending>,
    print: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let (new, replacing): (Vec<Pending>, Vec<Pending>) =
        pending.into_iter().partition(|p| !p.staged.target_exists());
    let mut created: Vec<PathBuf> = Vec::new();
    let undo = |created: &[PathBuf]| {
        for path in created {
            let _ = std::fs::remove_file(path);
        }
    };
    let put = |group: Vec<Pending>, created: &mut Vec<PathBuf>| -> Result<()> {
        for Pending { output, staged } in group {
            let path = staged.target().to_path_buf();
            match staged.commit() {
                Ok(true) => created.push(path),
                Ok(false) => {}
                Err(e) => return Err(output.explain(e)),
            }
        }
        Ok(())
    };
    let result = put(new, &mut created)
        .and_then(|()| print())
        .and_then(|()| put(replacing, &mut created));
    if result.is_err() {
        undo(&created);
    }
    result
}

/// Refuses two outputs of one command at the same path: the second would replace the first.
pub(super) fn distinct(outputs: &[&Output]) -> Result<(), crate::error::UsageError> {
    let key = |o: &Output| std::path::absolute(&o.path).unwrap_or_else(|_| o.path.clone());
    for (i, a) in outputs.iter().enumerate() {
        if let Some(b) = outputs[..i].iter().find(|b| key(b) == key(a)) {
            return Err(crate::error::UsageError::new(
                a.flag,
                format!(
                    "{} is also the file of {}; give each output its own path",
                    a.path.display(),
                    b.flag
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses an output that is one of the command's input files (`inputs`: what each is, and
/// its path): with `--force` it would be replaced by what was read from it.
pub(super) fn not_an_input(
    output: &Output,
    inputs: &[(&str, &Path)],
) -> Result<(), crate::error::UsageError> {
    match inputs
        .iter()
        .find(|(_, input)| same_file(&output.path, input))
    {
        Some((what, input)) => Err(crate::error::UsageError::new(
            output.flag,
            format!(
                "{} is {what} ({}); give the output its own path",
                output.path.display(),
                input.display()
            ),
        )),
        None => Ok(()),
    }
}

/// Whether two paths name one existing file (through links, or spelt differently).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        x.dev() == y.dev() && x.ino() == y.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (x, y);
        std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
    }
}

/// A picture's default file name: `<lab id>-<kind>.png` for the lab as written, and with
/// what the run changed in the name otherwise (`module2-quantile-0.9-plot.png`), so a
/// rerun with a change never replaces the baseline's picture.
pub(super) fn default_name(lab_id: &str, changes: &[String], kind: &str) -> PathBuf {
    if changes.is_empty() {
        return PathBuf::from(format!("{lab_id}-{kind}.png"));
    }
    let raw = changes.join(" ");
    let mut slug = String::new();
    // A minus sign is kept (after the separator: "severity--0.4"), so -0.4 and 0.4 differ.
    for c in raw.chars() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(c, '.' | '_')
            || (c == '-' && slug.ends_with('-'));
        if keep {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    // Characters the name cannot show (non-ASCII, symbols) could make two runs' names
    // alike; then, and for a long list of changes, a hash of the whole keeps them apart.
    let shown = raw
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " ._-(),".contains(c));
    let slug = if slug.len() > 80 || !shown || slug.is_empty() {
        let hash = xxhash_rust::xxh3::xxh3_64(raw.as_bytes());
        let start = &slug[..slug.len().min(72)];
        let sep = if start.is_empty() { "" } else { "-" };
        format!("{start}{sep}{:08x}", hash as u32)
    } else {
        slug.to_string()
    };
    PathBuf::from(format!("{lab_id}-{slug}-{kind}.png"))
}

#[cfg(test)]
mod tests {
    use super::default_name;
    use std::path::Path;

    #[test]
    fn default_names_carry_the_change() {
        let name = |c: &[&str]| {
            let changes: Vec<String> = c.iter().map(|s| s.to_string()).collect();
            default_name("module2", &changes, "plot")
        };
        assert_eq!(name(&[]), Path::new("module2-plot.png"));
        assert_eq!(
            name(&["quantile 0.9"]),
            Path::new("module2-quantile-0.9-plot.png")
        );
        assert_eq!(
            name(&["distributions.exposure beta(3, 3)"]),
            Path::new("module2-distributions.exposure-beta-3-3-plot.png")
        );
        let many: Vec<String> = (0..20)
            .map(|i| format!("weights.feature_{i} 0.{i}"))
            .collect();
        let long = default_name("module2", &many, "plot");
        let text = long.to_str().unwrap();
        assert!(text.len() < 110 && text.ends_with("-plot.png"), "{text}");
        let mut other = many.clone();
        other[19] = "weights.feature_19 0.5".into();
        assert_ne!(default_name("module2", &other, "plot"), long);
    }
}
