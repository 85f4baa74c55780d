//! Where things live in the project.

use std::path::{Path, PathBuf};

/// The project's folders, relative to its root.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
}

impl Workspace {
    /// The workspace this generator was built in.
    pub fn this() -> Self {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        Self::at(manifest.parent().unwrap_or(manifest))
    }

    /// A workspace rooted at `root` (e.g. a temporary copy in tests).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `schema/runtime.toml`.
    pub fn pin_path(&self) -> PathBuf {
        self.root.join("schema").join("runtime.toml")
    }

    /// `schema/snapshot/`.
    pub fn snapshot_dir(&self) -> PathBuf {
        self.root.join("schema").join("snapshot")
    }

    /// `templates/`.
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    /// `sdk/`, the generated crate.
    pub fn sdk_dir(&self) -> PathBuf {
        self.root.join("sdk")
    }

    /// `.runtime/`, where `runtime install` puts runtimes by default (gitignored).
    pub fn runtime_dir(&self) -> PathBuf {
        self.root.join(".runtime")
    }
}
