//! Installing the pinned Codex runtime: pip downloads the wheel, we check its
//! sha256 against the pin, and pip unpacks it.
//!
//! This file is shared: the generator compiles it into `cargo codegen runtime
//! install`, and copies it into the SDK as `openai_codex::runtime::install`, so
//! the toolchain and the library install the runtime the same way.
//!
//! Layout of an install folder `DIR`:
//! - `DIR/<version>/codex_cli_bin/bin/codex`: the runtime, unpacked by pip;
//! - `DIR/<version>/.openai-codex-verified`: the sha256 of the wheel it came from,
//!   written last, so its presence means "complete and verified";
//! - `DIR/downloads/`: the wheel while it is being checked (removed afterwards);
//! - `DIR/.install.lock`: serialises concurrent installs into the same folder.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};

/// Name of the marker file that records a complete, verified install.
const VERIFIED_MARKER: &str = ".openai-codex-verified";

/// The pinned runtime: which package, which exact version, and the checksum of
/// every platform's wheel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimePin<'a> {
    /// The PyPI package that ships the binary (`openai-codex-cli-bin`).
    pub package: &'a str,
    /// The exact version, e.g. `0.163.0`.
    pub version: &'a str,
    /// One entry per supported platform.
    pub wheels: &'a [WheelPin<'a>],
}

/// One platform's wheel of the pinned runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WheelPin<'a> {
    /// `<os>-<arch>` as Rust spells them, with `-musl` for musl libc
    /// (see [`current_platform`]).
    pub platform: &'a str,
    /// The pip platform tag that selects this wheel, e.g. `manylinux_2_17_x86_64`.
    pub tag: &'a str,
    /// The wheel's file name on PyPI.
    pub filename: &'a str,
    /// The wheel's sha256, lowercase hex.
    pub sha256: &'a str,
}

impl<'a> RuntimePin<'a> {
    /// The wheel pinned for `platform`, or an error naming the platforms that are pinned.
    pub fn wheel_for(&self, platform: &str) -> Result<&WheelPin<'a>, InstallError> {
        self.wheels
            .iter()
            .find(|wheel| wheel.platform == platform)
            .ok_or_else(|| InstallError::UnsupportedPlatform {
                platform: platform.to_owned(),
                version: self.version.to_owned(),
                pinned: self
                    .wheels
                    .iter()
                    .map(|wheel| wheel.platform)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The platform this program runs on, in the form [`WheelPin::platform`] uses:
/// `linux-x86_64`, `linux-musl-aarch64`, `macos-aarch64`, `windows-x86_64`, ...
pub fn current_platform() -> String {
    let os = std::env::consts::OS;
    let arch = std::env::consts::ARCH;
    if cfg!(target_env = "musl") {
        format!("{os}-musl-{arch}")
    } else {
        format!("{os}-{arch}")
    }
}

/// What can go wrong while installing the runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The pin has no wheel for this platform; we do not guess one.
    #[error(
        "no Codex runtime {version} wheel is pinned for platform `{platform}` \
         (pinned: {pinned}); set CODEX_BIN to a codex binary you installed yourself"
    )]
    UnsupportedPlatform {
        /// The platform that was asked for.
        platform: String,
        /// The pinned runtime version.
        version: String,
        /// The platforms that have a pinned wheel, comma-separated.
        pinned: String,
    },
    /// Python or pip could not be run.
    #[error(
        "installing the Codex runtime needs Python 3 with pip, but `{python} -m pip` \
         failed: {detail}. Install them (Debian/Ubuntu: `apt-get install python3 python3-pip`; \
         macOS: `brew install python`) or set CODEX_BIN to an existing codex binary"
    )]
    PipMissing {
        /// The Python interpreter that was tried.
        python: String,
        /// Why it failed.
        detail: String,
    },
    /// pip ran but failed.
    #[error("pip could not {action} ({status}): {stderr}")]
    Pip {
        /// What pip was asked to do.
        action: String,
        /// pip's exit status.
        status: String,
        /// The end of pip's error output.
        stderr: String,
    },
    /// The wheel's checksum is not the pinned one. The file has been removed.
    #[error(
        "refusing {path}: its sha256 is {actual}, but the pin says {expected}; \
         the file was removed"
    )]
    ChecksumMismatch {
        /// The rejected file.
        path: PathBuf,
        /// The pinned sha256.
        expected: String,
        /// The sha256 of the file.
        actual: String,
    },
    /// The wheel unpacked, but the binary is not where it should be.
    #[error("the runtime wheel was unpacked but {path} does not exist")]
    BinaryMissing {
        /// Where the binary was expected.
        path: PathBuf,
    },
    /// A file operation failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// The outcome of [`Installer::install`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// Path of the `codex` binary.
    pub codex: PathBuf,
    /// `true` when this call downloaded and unpacked it, `false` when a
    /// verified install was already there.
    pub freshly_installed: bool,
}

