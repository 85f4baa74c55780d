//! A real `codex app-server` that listens for clients instead of speaking
//! over stdio: on a loopback WebSocket port (`--listen ws://127.0.0.1:0`,
//! optionally with `--ws-auth`) or on a Unix socket (`--listen unix://PATH`).
//! Killed (and reaped) on drop. And [`StopDaemon`], which cleans up after
//! `codex app-server daemon start`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::codex_home::CodexHome;

/// How long the app-server may take to start listening.
pub const LISTEN_TIMEOUT: Duration = Duration::from_secs(60);

/// How a WebSocket app-server checks its clients.
#[derive(Debug, Clone)]
pub enum WsAuth {
    /// No `--ws-auth`.
    None,
    /// `--ws-auth capability-token --ws-token-file F`, F holding this token
    /// (and a newline, as `echo` writes it).
    Token(String),
    /// `--ws-auth signed-bearer-token --ws-shared-secret-file F --ws-issuer
    /// I --ws-audience A --ws-max-clock-skew-seconds 0`.
    Jwt {
        /// The shared secret (written to F with a newline).
        secret: String,
        /// `--ws-issuer`.
        issuer: String,
        /// `--ws-audience`.
        audience: String,
    },
}

/// A listening app-server.
#[derive(Debug)]
pub struct ListeningServer {
    child: Child,
    url: String,
    /// Token, secret and socket files.
    files: TempDir,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl ListeningServer {
    /// An app-server on `ws://127.0.0.1:<free port>` with `home` as its
    /// `CODEX_HOME` and `cwd` as its working folder.
    ///
    /// # Panics
    /// If it does not start listening within [`LISTEN_TIMEOUT`].
    pub async fn ws(home: &CodexHome, cwd: &Path, auth: WsAuth) -> Self {
        let files = files_dir();
        let mut args: Vec<String> = vec!["--listen".into(), "ws://127.0.0.1:0".into()];
        match &auth {
            WsAuth::None => {}
            WsAuth::Token(token) => {
                let file = files.path().join("token");
                std::fs::write(&file, format!("{token}\n")).expect("the token file is written");
                args.extend(["--ws-auth".into(), "capability-token".into(), "--ws-token-file".into(), path_arg(&file)]);
            }
            WsAuth::Jwt { secret, issuer, audience } => {
                let file = files.path().join("secret");
                std::fs::write(&file, format!("{secret}\n")).expect("the secret file is written");
                args.extend([
                    "--ws-auth".into(),
                    "signed-bearer-token".into(),
                    "--ws-shared-secret-file".into(),
                    path_arg(&file),
                    "--ws-issuer".into(),
                    issuer.clone(),
                    "--ws-audience".into(),
                    audience.clone(),
                    "--ws-max-clock-skew-seconds".into(),
                    "0".into(),
                ]);
            }
        }
        let (child, stderr, mut listening) = spawn(home, cwd, &args);
        let url = tokio::time::timeout(LISTEN_TIMEOUT, listening.recv())
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("the app-server did not listen; its stderr: {:?}", stderr.lock().unwrap()));
        Self { child, url, files, stderr }
    }

    /// An app-server on a Unix socket in a fresh folder.
    ///
    /// # Panics
    /// If the socket does not accept connections within [`LISTEN_TIMEOUT`].
    pub async fn unix(home: &CodexHome, cwd: &Path) -> Self {
        let files = files_dir();
        let socket = files.path().join("app-server.sock");
        let url = format!("unix://{}", socket.display());
        let (child, stderr, _listening) = spawn(home, cwd, &["--listen".to_owned(), url.clone()]);
        let ready = tokio::time::timeout(LISTEN_TIMEOUT, async {
            while tokio::net::UnixStream::connect(&socket).await.is_err() {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await;
        assert!(ready.is_ok(), "the app-server did not listen on {url}; its stderr: {:?}", stderr.lock().unwrap());
        Self { child, url, files, stderr }
    }

    /// `ws://127.0.0.1:PORT` or `unix://PATH`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket of a Unix-socket app-server.
    pub fn socket_path(&self) -> PathBuf {
        self.files.path().join("app-server.sock")
    }

    /// The process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// What it wrote to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Kills it at once (SIGKILL) and reaps it: a crash, as its clients see it.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

fn files_dir() -> TempDir {
    // Short paths: a Unix socket path must fit in 108 bytes.
    tempfile::Builder::new().prefix("cx-").tempdir_in("/tmp").expect("a temporary folder")
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("temporary paths are UTF-8").to_owned()
}

type Spawned = (Child, Arc<Mutex<Vec<String>>>, tokio::sync::mpsc::Receiver<String>);

/// Starts `codex app-server ARGS`, collecting stderr and sending the URL of
/// its `listening on:` line.
fn spawn(home: &CodexHome, cwd: &Path, args: &[String]) -> Spawned {
    let mut command = home.app_server_command();
    command.args(args).current_dir(cwd).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("codex app-server starts");
    let pipe = child.stderr.take().expect("stderr is piped");
    let stderr = Arc::new(Mutex::new(Vec::new()));
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    let lines = Arc::clone(&stderr);
    tokio::spawn(async move {
        let mut reader = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            if let Some(url) = line.split("listening on:").nth(1) {
                let _ = sender.try_send(url.trim().to_owned());
            }
            let mut lines = lines.lock().unwrap();
            if lines.len() < 200 {
                lines.push(line);
            }
        }
    });
    (child, stderr, receiver)
}

/// On drop, stops the daemon of a `CODEX_HOME` (`daemon stop`), ends the
/// helper processes it leaves, and removes its socket file.
#[derive(Debug)]
pub struct StopDaemon(pub std::path::PathBuf);

impl Drop for StopDaemon {
    fn drop(&mut self) {
        // The socket is a link to a file in /tmp/codex-daemon-<uid>/ that
        // the daemon leaves behind, with its lock file.
        let socket = std::fs::read_link(self.0.join("app-server-control/app-server-control.sock")).ok();
        let _ = std::process::Command::new(crate::codex_home::runtime_bin())
            .args(["app-server", "daemon", "stop"])
            .env("CODEX_HOME", &self.0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        // `daemon stop` leaves its `pid-update-loop` helper (and, if the stop
        // failed, the daemon) running: end what runs from this home's copy.
        for pid in processes_under(&self.0) {
            let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
        if let Some(socket) = socket {
            let _ = std::fs::remove_file(&socket);
            let mut lock = socket.into_os_string();
            lock.push(".lock");
            let _ = std::fs::remove_file(lock);
        }
    }
}

/// The processes whose executable lies under `dir` (the daemon's copy of
/// the runtime is in `$CODEX_HOME/packages`).
fn processes_under(dir: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|cmdline| String::from_utf8_lossy(&cmdline).contains(&*dir.to_string_lossy()))
                .unwrap_or(false)
        })
        .collect()
}
