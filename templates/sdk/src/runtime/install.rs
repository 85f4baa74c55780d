//! Installing the pinned Codex runtime from either registry that publishes
//! it: a PyPI wheel (pip downloads it, we check its sha256 against the pin,
//! pip unpacks it) or, for versions PyPI does not have, the npm build for
//! this platform (npm fetches it, we check its sha512 `integrity` against the
//! pin, `tar` unpacks it). The registries are reached only through their
//! own clients, which carry the user's registry and proxy settings.
//!
//! This file is shared: the generator compiles it into `cargo codegen runtime
//! install`, and copies it into the SDK as `openai_codex::runtime::install`, so
//! the toolchain and the library install the runtime the same way.
//!
//! Layout of an install folder `DIR`:
//! - `DIR/<version>/codex_cli_bin/bin/codex`: the runtime, unpacked by pip
//!   from a wheel; or `DIR/<version>/package/vendor/<target>/bin/codex`,
//!   unpacked from an npm build;
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

/// The pinned runtime: which packages, which exact version, and the checksum
/// of every platform's wheel (PyPI) and build (npm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimePin<'a> {
    /// The PyPI package that ships the binary (`openai-codex-cli-bin`).
    pub package: &'a str,
    /// The exact version, e.g. `0.163.0`.
    pub version: &'a str,
    /// One entry per platform PyPI has a wheel for (none when the version is
    /// not on PyPI).
    pub wheels: &'a [WheelPin<'a>],
    /// The npm package whose per-platform builds ship the binary (`@openai/codex`).
    pub npm_package: &'a str,
    /// One entry per platform build on npm (none when the version is not on npm).
    pub tarballs: &'a [TarballPin<'a>],
}

/// One platform build of the pinned runtime on npm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TarballPin<'a> {
    /// The platforms it runs on, as [`WheelPin::platform`] spells them (the
    /// Linux builds are static, so one serves glibc and musl).
    pub platforms: &'a [&'a str],
    /// The npm version of the build, e.g. `0.169.0-linux-x64`.
    pub npm_version: &'a str,
    /// The Rust target triple it was built for: its binary is
    /// `package/vendor/<target>/bin/codex`.
    pub target: &'a str,
    /// The npm `integrity` of its tarball: `sha512-<base64>`.
    pub integrity: &'a str,
}

/// Where the runtime for one platform comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'p, 'a> {
    /// A PyPI wheel.
    Wheel(&'p WheelPin<'a>),
    /// An npm build.
    Tarball(&'p TarballPin<'a>),
}

impl Source<'_, '_> {
    /// The checksum the downloaded file must have (also written into the
    /// verified-install marker).
    pub fn checksum(&self) -> &str {
        match self {
            Source::Wheel(wheel) => wheel.sha256,
            Source::Tarball(tarball) => tarball.integrity,
        }
    }
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
            .ok_or_else(|| self.unsupported(platform))
    }

    /// Where `platform`'s runtime comes from: its wheel if PyPI has one,
    /// else its npm build; or an error naming the platforms that are pinned.
    pub fn source_for(&self, platform: &str) -> Result<Source<'_, 'a>, InstallError> {
        if let Some(wheel) = self.wheels.iter().find(|wheel| wheel.platform == platform) {
            return Ok(Source::Wheel(wheel));
        }
        self.tarballs
            .iter()
            .find(|tarball| tarball.platforms.contains(&platform))
            .map(Source::Tarball)
            .ok_or_else(|| self.unsupported(platform))
    }

    fn unsupported(&self, platform: &str) -> InstallError {
        let mut pinned: Vec<&str> = self.wheels.iter().map(|wheel| wheel.platform).collect();
        pinned.extend(self.tarballs.iter().flat_map(|tarball| tarball.platforms.iter().copied()));
        pinned.sort_unstable();
        pinned.dedup();
        InstallError::UnsupportedPlatform {
            platform: platform.to_owned(),
            version: self.version.to_owned(),
            pinned: pinned.join(", "),
        }
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
    /// npm (or `tar`) could not be run, or failed.
    #[error(
        "{program} could not {action} ({status}): {stderr}. Installing a Codex runtime \
         that is only on npm needs Node.js's npm and `tar`, or set CODEX_BIN to an \
         existing codex binary"
    )]
    Tool {
        /// The program (`npm`, `tar`).
        program: String,
        /// What it was asked to do.
        action: String,
        /// Its exit status, or why it did not start.
        status: String,
        /// The end of its error output.
        stderr: String,
    },
    /// The downloaded file's checksum is not the pinned one. The file has
    /// been removed.
    #[error(
        "refusing {path}: its checksum is {actual}, but the pin says {expected}; \
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
    /// The download unpacked, but the binary is not where it should be.
    #[error("the runtime was unpacked but {path} does not exist")]
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
    npm: OsString,
    platform: String,
}

