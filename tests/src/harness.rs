//! Everything an end-to-end SDK test needs: a mock model, a temporary
//! `CODEX_HOME` pointing at it, a temporary working folder, and a
//! [`ClientBuilder`] for the real pinned runtime configured with them.

use std::path::Path;

use openai_codex::{Client, ClientBuilder};
use tempfile::TempDir;

use crate::codex_home::{runtime_bin, CodexHome, CodexHomeBuilder, SCRUBBED_ENV};
use crate::mock_model::MockModel;

/// A mock model, a `CODEX_HOME` for it and a working folder; all removed on drop.
#[derive(Debug)]
pub struct Harness {
    /// The scripted model.
    pub mock: MockModel,
    /// The runtime's home, configured for the mock.
    pub home: CodexHome,
    /// A fresh working folder for threads.
    pub cwd: TempDir,
}

impl Harness {
    /// A harness with the default `config.toml`.
    pub async fn start() -> Self {
        Self::start_with(|home| home).await
    }

    /// A harness whose `config.toml` is adjusted by `configure`.
    pub async fn start_with(configure: impl FnOnce(CodexHomeBuilder) -> CodexHomeBuilder) -> Self {
        let mock = MockModel::start().await.expect("the mock model starts");
        let home = configure(CodexHome::builder(&mock.url()))
            .build()
            .expect("the temporary CODEX_HOME is written");
        let cwd = tempfile::Builder::new()
            .prefix("codex-cwd-")
            .tempdir()
            .expect("a temporary working folder");
        Self { mock, home, cwd }
    }

    /// The working folder.
    pub fn cwd(&self) -> &Path {
        self.cwd.path()
    }

    /// A client builder for the pinned runtime with this harness's home,
    /// credentials scrubbed from the environment, and the working folder as cwd.
    pub fn client_builder(&self) -> ClientBuilder {
        let mut builder = openai_codex::Client::builder()
            .codex_bin(runtime_bin())
            .env("CODEX_HOME", self.home.path())
            .cwd(self.cwd.path());
        for name in SCRUBBED_ENV {
            builder = builder.env_remove(*name);
        }
        builder
    }
}

/// Closes the client and checks that its app-server process is gone (not
/// even a zombie is left).
///
/// # Panics
/// If the process is still there after `close`.
pub async fn close_and_check(client: Client) {
    let pid = client.process_id();
    client.close().await;
    if let Some(pid) = pid {
        assert!(!process_exists(pid), "the app-server {pid} is still there after close");
    }
}

/// Whether a process with this pid still exists (zombies included).
pub fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The pids of the current process's children (Linux), to check that a test
/// left none behind.
pub fn child_pids() -> Vec<u32> {
    let me = std::process::id();
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| parent_of(*pid) == Some(me))
        .collect()
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid ...`; comm may hold spaces, so split after `)`.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(1)?.parse().ok()
}
