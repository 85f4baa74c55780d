//! Helpers for end-to-end scenarios of the friendly API ([`Codex`],
//! [`Thread`](openai_codex::Thread), turns) against the real runtime and the
//! mock model: starting a [`Codex`] on a [`Harness`], bounding waits, shell
//! commands that write marker files, a folder outside every default writable
//! root, and an approval handler that counts what it is asked.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use openai_codex::handler::{HandlerFuture, ServerRequestHandler};
use openai_codex::types::{
    CommandExecutionApprovalDecision, CommandExecutionRequestApprovalParams,
    CommandExecutionRequestApprovalResponse, CommandExecutionStatus, ThreadItem,
};
use openai_codex::Codex;
use serde_json::json;
use tempfile::TempDir;

use crate::harness::Harness;
use crate::mock_model::{Answer, MockModel};

/// The longest a scenario waits for one turn (a turn takes well under a
/// second here; this only bounds a hang).
pub const TURN_TIMEOUT: Duration = Duration::from_secs(60);

/// A [`Codex`] on the real pinned runtime, configured by `harness`, with the
/// default (declining) approval handler.
///
/// # Panics
/// If the runtime does not start.
pub async fn codex(harness: &Harness) -> Codex {
    let client = harness.client_builder().spawn().await.expect("the runtime starts");
    Codex::from_client(client)
}

/// A [`Codex`] like [`codex`], whose server requests `handler` answers.
///
/// # Panics
/// If the runtime does not start.
pub async fn codex_with(harness: &Harness, handler: impl ServerRequestHandler) -> Codex {
    let client = harness
        .client_builder()
        .handler(handler)
        .spawn()
        .await
        .expect("the runtime starts");
    Codex::from_client(client)
}

/// Awaits `future`, failing the test (naming `what`) after [`TURN_TIMEOUT`].
///
/// # Panics
/// On timeout.
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(TURN_TIMEOUT, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {TURN_TIMEOUT:?}"))
}

/// A shell command that writes `written` into `path` (single-quoted: the
/// test paths hold no quotes).
pub fn write_command(path: &Path) -> String {
    assert!(!path.to_string_lossy().contains('\''), "{} holds a quote", path.display());
    // The short sleep first: on 0.163.0 a command that ends at once is
    // sometimes not reported as an item (only its output reaches the model);
    // one that runs a moment always is, and the tests look at the items too.
    format!("sleep 0.3; printf written > '{}'", path.display())
}

/// The mock's answer: call `exec_command` to write `path`.
pub fn write_file(call_id: &str, path: &Path) -> Answer {
    Answer::exec_command(call_id, &write_command(path))
}

/// The mock's answer: call `exec_command` to write `path`, asking to run
/// outside the sandbox (`sandbox_permissions: "require_escalated"`).
pub fn escalated_write(call_id: &str, path: &Path) -> Answer {
    Answer::function_call(
        call_id,
        "exec_command",
        json!({
            "cmd": write_command(path),
            "sandbox_permissions": "require_escalated",
            "justification": "the test needs this file written",
        }),
    )
}

/// Checks that the runtime offered the model the `exec_command` tool in its
/// first request (the scenarios rely on it), and returns the tool names.
///
/// # Panics
/// If the mock got no request or the tool is not offered.
pub fn assert_exec_command_offered(mock: &MockModel) -> Vec<String> {
    let requests = mock.requests();
    let first = requests.first().expect("the runtime called the model");
    let tools = first.tool_names();
    assert!(
        tools.iter().any(|name| name == "exec_command"),
        "the runtime does not offer `exec_command` to the model; it offers {tools:?}"
    );
    tools
}

/// The command executions among `items`: (command, status, exit code).
pub fn command_executions(items: &[ThreadItem]) -> Vec<(String, CommandExecutionStatus, Option<i32>)> {
    items
        .iter()
        .filter_map(|item| match item {
            ThreadItem::CommandExecution { command, status, exit_code, .. } => {
                Some((command.clone(), status.clone(), *exit_code))
            }
            _ => None,
        })
        .collect()
}

/// The statuses of the command executions among `items`.
pub fn command_statuses(items: &[ThreadItem]) -> Vec<CommandExecutionStatus> {
    command_executions(items).into_iter().map(|(_, status, _)| status).collect()
}

