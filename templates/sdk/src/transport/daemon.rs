//! The local app-server daemon (`codex app-server daemon ...`): whether it
//! runs, where its socket is, which version it is, and starting it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::process::Command;

use crate::error::{redact_text, Error, Result};

/// What `codex app-server daemon version` (or `start`) reports about the
/// local daemon of one `CODEX_HOME`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DaemonInfo {
    /// `running`, `started`, ...
    pub status: String,
    /// The daemon's control socket: it speaks the `unix://` transport.
    pub socket_path: PathBuf,
    /// The version of the app-server the daemon runs.
    #[serde(default)]
    pub app_server_version: Option<String>,
    /// The version of the `codex` CLI that answered.
    #[serde(default)]
    pub cli_version: Option<String>,
    /// How the daemon is managed (`pid`, ...).
    #[serde(default)]
    pub backend: Option<String>,
    /// The daemon's process id, when it was just started.
    #[serde(default)]
    pub pid: Option<u32>,
}

/// How to run the `codex` CLI for daemon commands.
pub(crate) struct DaemonCommand<'a> {
    pub binary: &'a Path,
    pub env: &'a [(OsString, Option<OsString>)],
    pub config_args: &'a [OsString],
    pub timeout: Duration,
}

impl DaemonCommand<'_> {
    async fn run(&self, action: &str) -> Result<std::process::Output> {
        let mut command = Command::new(self.binary);
        command
            .args(["app-server", "daemon"])
            .args(self.config_args)
            .arg(action)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("RUST_LOG")
            .kill_on_drop(true);
        for (key, value) in self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        let output = command.output();
        match tokio::time::timeout(self.timeout, output).await {
            Ok(output) => output.map_err(|source| Error::Spawn { binary: self.binary.to_owned(), source }),
            Err(_) => Err(daemon_error(format!("`codex app-server daemon {action}` did not finish within {:?}", self.timeout))),
        }
    }
}

/// The running daemon, or `None` when there is none (`daemon version`
/// fails to reach its socket).
pub(crate) async fn daemon_info(command: &DaemonCommand<'_>) -> Result<Option<DaemonInfo>> {
    let output = command.run("version").await?;
    if !output.status.success() {
        tracing::debug!(stderr = %first_lines(&output.stderr), "no app-server daemon is running");
        return Ok(None);
    }
    parse_report(&output.stdout, "version").map(Some)
}

/// Starts the daemon if it is not running, and reports it.
pub(crate) async fn start_daemon(command: &DaemonCommand<'_>) -> Result<DaemonInfo> {
    let output = command.run("start").await?;
    if !output.status.success() {
        return Err(daemon_error(format!(
            "`codex app-server daemon start` failed ({}): {}",
            output.status,
            first_lines(&output.stderr)
        )));
    }
    parse_report(&output.stdout, "start")
}

/// The last line of `stdout` that is a JSON report.
fn parse_report(stdout: &[u8], action: &str) -> Result<DaemonInfo> {
    let text = String::from_utf8_lossy(stdout);
    text.lines()
        .rev()
        .filter(|line| line.trim_start().starts_with('{'))
        .find_map(|line| serde_json::from_str::<DaemonInfo>(line).ok())
        .ok_or_else(|| {
            daemon_error(format!(
                "`codex app-server daemon {action}` printed no report with a socket path: {}",
                first_lines(stdout)
            ))
        })
}

fn daemon_error(reason: String) -> Error {
    Error::Connect { endpoint: "the local app-server daemon".to_owned(), reason }
}

/// A few lines of a command's output for an error: cleaned and redacted.
fn first_lines(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).take(4).collect();
    if lines.is_empty() {
        return "(no output)".to_owned();
    }
    redact_text(&lines.join(" / ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_report_of_0_169() {
        let stdout = br#"{"status":"running","backend":"pid","managedCodexPath":"/h/packages/app-server-daemon/current/bin/codex","managedCodexVersion":"0.169.0","socketPath":"/h/app-server-control/app-server-control.sock","cliVersion":"0.169.0","appServerVersion":"0.169.0"}
"#;
        let info = parse_report(stdout, "version").unwrap();
        assert_eq!(info.status, "running");
        assert_eq!(info.socket_path, PathBuf::from("/h/app-server-control/app-server-control.sock"));
        assert_eq!(info.app_server_version.as_deref(), Some("0.169.0"));
        assert_eq!(info.pid, None);
    }

    #[test]
    fn a_report_without_a_socket_is_an_error() {
        let error = parse_report(b"Installing...\n{\"status\":\"stopped\"}\n", "start").unwrap_err();
        assert!(error.to_string().contains("no report with a socket path"), "{error}");
    }
}
