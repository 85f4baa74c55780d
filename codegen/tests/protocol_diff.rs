//! `cargo codegen diff`.
//!
//! 1. Fixture pairs, one per kind of change (`tests/fixtures/protocol_diff/
//!    <name>.json`, with `old` and `new` schemas), each compared with its
//!    expected report (`<name>.expected.txt`). A regression is a new fixture,
//!    not new test code. After a deliberate change, re-bless the expected
//!    reports with `BLESS=1 cargo test -p openai-codex-codegen --test
//!    protocol_diff` and review their diff.
//! 2. Two real snapshots, 0.160.1 and 0.163.0, kept gzipped in
//!    `tests/fixtures/runtime-<version>/`, against changes verified by hand
//!    in their JSON.
//!
//! A fixture side is compact: `definitions` (as in the v2 bundle), `methods`
//! (`requests`, `notifications`, `serverRequests`, `clientNotifications`:
//! wire name → params type, `"T?"` for optional params, `null` for none),
//! and optionally `experimental` with more `definitions` and `methods` (the
//! `--experimental` bundles are the stable ones plus those). `surfaces`
//! lists the surfaces to report (default `["sdk"]`).

mod common;

use std::path::{Path, PathBuf};

use openai_codex_codegen::catalog::ResponseTypeTable;
use openai_codex_codegen::files::walk;
use openai_codex_codegen::api_table::ApiTable;
use openai_codex_codegen::protocol_diff::{self, DiffOptions, Direction, Effect, Impact, ProtocolDiff, SdkSurface, Surface};
use openai_codex_codegen::snapshot::{ExperimentalBundles, Snapshot};
use serde_json::{json, Map, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protocol_diff")
}

// ---------------------------------------------------------------------------
// Fixture pairs
// ---------------------------------------------------------------------------