/// What the model was told about its call `call_id` (the call's output
/// text); empty if the runtime sent none.
///
/// The runtime does not always report a command as an item (seen on 0.163.0
/// for a command that fails at once in a reused exec session), but it always
/// tells the model, so tests check this alongside the disk.
pub fn call_output(mock: &crate::mock_model::MockModel, call_id: &str) -> String {
    mock.requests()
        .iter()
        .find_map(|request| request.function_call_output(call_id).cloned())
        .and_then(|output| output["output"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Whether a shell call's output says the command exited with code 0.
pub fn call_succeeded(output: &str) -> bool {
    output.contains("exited with code 0")
}

/// Whether a command execution status means the command did not get its way.
pub fn is_refused(status: &CommandExecutionStatus) -> bool {
    matches!(status, CommandExecutionStatus::Failed | CommandExecutionStatus::Declined)
}

/// A fresh folder outside every writable root the runtime grants by default
/// (the working folder, `/tmp`, `$TMPDIR`): under `$HOME` if it can be
/// created there, else under `/var/tmp`. Removed on drop, even when the test
/// fails.
#[derive(Debug)]
pub struct OutsideDir {
    dir: TempDir,
}

impl OutsideDir {
    /// Creates the folder.
    ///
    /// # Panics
    /// If no such folder can be made on this machine (the scenario cannot be
    /// tested then, which must fail rather than pass).
    pub fn new() -> Self {
        let candidates = std::env::var_os("HOME")
            .map(PathBuf::from)
            .into_iter()
            .chain([PathBuf::from("/var/tmp")]);
        let mut tried = Vec::new();
        for base in candidates {
            if is_default_writable_root(&base) {
                tried.push(format!("{} (under /tmp or $TMPDIR)", base.display()));
                continue;
            }
            match tempfile::Builder::new().prefix("codex-sdk-outside-").tempdir_in(&base) {
                Ok(dir) => return Self { dir },
                Err(error) => tried.push(format!("{}: {error}", base.display())),
            }
        }
        panic!(
            "no folder outside the runtime's default writable roots could be created; tried {tried:?}"
        );
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Default for OutsideDir {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `path` lies under `/tmp` or `$TMPDIR` (after resolving links).
fn is_default_writable_root(path: &Path) -> bool {
    let resolved = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let mut roots = vec![PathBuf::from("/tmp")];
    if let Some(tmpdir) = std::env::var_os("TMPDIR").filter(|dir| !dir.is_empty()) {
        roots.push(PathBuf::from(tmpdir));
    }
    roots.push(std::env::temp_dir());
    roots.iter().any(|root| {
        let root = root.canonicalize().unwrap_or_else(|_| root.clone());
        resolved.starts_with(root)
    })
}

/// Approves (or declines) every command approval request and counts them.
#[derive(Debug, Clone)]
pub struct CountingApprover {
    approve: bool,
    seen: Arc<AtomicUsize>,
}

impl CountingApprover {
    /// A handler that approves every command (`approve`) or declines it.
    pub fn new(approve: bool) -> Self {
        Self { approve, seen: Arc::new(AtomicUsize::new(0)) }
    }

    /// How many command approval requests it has seen (shared by clones).
    pub fn seen(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

impl ServerRequestHandler for CountingApprover {
    fn item_command_execution_request_approval(
        &self,
        params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        Box::pin(async move {
            assert!(!params.thread_id.is_empty() && !params.turn_id.is_empty());
            self.seen.fetch_add(1, Ordering::SeqCst);
            let decision = if self.approve {
                CommandExecutionApprovalDecision::Accept
            } else {
                CommandExecutionApprovalDecision::Decline
            };
            Ok(CommandExecutionRequestApprovalResponse { decision })
        })
    }
}

/// Runs `git` in `dir` (with a fixed identity, no signing); returns its
/// trimmed stdout.
///
/// # Panics
/// If git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(["-c", "user.email=test@example.com", "-c", "user.name=Test", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Makes `dir` a git repository on branch `feature`, one commit ("Add a
/// second line") ahead of `main`, with an uncommitted change to
/// `lines.txt`. Returns (main's sha, the feature commit's sha).
///
/// # Panics
/// If git fails.
pub fn git_repository(dir: &Path) -> (String, String) {
    git(dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("lines.txt"), "one\n").expect("write lines.txt");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "first"]);
    let main = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["checkout", "-qb", "feature"]);
    std::fs::write(dir.join("lines.txt"), "one\ntwo\n").expect("write lines.txt");
    git(dir, &["commit", "-qam", "Add a second line"]);
    let feature = git(dir, &["rev-parse", "HEAD"]);
    std::fs::write(dir.join("lines.txt"), "one\ntwo\nthree\n").expect("write lines.txt");
    (main, feature)
}
