//! Pre-pass tests: one fixture pair per rule, plus checks on the real
//! snapshot.
//!
//! Each rule `name` in `prepass::RULES` has `tests/fixtures/prepass/name.input.json`
//! and `name.expected.json`; the test runs that one rule on the input and
//! compares. A regression is a new fixture, not new test code. Run with
//! `BLESS=1` to rewrite the expected files from the current output (then
//! review the diff).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use openai_codex_codegen::prepass::{self, RULES};
use openai_codex_codegen::snapshot::Snapshot;
use serde_json::Value;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prepass")
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a Value serialises");
    text.push('\n');
    text
}

#[test]
fn each_rule_matches_its_fixture() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for (name, rule) in RULES {
        let mut actual = read_json(&fixtures_dir().join(format!("{name}.input.json")));
        rule(&mut actual);
        let expected_path = fixtures_dir().join(format!("{name}.expected.json"));
        if bless {
            fs::write(&expected_path, pretty(&actual)).expect("writing a blessed fixture");
            continue;
        }
        if read_json(&expected_path) != actual {
            failures.push(format!("{name}: got\n{}", pretty(&actual)));
        }
    }
    assert!(
        failures.is_empty(),
        "rules differ from their fixtures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_fixture_belongs_to_a_rule() {
    let rules: BTreeSet<&str> = RULES.iter().map(|(name, _)| *name).collect();
    for entry in fs::read_dir(fixtures_dir()).expect("the fixture folder exists") {
        let file = entry.expect("a readable folder entry").file_name();
        let file = file.to_string_lossy();
        let stem = file
            .strip_suffix(".input.json")
            .or_else(|| file.strip_suffix(".expected.json"))
            .unwrap_or_else(|| panic!("unexpected fixture file {file}"));
        assert!(rules.contains(stem), "fixture {file} names no rule");
    }
}

#[test]
fn rules_are_idempotent_on_their_fixtures() {
    for (name, rule) in RULES {
        let mut once = read_json(&fixtures_dir().join(format!("{name}.input.json")));
        rule(&mut once);
        let mut twice = once.clone();
        rule(&mut twice);
        assert_eq!(once, twice, "{name} changes its own output");
    }
}

fn snapshot() -> Snapshot {
    Snapshot::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/snapshot"))
        .expect("the pinned snapshot loads")
}

fn definitions(schema: &Value) -> &serde_json::Map<String, Value> {
    schema["definitions"].as_object().expect("definitions")
}

#[test]
fn wire_schema_holds_every_definition() {
    let snapshot = snapshot();
    let schema = prepass::wire_schema(&snapshot).expect("the wire schema builds");
    let names: BTreeSet<&String> = definitions(&schema).keys().collect();
    let v2 = definitions(&snapshot.v2_bundle);
    assert!(
        v2.keys().all(|name| names.contains(name)),
        "a v2 definition is missing"
    );
    let full = definitions(&snapshot.full_bundle);
    for name in full.keys().filter(|name| *name != "v2") {
        assert!(
            names.contains(name),
            "{name} from the full bundle is missing"
        );
    }
    assert!(!names.contains(&"v2".to_string()));
    for name in [
        "CommandExecutionRequestApprovalParams",
        "ToolRequestUserInputResponse",
        "ServerRequest",
    ] {
        assert!(names.contains(&name.to_string()), "{name}");
    }
}

#[test]
fn wire_schema_refs_are_flat_and_anyof_is_only_nullable() {
    let schema = prepass::wire_schema(&snapshot()).expect("the wire schema builds");
    let text = serde_json::to_string(&schema).expect("serialises");
    assert!(
        !text.contains("#/definitions/v2/"),
        "a nested v2 ref survived"
    );
    let definitions = definitions(&schema);
    assert!(
        definitions
            .values()
            .all(|schema| schema.get("$schema").is_none()),
        "a $schema keyword survived"
    );
    let mut bad = Vec::new();
    find_non_nullable_any_of(&schema, "#", &mut bad);
    assert!(bad.is_empty(), "non-nullable anyOf left at {bad:?}");
}

fn find_non_nullable_any_of(value: &Value, path: &str, bad: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(alternatives)) = object.get("anyOf") {
                let nullable =
                    alternatives.len() == 2 && alternatives.iter().any(|alt| alt["type"] == "null");
                if !nullable {
                    bad.push(path.to_string());
                }
            }
            for (key, child) in object {
                find_non_nullable_any_of(child, &format!("{path}/{key}"), bad);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                find_non_nullable_any_of(item, &format!("{path}/{index}"), bad);
            }
        }
        _ => {}
    }
}

#[test]
fn wire_schema_is_deterministic() {
    let snapshot = snapshot();
    let first = prepass::wire_schema(&snapshot).expect("builds");
    let second = prepass::wire_schema(&snapshot).expect("builds");
    assert_eq!(
        serde_json::to_string(&first).expect("serialises"),
        serde_json::to_string(&second).expect("serialises")
    );
}

#[test]
fn the_experimental_bundles_supply_the_fields_the_runtime_sends() {
    let schema = prepass::wire_schema(&snapshot()).expect("the wire schema builds");
    let thread = &schema["definitions"]["Thread"]["properties"];
    assert!(thread.get("canAcceptDirectInput").is_some(), "experimental fields are included");
}

#[test]
fn dangling_refs_are_an_error() {
    let mut snapshot = snapshot();
    // Use the stable bundles, whichever the snapshot would pick.
    snapshot.experimental = None;
    snapshot.v2_bundle["definitions"]["Broken"] =
        serde_json::json!({ "$ref": "#/definitions/DoesNotExist" });
    let error = prepass::wire_schema(&snapshot).expect_err("a dangling ref fails");
    assert!(error.to_string().contains("DoesNotExist"), "{error}");
}