impl<'a> Installer<'a> {
    /// An installer of `pin` into `dir`, for the current platform, using `python3`.
    pub fn new(pin: &'a RuntimePin<'a>, dir: impl Into<PathBuf>) -> Self {
        let python = if cfg!(windows) { "python" } else { "python3" };
        let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
        Self {
            pin,
            dir: dir.into(),
            python: python.into(),
            npm: npm.into(),
            platform: current_platform(),
        }
    }

    /// Uses another `npm` program to fetch npm builds.
    pub fn npm(mut self, npm: impl Into<OsString>) -> Self {
        self.npm = npm.into();
        self
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
        match self.pin.source_for(&self.platform) {
            Ok(Source::Tarball(tarball)) => self
                .version_dir()
                .join("package")
                .join("vendor")
                .join(tarball.target)
                .join("bin")
                .join(exe),
            _ => self.version_dir().join("codex_cli_bin").join("bin").join(exe),
        }
    }

    /// Returns the binary if a complete, verified install of the pinned
    /// wheel or build is already there.
    pub fn installed(&self) -> Option<PathBuf> {
        let source = self.pin.source_for(&self.platform).ok()?;
        let marker = fs::read_to_string(self.version_dir().join(VERIFIED_MARKER)).ok()?;
        let codex = self.codex_path();
        (marker.trim() == source.checksum() && codex.is_file()).then_some(codex)
    }

    /// Installs the runtime unless a verified install is already there.
    ///
    /// Downloads the wheel with pip (unless it is already in `DIR/downloads`),
    /// checks its sha256 against the pin (removing it on a mismatch), unpacks it
    /// with pip, and marks the install as verified. Concurrent calls on the same
    /// folder wait for each other.
    pub fn install(&self) -> Result<Installed, InstallError> {
        let source = self.pin.source_for(&self.platform)?;
        create_dir(&self.dir)?;
        let _lock = lock(&self.dir.join(".install.lock"))?;
        if let Some(codex) = self.installed() {
            return Ok(Installed {
                codex,
                freshly_installed: false,
            });
        }
        match source {
            Source::Wheel(wheel) => {
                let wheel_path = self.dir.join("downloads").join(wheel.filename);
                if !wheel_path.is_file() {
                    self.download(wheel)?;
                }
                verify_sha256(&wheel_path, wheel.sha256)?;
                self.unpack(&wheel_path, wheel)?;
                remove_file(&wheel_path)?;
            }
            Source::Tarball(tarball) => {
                let tarball_path = self.download_tarball(tarball)?;
                verify_integrity(&tarball_path, tarball.integrity)?;
                self.unpack_tarball(&tarball_path, tarball)?;
                remove_file(&tarball_path)?;
            }
        }
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

    /// Fetches the npm build with `npm pack` (which uses the user's npm
    /// registry and proxy settings) into `DIR/downloads`.
    fn download_tarball(&self, tarball: &TarballPin<'_>) -> Result<PathBuf, InstallError> {
        let downloads = self.dir.join("downloads");
        create_dir(&downloads)?;
        let spec = format!("{}@{}", self.pin.npm_package, tarball.npm_version);
        let action = format!("fetch {spec}");
        let output = Command::new(&self.npm)
            .args(["pack", "--silent", "--pack-destination"])
            .arg(&downloads)
            .arg(&spec)
            .output()
            .map_err(|err| tool_error("npm", &action, err.to_string(), ""))?;
        if !output.status.success() {
            return Err(tool_error("npm", &action, output.status.to_string(), &tail(&output.stderr)));
        }
        let name = String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().trim().to_owned();
        let path = downloads.join(&name);
        if name.is_empty() || !path.is_file() {
            return Err(tool_error("npm", &action, "exit status 0".into(), "npm reported no downloaded file"));
        }
        Ok(path)
    }

    /// Unpacks into a staging folder, then renames it into place (see [`Self::unpack`]).
    fn unpack_tarball(&self, tarball_path: &Path, tarball: &TarballPin<'_>) -> Result<(), InstallError> {
        let staging = self.dir.join(format!("{}.partial", self.pin.version));
        remove_dir_if_exists(&staging)?;
        create_dir(&staging)?;
        let action = format!("unpack {}", tarball_path.display());
        let output = Command::new("tar")
            .arg("-xzf")
            .arg(tarball_path)
            .arg("-C")
            .arg(&staging)
            .output()
            .map_err(|err| tool_error("tar", &action, err.to_string(), ""))?;
        if !output.status.success() {
            return Err(tool_error("tar", &action, output.status.to_string(), &tail(&output.stderr)));
        }
        let marker = staging.join(VERIFIED_MARKER);
        fs::write(&marker, format!("{}\n", tarball.integrity)).map_err(io_error("writing", &marker))?;
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
    let matches = actual.eq_ignore_ascii_case(expected);
    accept_or_remove(path, matches, expected, actual)
}

/// Checks that the file at `path` has the npm `integrity` `expected`
/// (`sha512-<base64>`); on a mismatch the file is removed.
pub fn verify_integrity(path: &Path, expected: &str) -> Result<(), InstallError> {
    let actual = format!("sha512-{}", base64(&digest_file::<sha2::Sha512>(path)?));
    let matches = actual == expected;
    accept_or_remove(path, matches, expected, actual)
}

/// The end of a checksum check: a match passes; a mismatch removes the file
/// and says what was expected and found.
fn accept_or_remove(path: &Path, matches: bool, expected: &str, actual: String) -> Result<(), InstallError> {
    if matches {
        return Ok(());
    }
    remove_file(path)?;
    Err(InstallError::ChecksumMismatch {
        path: path.to_owned(),
        expected: expected.to_owned(),
        actual,
    })
}

/// Standard base64 with padding, as npm writes integrities.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, byte)| n | u32::from(*byte) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn tool_error(program: &str, action: &str, status: String, stderr: &str) -> InstallError {
    InstallError::Tool {
        program: program.to_owned(),
        action: action.to_owned(),
        status,
        stderr: stderr.to_owned(),
    }
}

/// The sha256 of a file, lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, InstallError> {
    let mut hex = String::with_capacity(64);
    for byte in digest_file::<Sha256>(path)? {
        let _ = write!(hex, "{byte:02x}");
    }
    Ok(hex)
}

