//! The drift check: `sdk/` must be exactly what the generator makes. This is
//! the test that makes the README's test command fail on a stale or
//! hand-edited `sdk/`.

use std::fs;
use std::path::Path;

use openai_codex_codegen::files::walk;
use openai_codex_codegen::generate::generate;
use openai_codex_codegen::{check_sdk, Workspace};

#[test]
fn committed_sdk_is_what_the_generator_makes() {
    if let Some(report) = check_sdk(&Workspace::this()).unwrap() {
        panic!("sdk/ is stale or was edited by hand; run `cargo codegen generate`:\n{report}");
    }
}

#[test]
fn every_stable_field_of_a_wrapped_method_is_reviewed() {
    let unreviewed = generate(&Workspace::this()).unwrap().unreviewed_fields;
    assert!(
        unreviewed.is_empty(),
        "expose or hide these in templates/api.toml: {unreviewed:?}"
    );
}

#[test]
fn generation_is_deterministic() {
    let workspace = Workspace::this();
    assert_eq!(generate(&workspace).unwrap(), generate(&workspace).unwrap());
}

/// A copy of the inputs and of `sdk/` in a temporary folder, to tamper with.
fn scratch_copy() -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    let root = Workspace::this();
    for folder in ["schema", "templates", "sdk"] {
        copy_tree(&root.root().join(folder), &scratch.path().join(folder));
    }
    scratch
}

fn copy_tree(from: &Path, to: &Path) {
    for file in walk(from).unwrap() {
        let target = to.join(file.strip_prefix(from).unwrap());
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&file, target).unwrap();
    }
}

#[test]
fn drift_check_passes_on_a_clean_copy() {
    let scratch = scratch_copy();
    assert_eq!(check_sdk(&Workspace::at(scratch.path())).unwrap(), None);
}

#[test]
fn a_one_character_edit_of_any_generated_file_is_drift() {
    let scratch = scratch_copy();
    let workspace = Workspace::at(scratch.path());
    for file in walk(&workspace.sdk_dir()).unwrap() {
        let original = fs::read_to_string(&file).unwrap();
        // Change one character near the end (past the header).
        let mut edited = original.clone().into_bytes();
        let at = edited.len() - 2;
        edited[at] = if edited[at] == b'x' { b'y' } else { b'x' };
        fs::write(&file, &edited).unwrap();
        let report = check_sdk(&workspace).unwrap();
        let shown = file.strip_prefix(scratch.path()).unwrap().display().to_string();
        let report = report.unwrap_or_else(|| panic!("an edit of {shown} went unnoticed"));
        assert!(report.contains(&shown), "the report names {shown}:\n{report}");
        fs::write(&file, original).unwrap();
    }
}

#[test]
fn an_extra_file_in_sdk_is_drift() {
    let scratch = scratch_copy();
    let workspace = Workspace::at(scratch.path());
    fs::write(workspace.sdk_dir().join("src/handwritten.rs"), "pub fn sneaky() {}\n").unwrap();
    let report = check_sdk(&workspace).unwrap().expect("an extra file is drift");
    assert!(report.contains("extra: sdk/src/handwritten.rs"), "{report}");
}

#[test]
fn a_missing_file_is_drift() {
    let scratch = scratch_copy();
    let workspace = Workspace::at(scratch.path());
    fs::remove_file(workspace.sdk_dir().join("src/methods.rs")).unwrap();
    let report = check_sdk(&workspace).unwrap().expect("a missing file is drift");
    assert!(report.contains("missing: sdk/src/methods.rs"), "{report}");
}
