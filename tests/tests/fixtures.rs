//! The recorded fixtures keep the documented line format.

use std::path::{Path, PathBuf};

use serde_json::Value;

const REQUIRED: &[&str] = &[
    "text_turn",
    "exec_command_turn",
    "approval_request",
    "failed_turn",
];

fn recorded_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded")
}

fn load(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn the_required_scenarios_are_recorded() {
    for name in REQUIRED {
        let path = recorded_dir().join(format!("{name}.jsonl"));
        assert!(path.is_file(), "missing {}", path.display());
    }
}

#[test]
fn every_line_has_the_documented_shape() {
    for entry in std::fs::read_dir(recorded_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "jsonl") {
            for line in load(&path) {
                check_line(&line, &path);
            }
        }
    }
}

fn check_line(line: &Value, path: &Path) {
    let context = format!("{}: {line}", path.display());
    let dir = line["dir"].as_str().expect(&context);
    let kind = line["kind"].as_str().expect(&context);
    assert!(["sent", "recv"].contains(&dir), "{context}");
    assert!(
        ["request", "response", "error", "notification"].contains(&kind),
        "{context}"
    );
    assert!(line["method"].is_string(), "{context}");
    let frame = &line["frame"];
    match dir {
        "recv" => {
            let raw: Value = serde_json::from_str(line["raw"].as_str().expect(&context)).unwrap();
            assert_eq!(&raw, frame, "{context}");
        }
        _ => assert!(line.get("raw").is_none(), "{context}"),
    }
    match kind {
        "notification" => assert!(frame.get("id").is_none(), "{context}"),
        "request" => assert_eq!(frame["method"], line["method"], "{context}"),
        "response" => assert!(frame.get("result").is_some(), "{context}"),
        _ => assert!(frame.get("error").is_some(), "{context}"),
    }
}

#[test]
fn the_approval_scenario_declines_both_kinds_of_request() {
    let lines = load(&recorded_dir().join("approval_request.jsonl"));
    for method in [
        "item/commandExecution/requestApproval",
        "item/fileChange/requestApproval",
    ] {
        let answer = lines
            .iter()
            .find(|line| line["dir"] == "sent" && line["method"] == method)
            .unwrap_or_else(|| panic!("no answer to {method}"));
        assert_eq!(answer["frame"]["result"]["decision"], "decline");
    }
}