/// A file's digest with hash `D`, read in 64 KiB pieces.
fn digest_file<D: Digest>(path: &Path) -> Result<Vec<u8>, InstallError> {
    let mut file = File::open(path).map_err(io_error("opening", path))?;
    let mut hasher = D::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer).map_err(io_error("reading", path))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher.finalize().to_vec())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn integrity_is_checked_and_a_mismatch_removes_the_file() {
        let dir = std::env::temp_dir().join(format!("codex-integrity-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("build.tgz");
        fs::write(&file, b"hello").unwrap();
        // `printf hello | openssl dgst -sha512 -binary | base64`
        let good = "sha512-m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==";
        verify_integrity(&file, good).unwrap();
        let error = verify_integrity(&file, "sha512-AAAA").unwrap_err();
        assert!(matches!(error, InstallError::ChecksumMismatch { .. }), "{error}");
        assert!(!file.exists(), "the rejected file is removed");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_platform_without_a_wheel_uses_its_npm_build() {
        let pin = RuntimePin {
            package: "openai-codex-cli-bin",
            version: "9.9.9",
            wheels: &[],
            npm_package: "@openai/codex",
            tarballs: &[TarballPin {
                platforms: &["linux-x86_64", "linux-musl-x86_64"],
                npm_version: "9.9.9-linux-x64",
                target: "x86_64-unknown-linux-musl",
                integrity: "sha512-x",
            }],
        };
        assert!(matches!(pin.source_for("linux-musl-x86_64"), Ok(Source::Tarball(_))));
        let installer = Installer::new(&pin, "/cache").platform("linux-x86_64");
        assert_eq!(installer.codex_path(), Path::new("/cache/9.9.9/package/vendor/x86_64-unknown-linux-musl/bin/codex"));
        let error = pin.source_for("macos-aarch64").unwrap_err().to_string();
        assert!(error.contains("linux-musl-x86_64, linux-x86_64"), "{error}");
    }
}