/// Installs one pinned runtime into a folder.
#[derive(Debug, Clone)]
pub struct Installer<'a> {
    pin: &'a RuntimePin<'a>,
    dir: PathBuf,
    python: OsString,
    platform: String,
}

impl<'a> Installer<'a> {
    /// An installer of `pin` into `dir`, for the current platform, using `python3`.
    pub fn new(pin: &'a RuntimePin<'a>, dir: impl Into<PathBuf>) -> Self {
        let python = if cfg!(windows) { "python" } else { "python3" };
        Self {
            pin,
            dir: dir.into(),
            python: python.into(),
            platform: current_platform(),
        }
    }

    /// Uses another Python interpreter to run pip.
    pub fn python(mut self, python: impl Into<OsString>) -> Self {
        self.python = python.into();
        self
    }

    /// Installs the wheel of another platform (mostly for tests).
    pub fn platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = platform.into();
        self
    }

    /// Where the `codex` binary is (or will be) once installed.
    pub fn codex_path(&self) -> PathBuf {
        let exe = if self.platform.starts_with("windows") {
            "codex.exe"
        } else {
            "codex"
        };
        self.version_dir().join("codex_cli_bin").join("bin").join(exe)
    }

    /// Returns the binary if a complete, verified install of the pinned wheel
    /// is already there.
    pub fn installed(&self) -> Option<PathBuf> {
        let wheel = self.pin.wheel_for(&self.platform).ok()?;
        let marker = fs::read_to_string(self.version_dir().join(VERIFIED_MARKER)).ok()?;
        let codex = self.codex_path();
        (marker.trim() == wheel.sha256 && codex.is_file()).then_some(codex)
    }

    /// Installs the runtime unless a verified install is already there.
    ///
    /// Downloads the wheel with pip (unless it is already in `DIR/downloads`),
    /// checks its sha256 against the pin (removing it on a mismatch), unpacks it
    /// with pip, and marks the install as verified. Concurrent calls on the same
    /// folder wait for each other.
    pub fn install(&self) -> Result<Installed, InstallError> {
        let wheel = self.pin.wheel_for(&self.platform)?;
        create_dir(&self.dir)?;
        let _lock = lock(&self.dir.join(".install.lock"))?;
        if let Some(codex) = self.installed() {
            return Ok(Installed {
                codex,
                freshly_installed: false,
            });
        }
        let wheel_path = self.dir.join("downloads").join(wheel.filename);
        if !wheel_path.is_file() {
            self.download(wheel)?;
        }
        verify_sha256(&wheel_path, wheel.sha256)?;
        self.unpack(&wheel_path, wheel)?;
        remove_file(&wheel_path)?;
        let codex = self.codex_path();
        if !codex.is_file() {
            return Err(InstallError::BinaryMissing { path: codex });
        }
        Ok(Installed {
            codex,
            freshly_installed: true,
        })
    }

    fn version_dir(&self) -> PathBuf {
        self.dir.join(self.pin.version)
    }

    fn download(&self, wheel: &WheelPin<'_>) -> Result<(), InstallError> {
        self.check_pip()?;
        let downloads = self.dir.join("downloads");
        create_dir(&downloads)?;
        let requirement = format!("{}=={}", self.pin.package, self.pin.version);
        let output = self.pip(&[
            "download".as_ref(),
            "--no-deps".as_ref(),
            "--only-binary=:all:".as_ref(),
            "--platform".as_ref(),
            wheel.tag.as_ref(),
            "--dest".as_ref(),
            downloads.as_os_str(),
            requirement.as_ref(),
        ])?;
        expect_success(output, &format!("download {requirement} ({})", wheel.tag))?;
        if !downloads.join(wheel.filename).is_file() {
            return Err(InstallError::Pip {
                action: format!("download {}", wheel.filename),
                status: "exit status 0".into(),
                stderr: "pip succeeded but the pinned file name was not downloaded".into(),
            });
        }
        Ok(())
    }

    /// Unpacks into a staging folder, then renames it into place, so a crash
    /// never leaves a half-unpacked runtime that looks complete.
    fn unpack(&self, wheel_path: &Path, wheel: &WheelPin<'_>) -> Result<(), InstallError> {
        self.check_pip()?;
        let staging = self.dir.join(format!("{}.partial", self.pin.version));
        remove_dir_if_exists(&staging)?;
        let output = self.pip(&[
            "install".as_ref(),
            "--no-deps".as_ref(),
            "--no-index".as_ref(),
            "--no-compile".as_ref(),
            "--only-binary=:all:".as_ref(),
            "--platform".as_ref(),
            wheel.tag.as_ref(),
            "--target".as_ref(),
            staging.as_os_str(),
            wheel_path.as_os_str(),
        ])?;
        expect_success(output, &format!("unpack {}", wheel.filename))?;
        let marker = staging.join(VERIFIED_MARKER);
        fs::write(&marker, format!("{}\n", wheel.sha256)).map_err(io_error("writing", &marker))?;
        let target = self.version_dir();
        remove_dir_if_exists(&target)?;
        fs::rename(&staging, &target).map_err(io_error("moving the runtime into", &target))
    }

    fn check_pip(&self) -> Result<(), InstallError> {
        let missing = |detail: String| InstallError::PipMissing {
            python: self.python.to_string_lossy().into_owned(),
            detail,
        };
        let output = Command::new(&self.python)
            .args(["-m", "pip", "--version"])
            .output()
            .map_err(|err| missing(err.to_string()))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(missing(tail(&output.stderr)))
        }
    }

    fn pip(&self, args: &[&std::ffi::OsStr]) -> Result<Output, InstallError> {
        Command::new(&self.python)
            .args(["-m", "pip", "--disable-pip-version-check", "--quiet"])
            .args(args)
            .output()
            .map_err(|err| InstallError::PipMissing {
                python: self.python.to_string_lossy().into_owned(),
                detail: err.to_string(),
            })
    }
}

