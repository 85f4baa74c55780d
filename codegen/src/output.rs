//! Writing the generated files into `sdk/`, or checking that `sdk/` already
//! holds exactly them (the drift check).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use similar::TextDiff;

use crate::files::{relative_to, slash_path, walk};
use crate::generate::GeneratedFile;

/// How many diff lines are shown per file, and in all, before the rest is cut.
const MAX_DIFF_LINES_PER_FILE: usize = 80;
const MAX_DIFF_LINES: usize = 400;

/// What is in `sdk/` now, by relative path.
fn current_files(sdk: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut files = BTreeMap::new();
    for path in walk(sdk)? {
        let relative = relative_to(&path, sdk)?;
        // A binary or non-UTF-8 file is drift too; show it as unreadable.
        let text = fs::read_to_string(&path).unwrap_or_else(|_| "<not UTF-8 text>".into());
        files.insert(relative, text);
    }
    Ok(files)
}

/// Writes `files` into `sdk`, rewriting only what changed and removing files
/// the generator does not make. Returns how many files changed.
pub fn write(sdk: &Path, files: &[GeneratedFile]) -> Result<usize> {
    crate::timings::phase("write sdk/", || write_files(sdk, files))
}

fn write_files(sdk: &Path, files: &[GeneratedFile]) -> Result<usize> {
    let mut current = current_files(sdk)?;
    let mut changed = 0;
    for file in files {
        if current.remove(&file.path).as_deref() != Some(file.contents.as_str()) {
            let path = sdk.join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            fs::write(&path, &file.contents).with_context(|| format!("writing {}", path.display()))?;
            changed += 1;
        }
    }
    for stale in current.keys() {
        let path = sdk.join(stale);
        fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        changed += 1;
    }
    remove_empty_dirs(sdk)?;
    Ok(changed)
}

fn remove_empty_dirs(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if fs::read_dir(&path)?.next().is_none() {
                fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

/// The differences between `sdk/` and `files`, as a bounded unified diff;
/// `None` when there are none.
pub fn drift(sdk: &Path, files: &[GeneratedFile]) -> Result<Option<String>> {
    crate::timings::phase("compare with sdk/", || compare(sdk, files))
}

fn compare(sdk: &Path, files: &[GeneratedFile]) -> Result<Option<String>> {
    let mut current = current_files(sdk)?;
    let mut report = String::new();
    let mut budget = MAX_DIFF_LINES;
    for file in files {
        let shown = format!("sdk/{}", slash_path(&file.path));
        match current.remove(&file.path) {
            Some(text) if text == file.contents => {}
            Some(text) => append_diff(&mut report, &mut budget, &shown, &text, &file.contents),
            None => {
                let _ = writeln!(report, "missing: {shown} (the generator makes it)");
            }
        }
    }
    for extra in current.keys() {
        let shown = format!("sdk/{}", slash_path(extra));
        let _ = writeln!(report, "extra: {shown} (the generator does not make it)");
    }
    Ok((!report.is_empty()).then_some(report))
}

fn append_diff(report: &mut String, budget: &mut usize, shown: &str, old: &str, new: &str) {
    let diff = TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(2)
        .header(&format!("{shown} (in sdk/)"), &format!("{shown} (generated)"))
        .to_string();
    let limit = MAX_DIFF_LINES_PER_FILE.min(*budget);
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(limit) {
        let _ = writeln!(report, "{line}");
    }
    if lines.len() > limit {
        let _ = writeln!(report, "... ({} more diff lines in {shown})", lines.len() - limit);
    }
    *budget = budget.saturating_sub(limit);
}
