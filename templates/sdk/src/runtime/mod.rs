//! The Codex runtime this SDK version is built for: finding it, and installing it.
//!
//! The SDK's version is the runtime's version: [`VERSION`]. [`PIN`] holds the
//! checksum of each platform's wheel, so [`install()`] can fetch the runtime
//! with pip and refuse anything that is not the pinned file.
//!
//! A client finds its binary in this order: the path given in its config;
//! the `CODEX_BIN` environment variable; the pinned runtime installed in
//! [`default_install_dir`]; `codex` on `PATH`. A path given in the config or
//! in a non-empty `CODEX_BIN` that does not exist is an error
//! ([`Error::RuntimeNotFound`]), not a reason
//! to try the next place. Then it starts `codex app-server` and reads the
//! runtime's version from `initialize`'s answer: a version other than
//! [`VERSION`] is [`Error::VersionMismatch`] (unless the client allows it).
//! A start that fails or stalls is explained by running `codex --version`:
//! a binary that does not print `codex-cli <version>` is
//! [`Error::NotCodexRuntime`].

pub mod install;
mod pin;

use std::path::{Path, PathBuf};

pub use pin::PIN;

use crate::error::Error;
use install::{InstallError, Installer};

/// The Codex runtime version this SDK was generated from.
pub const VERSION: &str = PIN.version;

/// Environment variable naming a `codex` binary to use.
pub const CODEX_BIN_ENV: &str = "CODEX_BIN";

/// Environment variable that overrides [`default_install_dir`].
pub const RUNTIME_DIR_ENV: &str = "OPENAI_CODEX_RUNTIME_DIR";

/// Where [`install()`] puts runtimes: `$OPENAI_CODEX_RUNTIME_DIR`, else the
/// user's cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
/// `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) + `openai-codex/runtime`.
pub fn default_install_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(RUNTIME_DIR_ENV) {
        return PathBuf::from(dir);
    }
    user_cache_dir().join("openai-codex").join("runtime")
}

fn user_cache_dir() -> PathBuf {
    let env = |key: &str| std::env::var_os(key).filter(|value| !value.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        return env("LOCALAPPDATA").unwrap_or_else(std::env::temp_dir);
    }
    let home = env("HOME");
    if cfg!(target_os = "macos") {
        if let Some(home) = home {
            return home.join("Library").join("Caches");
        }
    }
    env("XDG_CACHE_HOME")
        .or_else(|| home.map(|home| home.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
}

/// Installs the pinned runtime into [`default_install_dir`] (if it is not
/// there yet) and returns the path of its `codex` binary. Blocking: it runs pip.
pub fn install() -> Result<PathBuf, InstallError> {
    install_into(&default_install_dir())
}

/// Installs the pinned runtime into `dir` and returns the path of its `codex`
/// binary. Blocking: it runs pip.
pub fn install_into(dir: &Path) -> Result<PathBuf, InstallError> {
    Ok(Installer::new(&PIN, dir).install()?.codex)
}

/// The pinned runtime's binary in `dir`, if a verified install is there.
pub fn installed_in(dir: &Path) -> Option<PathBuf> {
    Installer::new(&PIN, dir).installed()
}

/// Finds the `codex` binary (see the module docs for the order); with
/// `install_if_missing`, installs the pinned runtime as the last resort.
///
/// An explicit choice that does not exist (the config's path, or a
/// non-empty `CODEX_BIN`) is an error, never a silent fall back to another
/// binary.
pub(crate) fn locate(explicit: Option<&Path>, install_if_missing: bool) -> Result<PathBuf, Error> {
    let mut looked = Vec::new();
    if let Some(path) = explicit {
        if path.is_file() {
            return Ok(path.to_owned());
        }
        return Err(Error::RuntimeNotFound {
            looked: vec![format!("{} (given in the config; no such file)", path.display())],
        });
    }
    match std::env::var_os(CODEX_BIN_ENV).filter(|path| !path.is_empty()) {
        Some(path) if Path::new(&path).is_file() => return Ok(PathBuf::from(path)),
        Some(path) => {
            return Err(Error::RuntimeNotFound {
                looked: vec![format!(
                    "${CODEX_BIN_ENV}={} (no such file; fix it, or unset {CODEX_BIN_ENV} to search the \
                     installed runtime and PATH)",
                    Path::new(&path).display()
                )],
            })
        }
        None => looked.push(format!("${CODEX_BIN_ENV} (not set)")),
    }
    let dir = default_install_dir();
    if let Some(codex) = installed_in(&dir) {
        return Ok(codex);
    }
    looked.push(format!("the pinned runtime {VERSION} in {} (not installed)", dir.display()));
    if let Some(codex) = on_path("codex") {
        return Ok(codex);
    }
    looked.push("`codex` on PATH (not found)".to_owned());
    if install_if_missing {
        return Ok(install_into(&dir)?);
    }
    Err(Error::RuntimeNotFound { looked })
}

/// The version a Codex runtime's `--version` printed (`codex-cli 0.163.0`
/// gives `0.163.0`), or [`Error::NotCodexRuntime`] saying what it printed.
pub(crate) fn version_from_output(binary: &Path, output: &std::process::Output) -> Result<String, Error> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let not_codex = |reason: String| Error::NotCodexRuntime { binary: binary.to_owned(), reason };
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(not_codex(format!(
            "failed ({}){}",
            output.status,
            printed(" and printed", &[stdout.trim(), stderr.trim()].join("\n"))
        )));
    }
    let mut words = stdout.lines().next().unwrap_or_default().split_whitespace();
    match (words.next(), words.next(), words.next()) {
        (Some("codex-cli"), Some(version), None) if version.starts_with(|c: char| c.is_ascii_digit()) => {
            Ok(version.to_owned())
        }
        _ => Err(not_codex(printed("printed", &stdout))),
    }
}

/// `"<verb> \"<first line>\" (+N more lines)"`, short enough for a message.
fn printed(verb: &str, text: &str) -> String {
    const MAX: usize = 200;
    let text = text.trim();
    if text.is_empty() {
        return if verb == "printed" { "printed nothing".to_owned() } else { String::new() };
    }
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let mut shown: String = first.chars().take(MAX).collect();
    if shown.len() < first.len() {
        shown.push_str("...");
    }
    let more = lines.count();
    let more = if more > 0 { format!(" (and {more} more lines)") } else { String::new() };
    format!("{verb} {shown:?}{more}")
}

fn on_path(name: &str) -> Option<PathBuf> {
    let exe = if cfg!(windows) { format!("{name}.exe") } else { name.to_owned() };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&exe))
        .find(|candidate| candidate.is_file())
}
