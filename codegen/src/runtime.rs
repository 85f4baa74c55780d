//! Getting the pinned runtime: installing it (the installer is shared with the
//! SDK, see `templates/sdk/src/runtime/install.rs`), looking up the wheels of a new
//! version, and asking a binary for its version.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::pin::{Pin, Tarball, Wheel};
use install::{RuntimePin, TarballPin, WheelPin};

#[path = "../../templates/sdk/src/runtime/install.rs"]
#[allow(dead_code)] // `Installer::platform` is only used by the SDK's copy.
pub mod install;

/// Installs `pin`'s runtime for this platform into `dir`.
pub fn install_pinned(pin: &Pin, dir: &Path) -> Result<install::Installed> {
    let mut storage = PinStorage::default();
    let runtime_pin = pin.to_runtime_pin(&mut storage);
    let installed = install::Installer::new(&runtime_pin, dir).install()?;
    Ok(installed)
}

impl Pin {
    /// The pin as the installer takes it; `storage` holds the borrowed entries.
    pub fn to_runtime_pin<'a>(&'a self, storage: &'a mut PinStorage<'a>) -> RuntimePin<'a> {
        storage.platforms = self
            .tarballs
            .iter()
            .map(|tarball| tarball.platforms.iter().map(String::as_str).collect())
            .collect();
        storage.wheels = self
            .wheels
            .iter()
            .map(|wheel| WheelPin {
                platform: &wheel.platform,
                tag: &wheel.tag,
                filename: &wheel.filename,
                sha256: &wheel.sha256,
            })
            .collect();
        storage.tarballs = self
            .tarballs
            .iter()
            .zip(&storage.platforms)
            .map(|(tarball, platforms)| TarballPin {
                platforms,
                npm_version: &tarball.npm_version,
                target: &tarball.target,
                integrity: &tarball.integrity,
            })
            .collect();
        RuntimePin {
            package: &self.package,
            version: &self.version,
            wheels: &storage.wheels,
            npm_package: &self.npm_package,
            tarballs: &storage.tarballs,
        }
    }
}

/// Storage for the borrowed entries of a [`RuntimePin`] made from a [`Pin`] (see [`Pin::to_runtime_pin`]).
#[derive(Debug, Default)]
pub struct PinStorage<'a> {
    platforms: Vec<Vec<&'a str>>,
    wheels: Vec<WheelPin<'a>>,
    tarballs: Vec<TarballPin<'a>>,
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

/// npm's platform suffixes (`@openai/codex@<version>-<suffix>`): the
/// platforms each build runs on, as wheels spell them, and its target triple.
const NPM_PLATFORMS: &[(&str, &[&str], &str)] = &[
    ("linux-x64", &["linux-x86_64", "linux-musl-x86_64"], "x86_64-unknown-linux-musl"),
    ("linux-arm64", &["linux-aarch64", "linux-musl-aarch64"], "aarch64-unknown-linux-musl"),
    ("darwin-x64", &["macos-x86_64"], "x86_64-apple-darwin"),
    ("darwin-arm64", &["macos-aarch64"], "aarch64-apple-darwin"),
    ("win32-x64", &["windows-x86_64"], "x86_64-pc-windows-msvc"),
    ("win32-arm64", &["windows-aarch64"], "aarch64-pc-windows-msvc"),
];

/// Looks up, with npm and without downloading, every platform build of
/// `package@version`: the version's `optionalDependencies` name them
/// (`npm:@openai/codex@0.169.0-linux-x64`), and each build's metadata gives
/// its integrity. A suffix this table does not know fails, so a new platform
/// is reviewed rather than dropped.
pub fn lookup_tarballs(package: &str, version: &str) -> Result<Vec<Tarball>> {
    let dependencies = npm_view(&format!("{package}@{version}"), "optionalDependencies")?;
    let builds: Vec<String> = dependencies
        .as_object()
        .map(|map| map.values().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let mut tarballs = Vec::new();
    for build in builds {
        let npm_version = build
            .rsplit_once('@')
            .map(|(_, npm_version)| npm_version.to_owned())
            .with_context(|| format!("unexpected npm dependency `{build}`"))?;
        let suffix = npm_version
            .strip_prefix(&format!("{version}-"))
            .with_context(|| format!("`{build}` is not a build of {version}"))?;
        let (_, platforms, target) = NPM_PLATFORMS
            .iter()
            .find(|(known, _, _)| *known == suffix)
            .with_context(|| format!("npm publishes a `{suffix}` build that NPM_PLATFORMS in codegen/src/runtime.rs does not map to a platform; add it"))?;
        let integrity = npm_view(&format!("{package}@{npm_version}"), "dist.integrity")?;
        tarballs.push(Tarball {
            platforms: platforms.iter().map(|platform| (*platform).to_owned()).collect(),
            npm_version,
            target: (*target).to_owned(),
            integrity: integrity.as_str().context("npm gave no integrity")?.to_owned(),
        });
    }
    tarballs.sort_by(|a, b| a.npm_version.cmp(&b.npm_version));
    Ok(tarballs)
}

/// `npm view <spec> <field> --json`.
fn npm_view(spec: &str, field: &str) -> Result<Value> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let output = Command::new(npm)
        .args(["view", spec, field, "--json"])
        .output()
        .context("running npm (install Node.js's npm)")?;
    if !output.status.success() {
        bail!("npm view {spec} failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    if text.trim().is_empty() {
        bail!("npm has no {field} for {spec}");
    }
    serde_json::from_str(&text).with_context(|| format!("npm view {spec} {field} printed no JSON"))
}

/// The newest version of the runtime on npm (its `latest` tag).
pub fn latest_on_npm(package: &str) -> Result<String> {
    let latest = npm_view(package, "dist-tags.latest")?;
    latest.as_str().map(str::to_owned).context("npm gave no latest version")
}

/// The newest version of the runtime on PyPI (`pip index versions`).
pub fn latest_on_pypi(package: &str) -> Result<String> {
    let output = Command::new("python3")
        .args(["-m", "pip", "--disable-pip-version-check", "index", "versions", package])
        .output()
        .context("running python3 -m pip (install Python 3 with pip)")?;
    if !output.status.success() {
        bail!("pip index versions failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    // `openai-codex-cli-bin (0.163.0)` on the first line.
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .next()
        .and_then(|line| line.rsplit_once('('))
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(str::to_owned)
        .with_context(|| format!("unexpected `pip index versions` output: {}", text.trim()))
}

/// Compares dotted versions numerically (`0.169.0` > `0.163.0`); parts that
/// are not numbers compare as text.
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<(u64, String)> {
        v.split(['.', '-']).map(|part| (part.parse().unwrap_or(u64::MAX), part.to_owned())).collect()
    };
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
mod tests {
    use super::version_cmp;
    use std::cmp::Ordering;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(version_cmp("0.169.0", "0.163.0"), Ordering::Greater);
        assert_eq!(version_cmp("0.163.0", "0.163.0"), Ordering::Equal);
        assert_eq!(version_cmp("0.99.0", "0.163.0"), Ordering::Less);
        assert_eq!(version_cmp("1.0.0", "0.999.9"), Ordering::Greater);
    }
}
