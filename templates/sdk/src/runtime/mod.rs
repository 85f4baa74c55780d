//! The Codex runtime this SDK version is built for: finding it, and installing it.
//!
//! The SDK's version is the runtime's version: [`VERSION`]. [`PIN`] holds the
//! checksum of each platform's wheel, so [`install()`] can fetch the runtime
//! with pip and refuse anything that is not the pinned file.
//!
//! A client finds its binary in this order: the path given in its config;
//! the `CODEX_BIN` environment variable; the pinned runtime installed in
//! [`default_install_dir`]; `codex` on `PATH`. Then it checks the binary's
//! version against [`VERSION`].

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
    match std::env::var_os(CODEX_BIN_ENV) {
        Some(path) if Path::new(&path).is_file() => return Ok(PathBuf::from(path)),
        Some(path) => looked.push(format!("${CODEX_BIN_ENV}={} (no such file)", Path::new(&path).display())),
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

fn on_path(name: &str) -> Option<PathBuf> {
    let exe = if cfg!(windows) { format!("{name}.exe") } else { name.to_owned() };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(&exe))
        .find(|candidate| candidate.is_file())
}
