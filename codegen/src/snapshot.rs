//! Reading and writing the schema snapshot in `schema/snapshot/`.
//!
//! The snapshot is the subset of `codex app-server generate-json-schema` output
//! that the generator needs, normalised (sorted keys, two-space indent, trailing
//! newline) so that printing it twice gives byte-identical files.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::workspace::Workspace;

/// The full bundle: top-level (v1 and server-request) definitions, with the v2
/// definitions nested under `definitions.v2`.
pub const FULL_BUNDLE: &str = "codex_app_server_protocol.schemas.json";
/// The v2 bundle: every v2 definition at `definitions.*`.
pub const V2_BUNDLE: &str = "codex_app_server_protocol.v2.schemas.json";
/// Client → server requests, one `oneOf` variant per method.
pub const CLIENT_REQUEST: &str = "ClientRequest.json";
/// Client → server notifications (`initialized`).
pub const CLIENT_NOTIFICATION: &str = "ClientNotification.json";
/// Server → client notifications, one `oneOf` variant per method.
pub const SERVER_NOTIFICATION: &str = "ServerNotification.json";
/// Server → client requests (approvals and friends).
pub const SERVER_REQUEST: &str = "ServerRequest.json";

/// The folder (inside the snapshot) that holds the bundles printed with
/// `--experimental`, when the pin asks for experimental fields.
pub const EXPERIMENTAL_DIR: &str = "experimental";

/// The experimental files the snapshot keeps (in [`EXPERIMENTAL_DIR`]): the
/// two bundles, which the wire types are generated from.
pub const EXPERIMENTAL_FILES: [&str; 2] = [FULL_BUNDLE, V2_BUNDLE];

/// Every file the snapshot keeps at its top level, in a fixed order.
pub const FILES: [&str; 6] = [
    FULL_BUNDLE,
    V2_BUNDLE,
    CLIENT_REQUEST,
    CLIENT_NOTIFICATION,
    SERVER_NOTIFICATION,
    SERVER_REQUEST,
];

/// The parsed snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// See [`FULL_BUNDLE`].
    pub full_bundle: Value,
    /// See [`V2_BUNDLE`].
    pub v2_bundle: Value,
    /// See [`CLIENT_REQUEST`].
    pub client_request: Value,
    /// See [`CLIENT_NOTIFICATION`].
    pub client_notification: Value,
    /// See [`SERVER_NOTIFICATION`].
    pub server_notification: Value,
    /// See [`SERVER_REQUEST`].
    pub server_request: Value,
    /// The experimental bundles ([`EXPERIMENTAL_FILES`]), if the snapshot has them.
    pub experimental: Option<ExperimentalBundles>,
}

/// The bundles printed with `--experimental`.
#[derive(Debug, Clone)]
pub struct ExperimentalBundles {
    /// See [`FULL_BUNDLE`].
    pub full_bundle: Value,
    /// See [`V2_BUNDLE`].
    pub v2_bundle: Value,
}

impl Snapshot {
    /// The bundles the wire types come from: the experimental ones if the
    /// snapshot has them, else the stable ones. Returns (full, v2).
    pub fn type_bundles(&self) -> (&Value, &Value) {
        match &self.experimental {
            Some(experimental) => (&experimental.full_bundle, &experimental.v2_bundle),
            None => (&self.full_bundle, &self.v2_bundle),
        }
    }
}

impl Snapshot {
    /// Reads the snapshot from `dir` (normally `schema/snapshot`).
    pub fn load(dir: &Path) -> Result<Self> {
        let read = |name: &str| -> Result<Value> { read_json(&dir.join(name)) };
        let experimental_dir = dir.join(EXPERIMENTAL_DIR);
        let experimental = if experimental_dir.is_dir() {
            Some(ExperimentalBundles {
                full_bundle: read_json(&experimental_dir.join(FULL_BUNDLE))?,
                v2_bundle: read_json(&experimental_dir.join(V2_BUNDLE))?,
            })
        } else {
            None
        };
        Ok(Self {
            full_bundle: read(FULL_BUNDLE)?,
            v2_bundle: read(V2_BUNDLE)?,
            client_request: read(CLIENT_REQUEST)?,
            client_notification: read(CLIENT_NOTIFICATION)?,
            server_notification: read(SERVER_NOTIFICATION)?,
            server_request: read(SERVER_REQUEST)?,
            experimental,
        })
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("reading schema file {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing schema file {}", path.display()))
}

/// Renders a JSON document in the snapshot's normal form: keys sorted
/// (serde_json's map is ordered), two-space indent, one trailing newline.
pub fn normalise(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a Value always serialises");
    text.push('\n');
    text
}

/// Copies the files the generator needs from a raw `generate-json-schema`
/// output folder into `out`, normalised. Returns the paths written.
pub fn write_normalised(raw_dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    write_files(raw_dir, out, &FILES)
}

/// Copies the experimental bundles from a raw `generate-json-schema
/// --experimental` output folder into `out/experimental`, normalised.
pub fn write_experimental(raw_dir: &Path, out: &Path) -> Result<Vec<PathBuf>> {
    write_files(raw_dir, &out.join(EXPERIMENTAL_DIR), &EXPERIMENTAL_FILES)
}

fn write_files(raw_dir: &Path, out: &Path, names: &[&str]) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut written = Vec::new();
    for &name in names {
        let src = raw_dir.join(name);
        let text = fs::read_to_string(&src).with_context(|| {
            format!("the runtime did not print {name} (looked in {})", raw_dir.display())
        })?;
        let value: Value = serde_json::from_str(&text)
            .with_context(|| format!("the runtime printed invalid JSON in {name}"))?;
        let dest = out.join(name);
        fs::write(&dest, normalise(&value))
            .with_context(|| format!("writing {}", dest.display()))?;
        written.push(dest);
    }
    Ok(written)
}

/// The schema snapshot as committed (git `HEAD`), extracted into a
/// temporary folder: the default "old" side of `cargo codegen diff`.
pub fn committed(workspace: &Workspace) -> Result<tempfile::TempDir> {
    let out = tempfile::tempdir().context("creating a temporary folder")?;
    let experimental = EXPERIMENTAL_FILES.map(|name| format!("{}/{name}", EXPERIMENTAL_DIR));
    let names = FILES.iter().map(|name| name.to_string()).chain(experimental);
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
            if index < FILES.len() {
                bail!("git has no committed schema/snapshot/{name}: {}", String::from_utf8_lossy(&output.stderr).trim());
            }
            continue;
        }
        let path = out.path().join(&name);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        fs::write(&path, output.stdout).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(out)
}
