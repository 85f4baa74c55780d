//! Runtime bumps, against a second real snapshot printed by
//! openai-codex-cli-bin 0.160.1 (tests/fixtures/runtime-0.160.1: its
//! `schema/` as `cargo codegen schema update --version 0.160.1` wrote it,
//! each JSON file gzipped, and the two template tables as reviewed for that
//! version).
//!
//! - a crate generated from the older snapshot compiles;
//! - (the diff between the two real snapshots is tested in `protocol_diff.rs`);
//! - a stale override fails generation, naming the entry and the field.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::copy_tree;
use openai_codex_codegen::files::walk;
use openai_codex_codegen::{generate_sdk, Workspace};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runtime-0.160.1")
}

/// A workspace in a temporary folder: the current templates with the
/// fixture's reviewed tables on top, and the fixture's schema.
fn old_workspace() -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    let root = Workspace::this();
    copy_tree(&root.templates_dir(), &scratch.path().join("templates"));
    copy_tree(&fixture().join("templates"), &scratch.path().join("templates"));
    copy_tree(&fixture().join("schema"), &scratch.path().join("schema"));
    scratch
}

/// Adds an optional `futureField` to every params and response type of the
/// snapshot files under `dir` (every `definitions` map, at any depth): what
/// a runtime bump with only additive changes looks like.
fn add_future_optional_fields(dir: &Path) -> usize {
    fn visit(value: &mut serde_json::Value, added: &mut usize) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(definitions)) = map.get_mut("definitions") {
                    for (name, definition) in definitions.iter_mut() {
                        let built_by_clients = name.ends_with("Params") || name.ends_with("Response");
                        if let Some(serde_json::Value::Object(properties)) = definition.get_mut("properties") {
                            if built_by_clients && !properties.contains_key("futureField") {
                                properties.insert("futureField".into(), serde_json::json!({"type": ["string", "null"]}));
                                *added += 1;
                            }
                        }
                    }
                }
                map.values_mut().for_each(|child| visit(child, added));
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|child| visit(child, added)),
            _ => {}
        }
    }
    let mut added = 0;
    for file in walk(dir).unwrap().into_iter().filter(|file| file.extension().is_some_and(|ext| ext == "json")) {
        let mut value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        visit(&mut value, &mut added);
        std::fs::write(&file, serde_json::to_string(&value).unwrap()).unwrap();
    }
    added
}

/// The older snapshot, with an optional field added to every params and
/// response type on top, generates a crate that compiles: the SDK's own
/// code survives both an older protocol and additive changes (it builds no
/// wire type with a struct literal).
#[test]
fn a_crate_generated_from_the_older_snapshot_builds() {
    let scratch = old_workspace();
    let added = add_future_optional_fields(&scratch.path().join("schema/snapshot"));
    assert!(added > 100, "an optional field was added to {added} types");
    let workspace = Workspace::at(scratch.path());
    generate_sdk(&workspace).expect("the older snapshot generates");
    let manifest = std::fs::read_to_string(workspace.sdk_dir().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.160.1\""), "the crate version is the runtime's");

    // A minimal workspace around it, with this repository's lock file so the
    // build reuses the dependencies already compiled for the test run.
    let root = Workspace::this();
    let workspace_manifest = std::fs::read_to_string(root.root().join("Cargo.toml")).unwrap();
    let workspace_manifest = workspace_manifest.replace(
        "members = [\"codegen\", \"sdk\", \"tests\"]\ndefault-members = [\"codegen\", \"sdk\", \"tests\"]",
        "members = [\"sdk\"]",
    );
    std::fs::write(scratch.path().join("Cargo.toml"), workspace_manifest).unwrap();
    std::fs::copy(root.root().join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet", "--package", "openai-codex"])
        .current_dir(scratch.path())
        .env("CARGO_TARGET_DIR", root.root().join("target/older-runtime"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the crate generated from 0.160.1 does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_stale_override_fails_generation_naming_the_entry_and_the_field() {
    let scratch = tempfile::tempdir().unwrap();
    let root = Workspace::this();
    for folder in ["schema", "templates"] {
        copy_tree(&root.root().join(folder), &scratch.path().join(folder));
    }
    let table_path = scratch.path().join("templates/api.toml");
    let table = std::fs::read_to_string(&table_path).unwrap();
    // As if the schema had dropped `searchTerm` from thread/list's params.
    let stale = table.replace("searchTerm = { name = \"search\" }", "searchTerm = { name = \"search\" }\nsearchScope = {}");
    assert_ne!(table, stale);
    std::fs::write(&table_path, stale).unwrap();

    let error = generate_sdk(&Workspace::at(scratch.path())).unwrap_err().to_string();
    assert!(error.contains("[methods.\"thread/list\"]"), "{error}");
    assert!(error.contains("`searchScope`"), "{error}");
}
