//! With no binary anywhere, the error lists every place the client looked
//! and the one call that installs the runtime. (Its own test binary: it
//! changes the process environment.)

use openai_codex::{Client, Error};

#[tokio::test]
async fn a_missing_runtime_error_says_where_it_looked() {
    let empty = tempfile::tempdir().unwrap();
    let missing = empty.path().join("no-codex-here");
    // This test binary has only this one test, so no other thread reads the
    // environment while it changes.
    std::env::set_var("CODEX_BIN", &missing);
    std::env::set_var("OPENAI_CODEX_RUNTIME_DIR", empty.path());
    std::env::set_var("PATH", empty.path());

    let error = Client::builder().spawn().await.unwrap_err();

    let Error::RuntimeNotFound { looked } = &error else { panic!("{error:?}") };
    assert_eq!(looked.len(), 3, "{looked:?}");
    assert!(looked[0].contains("CODEX_BIN") && looked[0].contains("no-codex-here"), "{looked:?}");
    assert!(looked[1].contains(openai_codex::runtime::VERSION), "{looked:?}");
    assert!(looked[1].contains(&empty.path().display().to_string()), "{looked:?}");
    assert!(looked[2].contains("PATH"), "{looked:?}");
    assert!(error.to_string().contains("openai_codex::runtime::install()"), "{error}");
}
