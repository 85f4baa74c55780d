//! The `codex app-server` child process: spawning it, draining its stderr into
//! `tracing` (keeping the last lines for error reports), and shutting it down
//! without leaving a zombie or an orphan.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::error::{Error, Result};

/// How many stderr lines are kept for error reports.
const STDERR_TAIL_LINES: usize = 40;

/// How to start the app-server.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpawnOptions {
    pub binary: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, Option<OsString>)>,
    pub cwd: Option<PathBuf>,
}

/// The last lines the process wrote to stderr.
#[derive(Debug, Clone, Default)]
pub(crate) struct StderrTail(Arc<Mutex<VecDeque<String>>>);

impl StderrTail {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if lines.len() == STDERR_TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// A copy of the kept lines, oldest first.
    pub fn lines(&self) -> Vec<String> {
        let lines = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        lines.iter().cloned().collect()
    }
}

/// A running app-server. Dropping it kills the process (tokio reaps it).
#[derive(Debug)]
pub(crate) struct AppServerProcess {
    child: tokio::sync::Mutex<Child>,
    pub stderr: StderrTail,
    pub pid: Option<u32>,
}

/// The pipes of a freshly spawned process.
pub(crate) struct Pipes {
    pub stdin: ChildStdin,
    pub stdout: ChildStdout,
}

impl AppServerProcess {
    /// Spawns `codex app-server` and starts draining its stderr.
    pub fn spawn(options: &SpawnOptions) -> Result<(Self, Pipes)> {
        let mut command = Command::new(&options.binary);
        command
            .arg("app-server")
            .args(&options.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in &options.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(cwd) = &options.cwd {
            command.current_dir(cwd);
        }
        let mut child = command.spawn().map_err(|source| Error::Spawn {
            binary: options.binary.clone(),
            source,
        })?;
        let pid = child.id();
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = StderrTail::default();
        if let Some(pipe) = child.stderr.take() {
            tokio::spawn(drain_stderr(pipe, stderr.clone()));
        }
        tracing::debug!(binary = %options.binary.display(), ?pid, "started codex app-server");
        let process = Self {
            child: tokio::sync::Mutex::new(child),
            stderr,
            pid,
        };
        Ok((process, Pipes { stdin, stdout }))
    }

    /// How the process ended, waiting at most `grace` for it; `None` if it is
    /// still running.
    pub async fn exit_status(&self, grace: Duration) -> Option<String> {
        let mut child = self.child.lock().await;
        match tokio::time::timeout(grace, child.wait()).await {
            Ok(Ok(status)) => Some(status.to_string()),
            Ok(Err(error)) => Some(format!("unknown status: {error}")),
            Err(_) => None,
        }
    }

    /// Waits up to `grace` for the process to exit by itself (its stdin should
    /// be closed first), then kills it; always reaps it.
    pub async fn shutdown(&self, grace: Duration) {
        let mut child = self.child.lock().await;
        if tokio::time::timeout(grace, child.wait()).await.is_err() {
            tracing::debug!(pid = ?self.pid, "app-server did not exit in time; killing it");
            let _ = child.kill().await;
        }
    }

    /// Kills the process now and reaps it.
    pub async fn kill(&self) {
        let mut child = self.child.lock().await;
        let _ = child.kill().await;
    }
}

async fn drain_stderr(pipe: tokio::process::ChildStderr, tail: StderrTail) {
    let mut lines = BufReader::new(pipe).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(target: "openai_codex::app_server", "{line}");
        tail.push(line);
    }
}

/// Runs `codex --version` and returns the version it prints
/// (`codex-cli 0.163.0` → `0.163.0`).
pub(crate) async fn probe_version(binary: &Path) -> Result<String> {
    let output = Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|source| Error::Spawn {
            binary: binary.to_owned(),
            source,
        })?;
    crate::runtime::version_from_output(binary, &output)
}
