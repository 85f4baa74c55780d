//! Runtime discovery through the environment: with no binary anywhere, the
//! error lists every place the client looked and the one call that installs
//! the runtime; a `CODEX_BIN` that names no file is an error of its own, not
//! a silent fall back to `codex` on `PATH`. (Its own test binary: it changes
//! the process environment.)

use std::os::unix::fs::PermissionsExt;

use openai_codex::{Client, Error};

#[tokio::test]
async fn runtime_discovery_through_the_environment() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("no-codex-here");
    // A `codex` on PATH that would be found if CODEX_BIN fell back to PATH.
    let on_path = tempfile::tempdir().unwrap();
    let decoy = on_path.path().join("codex");
    std::fs::write(&decoy, "#!/bin/sh\necho codex-cli 0.0.1\n").unwrap();
    std::fs::set_permissions(&decoy, std::fs::Permissions::from_mode(0o755)).unwrap();
    // This test binary has only this one test, so no other thread reads the
    // environment while it changes.
    std::env::set_var("OPENAI_CODEX_RUNTIME_DIR", empty.path());

    // A CODEX_BIN naming no file: an error naming it, even with a codex on PATH.
    std::env::set_var("CODEX_BIN", &missing);
    std::env::set_var("PATH", on_path.path());
    let error = Client::builder().spawn().await.unwrap_err();
    let Error::RuntimeNotFound { looked } = &error else { panic!("{error:?}") };
    assert_eq!(looked.len(), 1, "nothing else was tried: {looked:?}");
    assert!(looked[0].contains("CODEX_BIN") && looked[0].contains("no-codex-here"), "{looked:?}");
    assert!(looked[0].contains("unset CODEX_BIN"), "says how to search elsewhere: {looked:?}");

    // An empty CODEX_BIN counts as unset: the search goes on (to the decoy on PATH).
    std::env::set_var("CODEX_BIN", "");
    let error = Client::builder().spawn().await.unwrap_err();
    assert!(matches!(error, Error::VersionMismatch { ref found, .. } if found == "0.0.1"), "{error:?}");

    // CODEX_BIN pointing at something that is not codex.
    std::env::set_var("CODEX_BIN", "/bin/true");
    let error = Client::builder().spawn().await.unwrap_err();
    let Error::NotCodexRuntime { binary, reason } = &error else { panic!("{error:?}") };
    assert_eq!(binary.to_str(), Some("/bin/true"));
    assert!(!reason.is_empty(), "{error}");

    // Nothing anywhere: every place is listed.
    std::env::remove_var("CODEX_BIN");
    std::env::set_var("PATH", empty.path());
    let error = Client::builder().spawn().await.unwrap_err();
    let Error::RuntimeNotFound { looked } = &error else { panic!("{error:?}") };
    assert_eq!(looked.len(), 3, "{looked:?}");
    assert!(looked[0].contains("CODEX_BIN") && looked[0].contains("not set"), "{looked:?}");
    assert!(looked[1].contains(openai_codex::runtime::VERSION), "{looked:?}");
    assert!(looked[1].contains(&empty.path().display().to_string()), "{looked:?}");
    assert!(looked[2].contains("PATH"), "{looked:?}");
    assert!(error.to_string().contains("openai_codex::runtime::install()"), "{error}");
}
