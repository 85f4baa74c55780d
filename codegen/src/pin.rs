//! The runtime pin, `schema/runtime.toml`: which Codex runtime the SDK is
//! generated from, and the checksums that make installing it safe.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The parsed `schema/runtime.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// PyPI package that ships the runtime binary.
    pub package: String,
    /// Exact runtime version.
    pub version: String,
    /// Whether the method catalog includes the experimental methods.
    pub experimental_methods: bool,
    /// Whether the wire types include the experimental fields and types.
    pub experimental_fields: bool,
    /// One pinned wheel per platform (none when PyPI lacks the version).
    #[serde(default)]
    pub wheels: Vec<Wheel>,
    /// The npm package whose per-platform builds ship the runtime.
    #[serde(default = "default_npm_package")]
    pub npm_package: String,
    /// One pinned npm build per platform (none when npm lacks the version).
    #[serde(default)]
    pub tarballs: Vec<Tarball>,
}

fn default_npm_package() -> String {
    "@openai/codex".to_owned()
}

/// One pinned npm build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tarball {
    /// The platforms it runs on, `<os>-<arch>` as for wheels.
    pub platforms: Vec<String>,
    /// The npm version of the build (`0.169.0-linux-x64`).
    pub npm_version: String,
    /// The Rust target triple it was built for.
    pub target: String,
    /// Its npm `integrity` (`sha512-<base64>`).
    pub integrity: String,
}

/// One platform's pinned wheel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wheel {
    /// `<os>-<arch>` (see `install::current_platform`).
    pub platform: String,
    /// pip platform tag.
    pub tag: String,
    /// File name on PyPI.
    pub filename: String,
    /// sha256 of the file, lowercase hex.
    pub sha256: String,
}

impl Pin {
    /// Reads and checks `runtime.toml`.
    pub fn load(path: &Path) -> Result<Self> {
        let text =
            fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let pin: Pin =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        pin.validate()
            .with_context(|| format!("checking {}", path.display()))?;
        Ok(pin)
    }

    /// Writes the pin in its canonical, commented form.
    pub fn save(&self, path: &Path) -> Result<()> {
        fs::write(path, self.render()).with_context(|| format!("writing {}", path.display()))
    }

    fn validate(&self) -> Result<()> {
        if self.wheels.is_empty() && self.tarballs.is_empty() {
            bail!("neither a wheel nor an npm build is pinned");
        }
        for tarball in &self.tarballs {
            if !tarball.integrity.starts_with("sha512-") {
                bail!("the integrity of {} is not a sha512 integrity", tarball.npm_version);
            }
            if !tarball.npm_version.starts_with(&format!("{}-", self.version)) {
                bail!("{} does not belong to version {}", tarball.npm_version, self.version);
            }
        }
        for wheel in &self.wheels {
            let is_hex = wheel.sha256.len() == 64
                && wheel.sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !is_hex {
                bail!("the sha256 of {} is not 64 lowercase hex digits", wheel.filename);
            }
            if !wheel.filename.contains(&self.version) {
                bail!("{} does not belong to version {}", wheel.filename, self.version);
            }
        }
        Ok(())
    }

    /// The canonical text of `runtime.toml`, with the comments that explain it.
    pub fn render(&self) -> String {
        let mut out = String::from(HEADER);
        let _ = writeln!(out, "package = {}", quote(&self.package));
        let _ = writeln!(out, "# Exact runtime version (`codex --version` prints `codex-cli <version>`).");
        let _ = writeln!(out, "version = {}", quote(&self.version));
        out.push_str(EXPERIMENTAL_COMMENT);
        let _ = writeln!(out, "experimental_methods = {}", self.experimental_methods);
        let _ = writeln!(out, "experimental_fields = {}", self.experimental_fields);
        out.push_str(NPM_COMMENT);
        let _ = writeln!(out, "npm_package = {}", quote(&self.npm_package));
        out.push_str(WHEELS_COMMENT);
        for wheel in &self.wheels {
            let _ = writeln!(out, "\n[[wheels]]");
            let _ = writeln!(out, "platform = {}", quote(&wheel.platform));
            let _ = writeln!(out, "tag = {}", quote(&wheel.tag));
            let _ = writeln!(out, "filename = {}", quote(&wheel.filename));
            let _ = writeln!(out, "sha256 = {}", quote(&wheel.sha256));
        }
        out.push_str(TARBALLS_COMMENT);
        for tarball in &self.tarballs {
            let platforms: Vec<String> = tarball.platforms.iter().map(|platform| quote(platform)).collect();
            let _ = writeln!(out, "\n[[tarballs]]");
            let _ = writeln!(out, "platforms = [{}]", platforms.join(", "));
            let _ = writeln!(out, "npm_version = {}", quote(&tarball.npm_version));
            let _ = writeln!(out, "target = {}", quote(&tarball.target));
            let _ = writeln!(out, "integrity = {}", quote(&tarball.integrity));
        }
        out
    }
}

fn quote(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

const HEADER: &str = "\
# The Codex runtime this SDK is generated from and tested against.
#
# Written by `cargo codegen schema update --version X`; review a change here like
# any dependency bump. The SDK's crate version is `version`.

# The PyPI package that ships the `codex` binary.
";

const EXPERIMENTAL_COMMENT: &str = "\
# The protocol surface the SDK is generated from (`--experimental` output).
# experimental_methods: whether the method catalog (typed calls, notifications,
#   server requests) includes experimental methods; when false they stay
#   reachable through `Client::request_raw`.
# experimental_fields: whether the wire types come from the experimental
#   bundles (a superset of the stable ones). The runtime sends experimental
#   fields to every client, so without them decoding would drop data.
";

const NPM_COMMENT: &str = "
# The npm package whose per-platform builds (`<package>@<version>-<platform>`)
# ship the binary; used for the platforms that have no wheel pinned (npm
# publishes a version before PyPI does).
";

const TARBALLS_COMMENT: &str = "
# One npm build per platform, pinned by npm version and `integrity` (as npm
# lists them). `target` is the triple of its binary,
# `package/vendor/<target>/bin/codex`.
";

const WHEELS_COMMENT: &str = "
# One wheel per platform, pinned by file name and sha256 (as PyPI lists them).
# `platform` is `<os>-<arch>` as Rust spells them (std::env::consts), with
# `-musl` for musl libc; `tag` is the pip platform tag used to download it.
";