/// A method union in the runtime's format.
fn method_union(methods: &Value) -> Value {
    let variants: Vec<Value> = methods
        .as_object()
        .map(|methods| {
            methods
                .iter()
                .map(|(wire, params)| {
                    let params = match params.as_str() {
                        None => json!({"type": "null"}),
                        Some(name) => match name.strip_suffix('?') {
                            Some(name) => json!({"anyOf": [{"$ref": format!("#/definitions/{name}")}, {"type": "null"}]}),
                            None => json!({"$ref": format!("#/definitions/{name}")}),
                        },
                    };
                    json!({
                        "properties": {"id": {"type": "integer"}, "method": {"enum": [wire], "type": "string"}, "params": params},
                        "required": ["id", "method"],
                        "type": "object"
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    json!({ "oneOf": variants })
}

fn merged(base: &Value, extra: &Value) -> Value {
    let mut out = base.as_object().cloned().unwrap_or_default();
    for (key, value) in extra.as_object().into_iter().flatten() {
        out.insert(key.clone(), value.clone());
    }
    Value::Object(out)
}

const TABLES: [(&str, &str); 4] = [
    ("requests", "ClientRequest"),
    ("notifications", "ServerNotification"),
    ("serverRequests", "ServerRequest"),
    ("clientNotifications", "ClientNotification"),
];

fn bundles(definitions: &Value, methods: &Value) -> (Value, Value) {
    let definitions: Map<String, Value> = definitions.as_object().cloned().unwrap_or_default();
    let mut full = definitions.clone();
    for (key, name) in TABLES {
        full.insert(name.to_owned(), method_union(&methods[key]));
    }
    (json!({ "definitions": full }), json!({ "definitions": definitions }))
}

/// A snapshot from a compact fixture side.
fn snapshot(side: &Value) -> Snapshot {
    let (full_bundle, v2_bundle) = bundles(&side["definitions"], &side["methods"]);
    let experimental_definitions = merged(&side["definitions"], &side["experimental"]["definitions"]);
    let mut experimental_methods = Map::new();
    for (key, _) in TABLES {
        experimental_methods.insert(key.to_owned(), merged(&side["methods"][key], &side["experimental"]["methods"][key]));
    }
    let (experimental_full, experimental_v2) = bundles(&experimental_definitions, &Value::Object(experimental_methods));
    Snapshot {
        client_request: full_bundle["definitions"]["ClientRequest"].clone(),
        server_notification: full_bundle["definitions"]["ServerNotification"].clone(),
        server_request: full_bundle["definitions"]["ServerRequest"].clone(),
        client_notification: full_bundle["definitions"]["ClientNotification"].clone(),
        full_bundle,
        v2_bundle,
        experimental: Some(ExperimentalBundles { full_bundle: experimental_full, v2_bundle: experimental_v2 }),
    }
}

fn surface_named(name: &str) -> Surface {
    match name {
        "sdk" => Surface::Sdk,
        "stable" => Surface::Stable,
        "experimental" => Surface::Experimental,
        other => panic!("unknown surface {other}"),
    }
}

/// The reports of one fixture, one per surface it lists.
fn fixture_report(path: &Path) -> String {
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (old, new) = (snapshot(&fixture["old"]), snapshot(&fixture["new"]));
    let surfaces: Vec<&str> = fixture["surfaces"]
        .as_array()
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["sdk"]);
    let mut out = String::new();
    for surface in surfaces {
        let options = DiffOptions { surface: surface_named(surface), sdk: SdkSurface::default(), ..DiffOptions::default() };
        let report = protocol_diff::diff(&old, &new, &options).unwrap();
        out.push_str(&report.to_text());
    }
    out
}

#[test]
fn each_fixture_pair_gives_its_expected_report() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in walk(&fixtures()).unwrap() {
        let Some(stem) = path.file_name().and_then(|name| name.to_str()).and_then(|name| name.strip_suffix(".json")) else {
            continue;
        };
        let expected_path = path.with_file_name(format!("{stem}.expected.txt"));
        let actual = fixture_report(&path);
        checked += 1;
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{stem}:\n--- expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(checked >= 15, "only {checked} fixtures found");
    assert!(failures.is_empty(), "reports differ (BLESS=1 to accept):\n{}", failures.join("\n"));
}

/// The kinds of change the fixtures cover, by expected line, so that a bless
/// cannot silently turn a verdict around.
#[test]
fn fixture_verdicts_hold() {
    let report = |name: &str| fixture_report(&fixtures().join(format!("{name}.json")));
    let has = |name: &str, line: &str| {
        let text = report(name);
        assert!(text.lines().any(|l| l.trim_start().starts_with(line)), "{name}: no line starting with {line:?} in\n{text}");
    };
    // Direction: a new required field is additive where the client only
    // receives the type, breaking where it sends it.
    has("field_added_required", "additive field added: Note.count (integer, required) [received;");
    has("field_added_required", "BREAKING field added: StartParams.count (integer, required) [sent;");
    has("field_added_required", "BREAKING field added: Shared.count (integer, required) [sent and received;");
    // Optional fields: additive, unless struct literals must name them.
    has("field_added_optional", "additive field added: ListParams.limit (integer(uint32) | null) [sent;");
    has("field_added_optional", "BREAKING field added: StartParams.note (string | null) [sent; wire additive");
    // Required-ness, by direction.
    has("field_requirement", "BREAKING field made required: StartParams.cwd (now required) [sent; wire breaking");
    has("field_requirement", "BREAKING field made required: Note.cwd (now required) [received; wire none");
    has("field_requirement", "BREAKING field made optional: Note.id (now optional) [received; wire breaking");
    has("field_removed", "BREAKING field removed: Note.id (string) [received; wire breaking");
    // At any depth: inline objects in arrays and maps.
    has("nested_properties", "additive field added: Page.entries[].extra (string | null)");
    has("nested_properties", "additive field added: Page.byName{}.extra (string | null)");
    // Union variants by tag.
    has("union_variants", "additive field added: Item[image].caption (string | null) [received;");
    has("union_variants", "BREAKING field removed: Item[image].result");
    has("union_variants", "BREAKING field retyped: Item[text].size (integer(int32) → integer(int64))");
    has("union_variants", "additive variant added: Item[audio]");
    has("union_variants", "BREAKING variant removed: Item[video]");
    // `{url} | {fileId}` inside a variant the client sends.
    has("union_alternatives_in_variant", "BREAKING field made optional: Input[image].url (now optional) [sent; wire additive");
    has("union_alternatives_in_variant", "BREAKING field added: Input[image].fileId");
    // Enums written as anyOf, with a catch-all.
    has("any_of_enum", "additive enum value added: ErrorInfo::quotaExceeded [received; wire additive");
    has("any_of_enum", "additive catch-all added: ErrorInfo");
    has("any_of_enum", "additive field added: ErrorInfo[httpFailed].retryAfter");
    // Fallbacks decide new values in received enums.
    has("enum_fallback", "additive enum value added: Mode::fast [received; wire additive");
    has("enum_fallback", "BREAKING enum value added: Shape::hexagon [received; wire breaking");
    has("enum_fallback", "additive enum value added: Choice::maybe [sent; wire additive");
    has("enum_fallback", "BREAKING enum value removed: Mode::slow [received; wire none");
    // Maps and formats.
    has("map_values", "BREAKING field retyped: ListResponse.states (map<string, OldState> | null → map<string, NewState> | null)");
    has("integer_format", "BREAKING field retyped: Usage.tokens (integer(int32) → integer(int64))");
    // Nullability.
    has("nullability", "BREAKING field retyped: Note.name (string → string | null) [received; wire breaking");
    has("nullability", "additive field retyped: Note.label (string → string | null) [received; wire additive");
    // Method params and responses.
    has("method_params", "BREAKING method params changed: limits/read (no params → LimitsParams | null) [sent and received; wire additive");
    has("method_params", "BREAKING method params changed: thread/list (ListParams | null → ListParams) [sent and received; wire breaking");
    has("method_params", "BREAKING method response changed: thread/read (ReadResponse → ThreadReadResponse)");
    // Methods, notifications, server requests.
    has("methods", "additive method added: thread/fork");
    has("methods", "BREAKING method removed: thread/rollback");
    has("methods", "additive notification added: thread/renamed");
    has("methods", "BREAKING notification removed: thread/archived");
    has("methods", "additive server request added: item/tool/call");
    has("methods", "BREAKING server request removed: execCommandApproval");
    // Rust-only breaks: a struct field that became an enum.
    has("type_reshaped", "BREAKING type reshaped: Filter (object → union)");
}

#[test]
fn the_experimental_surface_reads_the_experimental_catalog() {
    let text = fixture_report(&fixtures().join("experimental_surface.json"));
    let (sdk, experimental) = text.split_at(text.find("protocol changes (Experimental").unwrap());
    assert!(!sdk.contains("thread/predict"), "the SDK surface has stable methods only:\n{sdk}");
    assert!(sdk.contains("field added: StartParams.experimentalMode"), "the SDK surface has experimental fields:\n{sdk}");
    assert!(experimental.contains("additive method added: thread/predict"), "{experimental}");
    let stable = {
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("experimental_surface.json")).unwrap()).unwrap();
        let options = DiffOptions { surface: Surface::Stable, ..DiffOptions::default() };
        protocol_diff::diff(&snapshot(&fixture["old"]), &snapshot(&fixture["new"]), &options).unwrap().to_text()
    };
    assert!(!stable.contains("experimentalMode"), "the stable surface has stable fields only:\n{stable}");
}

// ---------------------------------------------------------------------------
// The real snapshots
// ---------------------------------------------------------------------------

fn runtime_fixture(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/runtime-{version}"))
}

/// A fixture's schema (`runtime-<version>/schema`), unpacked into a
/// temporary folder.
fn fixture_schema(version: &str) -> tempfile::TempDir {
    let scratch = tempfile::tempdir().unwrap();
    common::copy_tree(&runtime_fixture(version).join("schema"), scratch.path());
    scratch
}

/// 0.160.1 → 0.163.0: both kept as fixtures, so these checks hold whatever
/// the pinned runtime is.
fn real_diff(surface: Surface, table: Option<&ApiTable>) -> ProtocolDiff {
    let old_schema = fixture_schema("0.160.1");
    let new_schema = fixture_schema("0.163.0");
    let old = Snapshot::load(&old_schema.path().join("snapshot")).unwrap();
    let new = Snapshot::load(&new_schema.path().join("snapshot")).unwrap();
    let tables = runtime_fixture("0.163.0").join("templates");
    let responses = ResponseTypeTable::load(&tables.join("response_types.toml")).unwrap();
    let options = DiffOptions { surface, sdk: SdkSurface::default(), table, responses: Some(&responses) };
    protocol_diff::diff(&old, &new, &options).unwrap()
}

fn find<'a>(report: &'a ProtocolDiff, kind: &str, subject: &str) -> &'a protocol_diff::Change {
    report
        .changes
        .iter()
        .find(|c| c.kind == kind && c.subject == subject)
        .unwrap_or_else(|| panic!("missing {kind} {subject} in\n{}", report.to_text()))
}

/// 0.160.1 → 0.163.0 on the SDK's surface (stable methods, experimental
/// types), against the JSON compared by hand: 21 definitions added (13 of
/// them stable), 27 changed (23 stable), +1 stable method, +2 notifications.
#[test]
fn the_real_diff_reports_what_changed_between_0_160_1_and_0_163_0() {
    let report = real_diff(Surface::Sdk, None);
    assert_eq!((report.methods_from, report.types_from), (protocol_diff::Bundle::Stable, protocol_diff::Bundle::Experimental));
    let count = |kind: &str| report.changes.iter().filter(|c| c.kind == kind).count();
    assert_eq!(count("type added"), 21, "{}", report.to_text());
    assert_eq!(count("type removed"), 0);
    assert_eq!(count("method added"), 1);
    assert_eq!(count("notification added"), 2);
    assert_eq!(count("server request added") + count("method removed") + count("notification removed"), 0);
    // Every changed definition is reported (the methods unions as methods).
    let changed: std::collections::BTreeSet<&str> = report
        .changes
        .iter()
        .filter(|c| !c.kind.starts_with("type ") && !c.kind.starts_with("method") && !c.kind.starts_with("notification"))
        .map(|c| c.subject.split(['.', '[', ':']).next().unwrap())
        .collect();
    let expected = [
        "BrowserUseRequirements", "CodexErrorInfo", "ConfigRequirementsReadResponse", "ContentItem", "EnvironmentAddParams",
        "McpServerOauthLoginCompletedNotification", "McpServerOauthLoginResponse", "MessagePhase", "MisalignmentErrorDetails",
        "ModelProviderCapabilitiesReadResponse", "RealtimeVoice", "RealtimeVoicesList", "ResponseItem", "SkillMetadata",
        "SkillSummary", "ThreadForkParams", "ThreadGoalClearParams", "ThreadGoalSetParams", "ThreadItem", "ThreadListParams",
        "ThreadListResponse", "ThreadReadResponse", "Turn", "TurnStartParams", "TurnToolOutput",
    ];
    assert_eq!(changed, expected.into_iter().collect(), "{}", report.to_text());

    // Inside union variants, by tag.
    let model = find(&report, "field added", "ThreadItem[subAgentActivity].model");
    assert_eq!((model.impact, model.direction), (Impact::Additive, Direction::Received));
    find(&report, "field added", "ThreadItem[subAgentActivity].reasoningEffort");
    find(&report, "field added", "ContentItem[output_text].annotations");
    find(&report, "field added", "ResponseItem[message].status");
    find(&report, "variant added", "ResponseItem[additional_tools]");
    // Enums: values, and the anyOf catch-all.
    let phase = find(&report, "enum value added", "MessagePhase::partial_answer");
    assert_eq!((phase.impact, phase.wire), (Impact::Additive, Effect::Additive));
    assert_eq!(report.changes.iter().filter(|c| c.subject.starts_with("RealtimeVoice::")).count(), 16);
    find(&report, "catch-all added", "CodexErrorInfo");
    // Maps keep their value type.
    assert_eq!(find(&report, "field added", "ThreadListResponse.readStates").detail, "map<string, ThreadReadState> | null");
    // Classified by direction and by Rust.
    let removed = find(&report, "field removed", "ModelProviderCapabilitiesReadResponse.namespaceTools");
    assert_eq!((removed.impact, removed.direction, removed.wire), (Impact::Breaking, Direction::Received, Effect::Breaking));
    let retyped = find(&report, "field retyped", "SkillMetadata.path");
    assert_eq!(retyped.detail, "AbsolutePathBuf → LegacyAppPathString");
    assert_eq!(retyped.impact, Impact::Breaking);
    let excluded = find(&report, "field added", "ThreadListParams.excludedThreadIds");
    assert_eq!((excluded.impact, excluded.direction, excluded.rust), (Impact::Additive, Direction::Sent, Effect::Additive));
    let parent = find(&report, "field added", "TurnStartParams.parentTurnId");
    assert_eq!((parent.wire, parent.rust), (Effect::Additive, Effect::Breaking), "TurnStartParams has no Default");
    // Experimental-only fields reach the SDK's types.
    find(&report, "field added", "ThreadForkParams.experimentalPredictionMode");
    // Breaking changes come first.
    let first_additive = report.changes.iter().position(|c| c.impact == Impact::Additive).unwrap();
    assert!(report.changes[first_additive..].iter().all(|c| c.impact == Impact::Additive));
    let breaking = report.changes.iter().filter(|c| c.impact == Impact::Breaking).count();
    assert_eq!((breaking, report.changes.len() - breaking), (22, 55), "{}", report.to_text());
}

#[test]
fn the_surfaces_differ_as_the_snapshots_do() {
    let stable = real_diff(Surface::Stable, None);
    assert_eq!(stable.changes.iter().filter(|c| c.kind == "type added").count(), 13);
    assert!(!stable.changes.iter().any(|c| c.subject.starts_with("ThreadForkParams.")), "experimental field on the stable surface");
    let experimental = real_diff(Surface::Experimental, None);
    let methods: Vec<&str> =
        experimental.changes.iter().filter(|c| c.kind == "method added").map(|c| c.subject.as_str()).collect();
    assert_eq!(methods.len(), 5, "{methods:?}");
    assert!(methods.contains(&"thread/attachmentOwner/list"));
}

#[test]
fn the_real_diff_renders_as_text_markdown_and_json() {
    let report = real_diff(Surface::Sdk, None);
    let text = report.to_text();
    assert!(text.starts_with("protocol changes (Sdk surface: stable methods, experimental types): 22 breaking, 55 additive\n"), "{text}");
    assert!(text.contains("BREAKING field removed: ModelProviderCapabilitiesReadResponse.namespaceTools (boolean) [received; wire breaking"), "{text}");
    assert!(text.contains("additive method added: thread/attachmentOwner/list"), "{text}");

    let markdown = report.to_markdown();
    assert!(
        markdown.contains("| **breaking** | field retyped | `SkillMetadata.path` | AbsolutePathBuf → LegacyAppPathString | received | breaking | breaking |"),
        "{markdown}"
    );
    assert!(markdown.contains("| additive | notification added | `thread/readState/changed` |"), "{markdown}");

    let json: Value = serde_json::from_str(&report.to_json()).unwrap();
    let changes = json["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["impact"] == "additive"
        && c["kind"] == "enum value added"
        && c["subject"] == "MessagePhase::partial_answer"
        && c["direction"] == "both"
        && c["wire"] == "additive"));
    assert_eq!(json["surface"], "sdk");
    assert_eq!(json["types_from"], "experimental");
}

