//! Start-up costs one process: `spawn` reads the runtime's version from
//! `initialize`'s user agent instead of running `codex --version` first, and
//! asks the binary for `--version` only to explain a start that failed or
//! stalled. Each test wraps `fake-codex` in a script that records how it was
//! called, so the number of processes is checked, not assumed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use openai_codex::{Client, Error};

/// Far above what any step needs, so only a hang reaches it.
const HANG: Duration = Duration::from_secs(30);

/// A script that appends its arguments and pid to `calls.log`, then runs
/// `body` (in which `$@` are its arguments).
fn script(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("codex");
    let log = dir.join("calls.log");
    let text = format!("#!/bin/sh\necho \"$$ $*\" >> '{}'\n{body}\n", log.display());
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// `(pid, arguments)` of each call the script recorded.
fn calls(dir: &Path) -> Vec<(u32, String)> {
    let text = std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default();
    text.lines()
        .map(|line| {
            let (pid, args) = line.split_once(' ').unwrap_or((line, ""));
            (pid.parse().unwrap(), args.to_owned())
        })
        .collect()
}

/// Waits until the process is gone (or a zombie nobody needs), bounded.
async fn assert_gone(pid: u32) {
    let deadline = tokio::time::Instant::now() + HANG;
    loop {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok();
        let gone = state.as_deref().is_none_or(|stat| stat.rsplit(") ").next().is_some_and(|rest| rest.starts_with('Z')));
        if gone {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "process {pid} still runs");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn fake_codex() -> &'static str {
    env!("CARGO_BIN_EXE_fake-codex")
}

#[tokio::test]
async fn a_healthy_start_runs_only_the_app_server() {
    let dir = tempfile::tempdir().unwrap();
    let codex = script(dir.path(), &format!("exec '{}' \"$@\"", fake_codex()));
    let client = tokio::time::timeout(HANG, Client::builder().codex_bin(&codex).spawn()).await.unwrap().unwrap();
    assert_eq!(client.runtime_version(), Some(openai_codex::runtime::VERSION));
    let args: Vec<String> = calls(dir.path()).into_iter().map(|(_, args)| args).collect();
    assert_eq!(args, ["app-server"], "no separate `--version` process");
    client.close().await;
}

#[tokio::test]
async fn another_version_in_the_user_agent_is_refused_and_its_process_ended() {
    let dir = tempfile::tempdir().unwrap();
    let codex = script(dir.path(), &format!("export FAKE_CODEX_VERSION=0.0.2\nexec '{}' \"$@\"", fake_codex()));
    let error = tokio::time::timeout(HANG, Client::builder().codex_bin(&codex).spawn()).await.unwrap().unwrap_err();
    let Error::VersionMismatch { found, expected, binary } = &error else { panic!("{error:?}") };
    assert_eq!((found.as_str(), expected.as_str()), ("0.0.2", openai_codex::runtime::VERSION));
    assert_eq!(binary, &codex);
    let calls = calls(dir.path());
    assert_eq!(calls.len(), 1, "the version came from `initialize`: {calls:?}");
    assert_gone(calls[0].0).await;

    // Allowed: the client runs, and says which version it got.
    let client = Client::builder().codex_bin(&codex).allow_version_mismatch(true).spawn().await.unwrap();
    assert_eq!(client.runtime_version(), Some("0.0.2"));
    client.close().await;
}

#[tokio::test]
async fn a_program_that_ignores_its_input_is_named_not_a_runtime_without_waiting_for_the_request_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let codex = script(dir.path(), "case \"$1\" in --version) echo 'some other tool 1.0';; *) exec sleep 600;; esac");
    let builder = Client::builder().codex_bin(&codex).request_timeout(Duration::from_secs(600));
    let error = tokio::time::timeout(HANG, builder.spawn()).await.expect("refused well before the request timeout").unwrap_err();
    let Error::NotCodexRuntime { reason, .. } = &error else { panic!("{error:?}") };
    assert!(reason.contains("some other tool"), "{reason}");
    let calls = calls(dir.path());
    assert_eq!(calls.iter().map(|(_, args)| args.as_str()).collect::<Vec<_>>(), ["app-server", "--version"]);
    assert_gone(calls[0].0).await;
}
