//! The `codex app-server` child process: spawning it, draining its stderr into
//! `tracing` (keeping the last lines for error reports), and shutting it down
//! without leaving a zombie or an orphan.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::BufReader;
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::watch;

use crate::error::{redact_text, Error, Result};
use crate::line_reader::{read_line, Line};

/// How many stderr lines are kept for error reports.
const STDERR_TAIL_LINES: usize = 40;
/// The most of one stderr line that is kept (and logged); the rest is dropped.
const STDERR_LINE_CAP: usize = 8 * 1024;
/// The tracing target of the runtime's own log lines.
pub(crate) const STDERR_TARGET: &str = "openai_codex::app_server";

/// How to start the app-server.
#[derive(Debug, Clone, Default)]
pub(crate) struct SpawnOptions {
    pub binary: PathBuf,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, Option<OsString>)>,
    pub cwd: Option<PathBuf>,
    /// The runtime's `RUST_LOG`; `None` keeps the caller's out of it.
    pub runtime_log: Option<String>,
}

/// The last lines the process wrote to stderr, cleaned (no ANSI codes) and
/// redacted, and whether the drain has reached the end of the pipe.
#[derive(Debug, Clone)]
pub(crate) struct StderrTail {
    lines: Arc<Mutex<VecDeque<String>>>,
    drained: watch::Receiver<bool>,
}

impl StderrTail {
    fn new() -> (Self, watch::Sender<bool>) {
        let (done, drained) = watch::channel(false);
        (Self { lines: Arc::default(), drained }, done)
    }

    fn push(&self, line: String) {
        let mut lines = self.lines.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if lines.len() == STDERR_TAIL_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    /// A copy of the kept lines, oldest first.
    pub fn lines(&self) -> Vec<String> {
        let lines = self.lines.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        lines.iter().cloned().collect()
    }

    /// Waits (at most `wait`) until the drain has read everything the
    /// process wrote, so a report made after its exit has its last words.
    pub async fn settled(&self, wait: Duration) {
        let mut drained = self.drained.clone();
        let _ = tokio::time::timeout(wait, drained.wait_for(|done| *done)).await;
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
        // The caller's RUST_LOG is for the caller's program: passed on, it
        // makes the runtime log thousands of lines into the pipe.
        match &options.runtime_log {
            Some(filter) => command.env("RUST_LOG", filter),
            None => command.env_remove("RUST_LOG"),
        };
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
        let (stderr, drained) = StderrTail::new();
        match child.stderr.take() {
            Some(pipe) => {
                tokio::spawn(drain_stderr(pipe, stderr.clone(), drained));
            }
            None => {
                let _ = drained.send(true);
            }
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

/// Reads the runtime's stderr until it closes: every line goes to
/// `tracing` (target [`STDERR_TARGET`], trace level) and to the tail. Reads
/// bytes, so nothing the runtime writes can stop the drain while it runs:
/// a closed pipe would make its next write fail (or kill it with SIGPIPE).
async fn drain_stderr(pipe: tokio::process::ChildStderr, tail: StderrTail, drained: watch::Sender<bool>) {
    let mut reader = BufReader::new(pipe);
    let mut line = Line::default();
    loop {
        match read_line(&mut reader, &mut line, STDERR_LINE_CAP).await {
            Ok(true) => {
                let text = clean_stderr_line(&line);
                tracing::trace!(target: STDERR_TARGET, "{text}");
                tail.push(text);
            }
            Ok(false) => break,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                tracing::debug!(%error, "reading the app-server's stderr failed");
                break;
            }
        }
    }
    let _ = drained.send(true);
}

/// One stderr line as it is logged and kept: text (invalid UTF-8 replaced),
/// without terminal escape codes, secrets masked, and marked if it was cut.
fn clean_stderr_line(line: &Line) -> String {
    let text = String::from_utf8_lossy(&line.bytes);
    let text = strip_ansi(&text);
    let mut text = redact_text(&text).into_owned();
    if line.is_cut() {
        text.push_str(&format!(" [… {} more bytes cut]", line.dropped));
    }
    text
}

/// Removes terminal escape sequences (colours, cursor moves, titles) and
/// other control characters but tabs.
fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                // CSI: parameters and intermediates, then one final byte.
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\u{40}'..='\u{7e}').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC: up to BEL or ESC \.
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                // A two-character sequence.
                _ => {}
            },
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How long `codex --version` may take before the binary is judged not to
/// be a Codex runtime.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `codex --version` and returns the version it prints
/// (`codex-cli 0.163.0` → `0.163.0`).
pub(crate) async fn probe_version(binary: &Path) -> Result<String> {
    let run = Command::new(binary)
        .arg("--version")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = match tokio::time::timeout(PROBE_TIMEOUT, run).await {
        Ok(output) => output.map_err(|source| Error::Spawn {
            binary: binary.to_owned(),
            source,
        })?,
        Err(_) => {
            return Err(Error::NotCodexRuntime {
                binary: binary.to_owned(),
                reason: format!("did not finish within {} s", PROBE_TIMEOUT.as_secs()),
            })
        }
    };
    crate::runtime::version_from_output(binary, &output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_codes_and_controls_are_stripped() {
        let colored = "\u{1b}[2m2026-01-01\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m codex: started\u{7}";
        assert_eq!(strip_ansi(colored), "2026-01-01  INFO codex: started");
        assert_eq!(strip_ansi("\u{1b}]0;title\u{7}after"), "after");
        assert_eq!(strip_ansi("\u{1b}]8;;http://x\u{1b}\\link"), "link");
        assert_eq!(strip_ansi("tab\tkept"), "tab\tkept");
    }

    #[test]
    fn stderr_lines_are_cleaned_redacted_and_marked_when_cut() {
        let line = Line { bytes: b"\x1b[31merror\x1b[0m api_key=sk-abcdefgh \xff".to_vec(), dropped: 12 };
        assert_eq!(clean_stderr_line(&line), "error api_key=<redacted> \u{fffd} [… 12 more bytes cut]");
    }
}
