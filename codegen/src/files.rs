//! Walking and naming files: shared by generation (templates), output
//! (`sdk/`) and the tests.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Every file below `dir`, sorted, so output order never depends on the file system.
pub fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        if !folder.exists() {
            continue;
        }
        for entry in fs::read_dir(&folder).with_context(|| format!("listing {}", folder.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A relative path with `/` separators, as shown in headers and diffs.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `path` relative to `dir`, which it is below (as [`walk`] returns it).
pub fn relative_to(path: &Path, dir: &Path) -> Result<PathBuf> {
    path.strip_prefix(dir)
        .map(Path::to_owned)
        .with_context(|| format!("{} is not below {}", path.display(), dir.display()))
}