/// Checks that the file at `path` has the sha256 `expected`; on a mismatch the
/// file is removed, so a bad download is never used or kept.
pub fn verify_sha256(path: &Path, expected: &str) -> Result<(), InstallError> {
    let actual = sha256_file(path)?;
    if actual.eq_ignore_ascii_case(expected) {
        return Ok(());
    }
    remove_file(path)?;
    Err(InstallError::ChecksumMismatch {
        path: path.to_owned(),
        expected: expected.to_owned(),
        actual,
    })
}

/// The sha256 of a file, lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, InstallError> {
    let mut file = File::open(path).map_err(io_error("opening", path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer).map_err(io_error("reading", path))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    Ok(hex)
}

fn expect_success(output: Output, action: &str) -> Result<(), InstallError> {
    if output.status.success() {
        return Ok(());
    }
    Err(InstallError::Pip {
        action: action.to_owned(),
        status: output.status.to_string(),
        stderr: tail(&output.stderr),
    })
}

/// The last few lines of a process's output: enough to see why pip failed.
fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(12)..].join("\n")
}

fn lock(path: &Path) -> Result<File, InstallError> {
    let file = File::create(path).map_err(io_error("creating the lock file", path))?;
    file.lock().map_err(io_error("locking", path))?;
    Ok(file)
}

fn create_dir(path: &Path) -> Result<(), InstallError> {
    fs::create_dir_all(path).map_err(io_error("creating", path))
}

fn remove_file(path: &Path) -> Result<(), InstallError> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(io_error("removing", path)(err)),
        _ => Ok(()),
    }
}

fn remove_dir_if_exists(path: &Path) -> Result<(), InstallError> {
    match fs::remove_dir_all(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(io_error("removing", path)(err)),
        _ => Ok(()),
    }
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> InstallError {
    let path = path.to_owned();
    move |source| InstallError::Io {
        action,
        path,
        source,
    }
}
