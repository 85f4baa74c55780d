//! Errors read well where Rust prints them, and runtime discovery says what
//! went wrong: `Debug` of `Error` (what `fn main() -> openai_codex::Result<()>`
//! prints) is the message and its causes, the variants stay matchable, and a
//! binary that is not a Codex runtime is named as such with what its
//! `--version` printed.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use openai_codex::{Client, Error};

/// A script standing in for a binary; `body` is its shell code.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn debug_shows_the_message_not_the_struct() {
    let error = Client::builder().codex_bin("/nonexistent/codex").spawn().await.unwrap_err();
    let debug = format!("{error:?}");
    assert_eq!(debug, error.to_string(), "no causes to add");
    assert!(debug.starts_with("no Codex runtime found; looked in: /nonexistent/codex"), "{debug}");
    assert!(!debug.contains("RuntimeNotFound {"), "{debug}");
    // Still matchable.
    assert!(matches!(error, Error::RuntimeNotFound { ref looked } if looked.len() == 1));
}

#[test]
fn debug_lists_causes_the_message_does_not_already_show() {
    // A cause already in the message is not repeated.
    let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied");
    let error = Error::Spawn { binary: "/opt/codex".into(), source: io };
    assert_eq!(format!("{error:?}"), "could not run /opt/codex: permission denied");

    // A cause the message does not show is listed under "Caused by:".
    let error = Error::Io(std::io::Error::other(Outer));
    assert_eq!(
        format!("{error:?}"),
        "I/O error talking to the Codex app-server: the pipe broke\n\nCaused by:\n    the root cause"
    );
    assert!(matches!(error, Error::Io(_)), "still matchable");
}

/// An error whose cause its message does not show.
#[derive(Debug)]
struct Outer;

impl std::fmt::Display for Outer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the pipe broke")
    }
}

impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&Root)
    }
}

#[derive(Debug)]
struct Root;

impl std::fmt::Display for Root {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the root cause")
    }
}

impl std::error::Error for Root {}

#[tokio::test]
async fn a_binary_that_is_not_codex_says_so_and_what_it_printed() {
    let dir = tempfile::tempdir().unwrap();
    // GNU `true --version` ends with "Written by Jim Meyering.": the old
    // parser took "Meyering." for a codex version.
    let coreutils = script(
        dir.path(),
        "true-like",
        "echo 'true (GNU coreutils) 9.4'; echo 'Written by Jim Meyering.'",
    );
    let error = Client::builder().codex_bin(&coreutils).spawn().await.unwrap_err();
    let Error::NotCodexRuntime { binary, reason } = &error else { panic!("{error:?}") };
    assert_eq!(binary, &coreutils);
    assert!(reason.contains("true (GNU coreutils) 9.4"), "{reason}");
    let message = error.to_string();
    assert!(message.contains("is not a Codex runtime"), "{message}");
    assert!(message.contains("codex-cli <version>"), "{message}");
    assert!(!message.contains("codex Meyering"), "{message}");

    // Prints nothing and succeeds, like /bin/true.
    let silent = script(dir.path(), "silent", "exit 0");
    let error = Client::builder().codex_bin(&silent).spawn().await.unwrap_err();
    assert!(matches!(error, Error::NotCodexRuntime { ref reason, .. } if reason.contains("printed nothing")), "{error:?}");

    // `--version` fails.
    let failing = script(dir.path(), "failing", "echo 'unknown option --version' >&2; exit 2");
    let error = Client::builder().codex_bin(&failing).spawn().await.unwrap_err();
    let Error::NotCodexRuntime { reason, .. } = &error else { panic!("{error:?}") };
    assert!(reason.contains("failed") && reason.contains("unknown option --version"), "{reason}");

    // /bin/true itself, where it exists.
    if Path::new("/bin/true").is_file() {
        let error = Client::builder().codex_bin("/bin/true").spawn().await.unwrap_err();
        assert!(matches!(error, Error::NotCodexRuntime { .. }), "{error:?}");
    }

    // A real codex of another version is still a version mismatch.
    let other = script(dir.path(), "codex", "echo codex-cli 0.0.1");
    let error = Client::builder().codex_bin(&other).spawn().await.unwrap_err();
    assert!(matches!(error, Error::VersionMismatch { ref found, .. } if found == "0.0.1"), "{error:?}");
}
