//! `cargo codegen schema update`: print the runtime's JSON Schema and store it
//! as the normalised snapshot (and, for a new version, the new pin).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::pin::Pin;
use crate::runtime;
use crate::snapshot;
use crate::workspace::Workspace;

/// What to update from.
#[derive(Debug, Clone, Default)]
pub struct UpdateOptions {
    /// Move to this runtime version (default: the pinned one).
    pub version: Option<String>,
    /// Use this `codex` binary instead of installing the pinned one.
    pub codex_bin: Option<PathBuf>,
    /// Write the snapshot here instead of `schema/snapshot/` (the pin is then
    /// left alone too).
    pub out: Option<PathBuf>,
}

/// What an update did.
#[derive(Debug, Clone)]
pub struct UpdateReport {
    /// The pin the snapshot was printed by.
    pub pin: Pin,
    /// Whether `schema/runtime.toml` was rewritten.
    pub pin_changed: bool,
    /// The folder the snapshot was written to.
    pub snapshot_dir: PathBuf,
}

/// Prints the schema with the target runtime and writes the snapshot.
pub fn update(workspace: &Workspace, options: &UpdateOptions) -> Result<UpdateReport> {
    let current = Pin::load(&workspace.pin_path())?;
    let pin = target_pin(&current, options.version.as_deref())?;
    let codex = match &options.codex_bin {
        Some(path) => path.clone(),
        None => runtime::install_pinned(&pin, &workspace.runtime_dir())?.codex,
    };
    let reported = runtime::binary_version(&codex)?;
    if reported != pin.version {
        bail!(
            "{} is codex {reported}, but the target version is {}; pass --version {reported} \
             to move the pin, or point --codex-bin at a {} binary",
            codex.display(),
            pin.version,
            pin.version
        );
    }
    let snapshot_dir = options.out.clone().unwrap_or_else(|| workspace.snapshot_dir());
    print_snapshot(&codex, &pin, &snapshot_dir)?;
    let pin_changed = options.out.is_none() && pin != current;
    if pin_changed {
        pin.save(&workspace.pin_path())?;
    }
    Ok(UpdateReport {
        pin,
        pin_changed,
        snapshot_dir,
    })
}

/// The pin for `version`: the current one, or one with the new version's
/// wheels (PyPI) and builds (npm) looked up. A version on only one registry
/// is pinned from that one; on neither, it is an error saying what each said.
fn target_pin(current: &Pin, version: Option<&str>) -> Result<Pin> {
    let version = match version {
        None => return Ok(current.clone()),
        Some(version) if version == current.version => return Ok(current.clone()),
        Some(version) => version,
    };
    let wheels = runtime::lookup_wheels(&current.package, version, &current.wheels);
    let tarballs = runtime::lookup_tarballs(&current.npm_package, version);
    match (wheels, tarballs) {
        (Err(pypi), Err(npm)) => bail!(
            "codex {version} is published on neither registry:\n  PyPI ({}): {pypi:#}\n  npm ({}): {npm:#}",
            current.package,
            current.npm_package
        ),
        (wheels, tarballs) => Ok(Pin {
            version: version.to_owned(),
            wheels: wheels.unwrap_or_default(),
            tarballs: tarballs.unwrap_or_default(),
            ..current.clone()
        }),
    }
}

/// Prints the schema with `codex` into `out`: the method files and bundles of
/// the surface the pin asks for, plus (with `experimental_fields`) the
/// `--experimental` bundles in `out/experimental/`. Every other file in `out`
/// is removed, so the snapshot holds exactly what this runtime printed.
pub fn print_snapshot(codex: &Path, pin: &Pin, out: &Path) -> Result<()> {
    let stable = generate_json_schema(codex, pin.experimental_methods)?;
    snapshot::write_normalised(stable.path(), out)?;
    let experimental_dir = out.join(snapshot::EXPERIMENTAL_DIR);
    if pin.experimental_fields {
        let experimental = generate_json_schema(codex, true)?;
        snapshot::write_experimental(experimental.path(), out)?;
        remove_stale_files(&experimental_dir, &snapshot::EXPERIMENTAL_FILES)?;
    } else if experimental_dir.exists() {
        fs::remove_dir_all(&experimental_dir)
            .with_context(|| format!("removing {}", experimental_dir.display()))?;
    }
    remove_stale_files(out, &snapshot::FILES)
}

/// Runs `codex app-server generate-json-schema` into a scratch folder.
fn generate_json_schema(codex: &Path, experimental: bool) -> Result<tempfile::TempDir> {
    let raw = tempfile::tempdir().context("creating a temporary folder")?;
    let mut command = Command::new(codex);
    command.args(["app-server", "generate-json-schema", "--out"]).arg(raw.path());
    if experimental {
        command.arg("--experimental");
    }
    let output = command
        .output()
        .with_context(|| format!("running {} app-server generate-json-schema", codex.display()))?;
    if !output.status.success() {
        bail!(
            "generate-json-schema failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(raw)
}

/// Removes the files in `dir` (not its folders) that are not in `keep`.
fn remove_stale_files(dir: &Path, keep: &[&str]) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        if path.is_file() && !keep.contains(&name) {
            fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}
