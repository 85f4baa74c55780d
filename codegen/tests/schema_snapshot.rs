//! `cargo codegen schema update`, run with the installed pinned runtime,
//! reproduces the checked-in snapshot byte for byte.

use std::process::Command;

use openai_codex_codegen::files::walk;
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
    let relative = |files: &[std::path::PathBuf], root: &std::path::Path| {
        files.iter().map(|f| f.strip_prefix(root).unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(
        relative(&printed, out.path()),
        relative(&committed, &workspace.snapshot_dir()),
        "the same files"
    );
    assert!(
        committed.iter().any(|f| f.starts_with(workspace.snapshot_dir().join("experimental"))),
        "the experimental bundles are kept (experimental_fields = true)"
    );
    for (new, old) in printed.iter().zip(&committed) {
        assert!(
            std::fs::read(new).unwrap() == std::fs::read(old).unwrap(),
            "{} differs from the runtime's output; run `cargo codegen schema update`",
            old.display()
        );
    }
}

#[test]
fn runtime_toml_is_in_canonical_form() {
    let workspace = Workspace::this();
    let text = std::fs::read_to_string(workspace.pin_path()).unwrap();
    let pin = Pin::load(&workspace.pin_path()).unwrap();
    assert_eq!(pin.render(), text, "schema/runtime.toml is what `schema update` would write");
}
