//! `cargo codegen schema update`, run with the installed pinned runtime,
//! reproduces the checked-in snapshot byte for byte.

use std::process::Command;

use openai_codex_codegen::generate::walk;
use openai_codex_codegen::pin::Pin;
use openai_codex_codegen::{runtime, Workspace};

#[test]
fn schema_update_reproduces_the_checked_in_snapshot() {
    let workspace = Workspace::this();
    let pin = Pin::load(&workspace.pin_path()).unwrap();
    // Installs the pinned runtime if it is missing (idempotent).
    runtime::install_pinned(&pin, &workspace.runtime_dir()).expect("the pinned runtime installs");
    let out = tempfile::tempdir().unwrap();

    let status = Command::new(env!("CARGO_BIN_EXE_openai-codex-codegen"))
        .args(["schema", "update", "--out"])
        .arg(out.path())
        .status()
        .unwrap();
    assert!(status.success());

    let printed = walk(out.path()).unwrap();
    let committed = walk(&workspace.snapshot_dir()).unwrap();
    let names = |files: &[std::path::PathBuf]| {
        files.iter().map(|f| f.file_name().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(names(&printed), names(&committed), "the same files");
    for (new, old) in printed.iter().zip(&committed) {
        assert!(
            std::fs::read(new).unwrap() == std::fs::read(old).unwrap(),
            "{} differs from the runtime's output; run `cargo codegen schema update`",
            old.display()
        );
    }
}
