//! The openai-codex SDK generator, as a library (the `openai-codex-codegen`
//! binary is a thin CLI over it).
//!
//! The pipeline, one module per step:
//! 1. [`snapshot`]: load the pinned schema snapshot (`schema/snapshot/`);
//! 2. [`prepass`]: normalise the JSON so typify reads it right;
//! 3. [`emit_types`]: the wire types, with typify;
//! 4. [`catalog`] and [`emit_catalog`]: the method catalog and its Rust;
//! 5. [`emit_api`]: the typed client methods and the server-request handler;
//!    [`overrides`] and [`emit_friendly`]: the friendly builders from the
//!    override table (`templates/api.toml`);
//! 6. [`emit_crate`]: the crate's manifest, root and pin;
//! 7. [`generate`] ties them together; [`output`] writes `sdk/` or checks it.
//!
//! Around it: [`pin`] (`schema/runtime.toml`), [`runtime`] (installing the
//! pinned runtime), [`schema_update`] (printing a new snapshot) and
//! [`protocol_diff`] (what changed between two snapshots).

pub mod catalog;
pub mod emit_api;
pub mod emit_catalog;
pub mod emit_crate;
pub mod emit_friendly;
pub mod emit_types;
pub mod generate;
pub mod output;
pub mod overrides;
pub mod pin;
pub mod prepass;
pub mod protocol_diff;
pub mod runtime;
pub mod schema_update;
pub mod snapshot;
pub mod syntax;
pub mod workspace;

use anyhow::Result;

pub use workspace::Workspace;

/// Regenerates `sdk/`; returns how many files changed, and the wire fields
/// the override table has yet to review.
pub fn generate_sdk(workspace: &Workspace) -> Result<(usize, Vec<String>)> {
    let generation = generate::generate(workspace)?;
    let changed = output::write(&workspace.sdk_dir(), &generation.files)?;
    Ok((changed, generation.unreviewed_fields))
}

/// The drift check: `None` when `sdk/` is exactly what the generator makes,
/// else a report of the differences.
pub fn check_sdk(workspace: &Workspace) -> Result<Option<String>> {
    let generation = generate::generate(workspace)?;
    output::drift(&workspace.sdk_dir(), &generation.files)
}

/// The schema snapshot as committed (git `HEAD`), extracted into a
/// temporary folder: the default "old" side of `cargo codegen diff`.
pub fn committed_snapshot(workspace: &Workspace) -> Result<tempfile::TempDir> {
    use anyhow::{bail, Context};
    let out = tempfile::tempdir().context("creating a temporary folder")?;
    let experimental = snapshot::EXPERIMENTAL_FILES.map(|name| format!("{}/{name}", snapshot::EXPERIMENTAL_DIR));
    let names = snapshot::FILES.iter().map(|name| name.to_string()).chain(experimental);
    for (index, name) in names.enumerate() {
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(workspace.root())
            .arg("show")
            .arg(format!("HEAD:schema/snapshot/{name}"))
            .output()
            .context("running git (needed to read the committed snapshot; or pass OLD explicitly)")?;
        if !output.status.success() {
            // The experimental bundles are optional; the method files are not.
            if index < snapshot::FILES.len() {
                bail!("git has no committed schema/snapshot/{name}: {}", String::from_utf8_lossy(&output.stderr).trim());
            }
            continue;
        }
        let path = out.path().join(&name);
        std::fs::create_dir_all(path.parent().expect("a file in a folder"))?;
        std::fs::write(&path, output.stdout)?;
    }
    Ok(out)
}
