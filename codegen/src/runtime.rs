//! Getting the pinned runtime: installing it (the installer is shared with the
//! SDK, see `templates/sdk/src/runtime/install.rs`), looking up the wheels of a new
//! version, and asking a binary for its version.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::pin::{Pin, Wheel};

#[path = "../../templates/sdk/src/runtime/install.rs"]
#[allow(dead_code)] // `Installer::platform` is only used by the SDK's copy.
pub mod install;

/// Installs `pin`'s runtime for this platform into `dir`.
pub fn install_pinned(pin: &Pin, dir: &Path) -> Result<install::Installed> {
    let mut wheels = Vec::new();
    let runtime_pin = pin.to_runtime_pin(&mut wheels);
    let installed = install::Installer::new(&runtime_pin, dir).install()?;
    Ok(installed)
}

/// The version a `codex` binary reports (`codex-cli 0.163.0` → `0.163.0`).
pub fn binary_version(codex: &Path) -> Result<String> {
    let output = Command::new(codex)
        .arg("--version")
        .output()
        .with_context(|| format!("running {} --version", codex.display()))?;
    if !output.status.success() {
        bail!("{} --version failed: {}", codex.display(), output.status);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .last()
        .map(str::to_owned)
        .with_context(|| format!("{} --version printed nothing", codex.display()))
}

/// Looks up, with pip and without downloading, the wheel of `package==version`
/// for each pip platform tag of `like` (the current pin's platforms), so that
/// a bump pins the same set of platforms.
pub fn lookup_wheels(package: &str, version: &str, like: &[Wheel]) -> Result<Vec<Wheel>> {
    like.iter()
        .map(|old| {
            let (filename, sha256) = pip_report(package, version, &old.tag)
                .with_context(|| format!("looking up the {} wheel of {package} {version}", old.platform))?;
            Ok(Wheel {
                platform: old.platform.clone(),
                tag: old.tag.clone(),
                filename,
                sha256,
            })
        })
        .collect()
}

/// Runs `pip install --dry-run --report` for one platform tag: pip resolves the
/// wheel from PyPI's index (file name and sha256) without fetching it.
fn pip_report(package: &str, version: &str, tag: &str) -> Result<(String, String)> {
    let scratch = tempfile::tempdir().context("creating a temporary folder")?;
    let report = scratch.path().join("report.json");
    let output = Command::new("python3")
        .args(["-m", "pip", "--disable-pip-version-check", "--quiet", "install", "--dry-run"])
        .args(["--ignore-installed", "--no-deps", "--only-binary=:all:", "--platform", tag])
        .arg("--target")
        .arg(scratch.path().join("target"))
        .arg("--report")
        .arg(&report)
        .arg(format!("{package}=={version}"))
        .output()
        .context("running python3 -m pip (install Python 3 with pip)")?;
    if !output.status.success() {
        bail!("pip failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report)?)?;
    let info = &report["install"][0]["download_info"];
    let url = info["url"].as_str().context("pip's report has no download URL")?;
    let sha256 = info["archive_info"]["hashes"]["sha256"]
        .as_str()
        .context("pip's report has no sha256")?;
    let filename = url.rsplit('/').next().unwrap_or(url).to_owned();
    Ok((filename, sha256.to_owned()))
}
