//! Reading and writing the schema snapshot in `schema/snapshot/`.
//!
//! The snapshot is the subset of `codex app-server generate-json-schema` output
//! that the generator needs, normalised (sorted keys, two-space indent, trailing
//! newline) so that printing it twice gives byte-identical files.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

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

/// Every file the snapshot keeps, in a fixed order.
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
}

impl Snapshot {
    /// Reads the snapshot from `dir` (normally `schema/snapshot`).
    pub fn load(dir: &Path) -> Result<Self> {
        let read = |name: &str| -> Result<Value> {
            let path = dir.join(name);
            let text = fs::read_to_string(&path)
                .with_context(|| format!("reading schema file {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("parsing schema file {}", path.display()))
        };
        Ok(Self {
            full_bundle: read(FULL_BUNDLE)?,
            v2_bundle: read(V2_BUNDLE)?,
            client_request: read(CLIENT_REQUEST)?,
            client_notification: read(CLIENT_NOTIFICATION)?,
            server_notification: read(SERVER_NOTIFICATION)?,
            server_request: read(SERVER_REQUEST)?,
        })
    }
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
    fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut written = Vec::new();
    for name in FILES {
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