#[test]
fn the_real_diff_lists_what_the_override_table_must_review() {
    // The table as reviewed for 0.160.1 does not know the fields 0.163.0 added.
    let table = ApiTable::load(&runtime_fixture("0.160.1").join("templates/api.toml")).unwrap();
    let report = real_diff(Surface::Sdk, Some(&table));
    for item in [
        "thread/list: new field `excludedThreadIds`: expose or hide it",
        "turn/start: new field `parentTurnId`: expose or hide it",
        "turn/start: new field `rootTurnId`: expose or hide it",
    ] {
        assert!(report.review.iter().any(|r| r == item), "missing review item {item}: {:?}", report.review);
    }
    // The table as reviewed for 0.163.0 has reviewed them.
    let current = ApiTable::load(&runtime_fixture("0.163.0").join("templates/api.toml")).unwrap();
    assert!(real_diff(Surface::Sdk, Some(&current)).review.is_empty());
}

// ---------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------

fn run_cli(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_openai-codex-codegen")).args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_command_defaults_to_the_sdk_surface_and_renders_each_format() {
    let old_schema = fixture_schema("0.160.1");
    let new_schema = fixture_schema("0.163.0");
    let old = old_schema.path().join("snapshot");
    let new = new_schema.path().join("snapshot");
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());

    let json: Value = serde_json::from_str(&run_cli(&["diff", old, new, "--format", "json"])).unwrap();
    assert_eq!((json["surface"].as_str(), json["types_from"].as_str()), (Some("sdk"), Some("experimental")));
    assert!(json["changes"].as_array().unwrap().iter().any(|c| c["subject"] == "ThreadItem[subAgentActivity].model"));

    let markdown = run_cli(&["diff", old, new, "--format", "markdown", "--surface", "experimental"]);
    assert!(markdown.starts_with("### Protocol changes (Experimental surface: experimental methods, experimental types)"), "{markdown}");
    assert!(markdown.contains("| additive | method added | `thread/readState/update` |"), "{markdown}");

    let text = run_cli(&["diff", old, new, "--surface", "stable"]);
    assert!(text.starts_with("protocol changes (Stable surface: stable methods, stable types): "), "{text}");
    // With no folders: the committed snapshot against the working tree (no
    // change, unless a bump is under way).
    assert!(run_cli(&["diff"]).starts_with("protocol changes (Sdk surface: stable methods, experimental types): "));
}

/// A removed method's wire effect (which the text report does not print, but
/// the JSON does): a removed client request or client notification breaks
/// older clients on the wire; a removed notification or server request only
/// stops coming. In Rust each removal breaks code naming it.
#[test]
fn removed_methods_have_their_wire_effects() {
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("methods.json")).unwrap()).unwrap();
    let report = protocol_diff::diff(&snapshot(&fixture["old"]), &snapshot(&fixture["new"]), &DiffOptions::default()).unwrap();
    for (kind, subject, wire) in [
        ("method removed", "thread/rollback", Effect::Breaking),
        ("notification removed", "thread/archived", Effect::None),
        ("server request removed", "execCommandApproval", Effect::None),
    ] {
        let change = find(&report, kind, subject);
        assert_eq!(change.wire, wire, "{kind} {subject}: wire");
        assert_eq!(change.impact, Impact::Breaking, "{kind} {subject}: overall");
    }
}
