//! The `Unknown` fallback, decided at its root (`emit_types::fallback`):
//! every enum the client receives has one, or is shielded by an untagged
//! enum that has one (a catch-all inside an earlier variant of an untagged
//! enum would steal values meant for a later one). Checked on the pinned
//! schema's decisions, on the generated `sdk/src/types.rs` itself, and by
//! decoding values a newer runtime could send.

use std::collections::BTreeMap;

use openai_codex_codegen::catalog::ResponseTypeTable;
use openai_codex_codegen::emit_types::{fallback_decisions, Decision, NoFallback};
use openai_codex_codegen::pin::Pin;
use openai_codex_codegen::prepass::wire_schema;
use openai_codex_codegen::protocol_diff::{directions, Direction, SdkSurface, Surface};
use openai_codex_codegen::snapshot::Snapshot;
use openai_codex_codegen::Workspace;

fn decisions() -> BTreeMap<String, Decision> {
    let snapshot = Snapshot::load(&Workspace::this().snapshot_dir()).unwrap();
    fallback_decisions(&wire_schema(&snapshot).unwrap()).unwrap()
}

/// The enums without a fallback on the pinned runtime, each with the
/// untagged enum that shields it (reviewed: the `McpElicitation*` ones are
/// parts of an MCP elicitation form field, whose
/// `McpElicitationPrimitiveSchema::Unknown` keeps a field of an unknown kind
/// whole; 0.169.0 adds `AccountSessionWorkspaceKind`, inside an arm of the
/// untagged `AccountSessionsSwitchResponse`, whose `Unknown` keeps an answer
/// of an unknown shape whole).
const SHIELDED: &[(&str, &str)] = &[
    ("AccountSessionWorkspaceKind", "AccountSessionsSwitchResponse"),
    ("McpElicitationArrayType", "McpElicitationEnumSchema"),
    ("McpElicitationEnumSchema", "McpElicitationPrimitiveSchema"),
    ("McpElicitationMultiSelectEnumSchema", "McpElicitationEnumSchema"),
    ("McpElicitationNumberType", "McpElicitationPrimitiveSchema"),
    ("McpElicitationSingleSelectEnumSchema", "McpElicitationEnumSchema"),
    ("McpElicitationStringFormat", "McpElicitationPrimitiveSchema"),
    ("McpElicitationStringType", "McpElicitationEnumSchema"),
];

#[test]
fn every_received_enum_has_a_fallback_or_is_shielded_by_one_that_has() {
    let workspace = Workspace::this();
    let snapshot = Snapshot::load(&workspace.snapshot_dir()).unwrap();
    let pin = Pin::load(&workspace.pin_path()).unwrap();
    let responses = ResponseTypeTable::load(&workspace.templates_dir().join("response_types.toml")).unwrap();
    let directions = directions(&snapshot, Surface::Sdk, SdkSurface::of(&pin), Some(&responses)).unwrap();
    let decisions = decisions();
    let without: Vec<(&str, &str)> = decisions
        .iter()
        .filter_map(|(name, decision)| match decision {
            Decision::Fallback(_) => None,
            Decision::Without(NoFallback::Shielded { by }) => Some((name.as_str(), by.as_str())),
        })
        .collect();
    assert_eq!(without, SHIELDED, "the enums without a fallback changed: review them and this list");
    for (name, by) in &without {
        // The shield holds the value whole: it has its own fallback, or is
        // itself shielded by one that has.
        let mut shield = *by;
        while let Some(Decision::Without(NoFallback::Shielded { by })) = decisions.get(shield) {
            shield = by;
        }
        assert!(matches!(decisions.get(shield), Some(Decision::Fallback(_))), "{name}: its shield {shield} has no fallback");
    }
    let received = |name: &str| matches!(directions.get(name), Some(Direction::Received | Direction::Both));
    assert!(received("McpElicitationPrimitiveSchema"), "the elicitation form reaches the client");
    for (name, decision) in &decisions {
        if received(name) && !SHIELDED.iter().any(|(shielded, _)| shielded == name) {
            assert!(matches!(decision, Decision::Fallback(_)), "received enum {name} has no fallback");
        }
    }
}

#[test]
fn the_generated_types_match_the_decisions() {
    // The wire types: `types.rs` and its area modules (`types/*.rs`).
    let src = Workspace::this().sdk_dir().join("src");
    let mut paths = vec![src.join("types.rs")];
    paths.extend(openai_codex_codegen::files::walk(&src.join("types")).unwrap());
    let items: Vec<syn::Item> = paths
        .iter()
        .flat_map(|path| syn::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap().items)
        .collect();
    let decisions = decisions();
    let mut checked = 0;
    for item in &items {
        let syn::Item::Enum(item) = item else { continue };
        let name = item.ident.to_string();
        let last = item.variants.last().map(|variant| variant.ident.to_string());
        match decisions.get(&name) {
            Some(Decision::Fallback(variant)) => assert_eq!(last.as_ref(), Some(variant), "{name}"),
            Some(Decision::Without(_)) => assert!(!last.unwrap_or_default().starts_with("Unknown"), "{name}"),
            None => panic!("{name} has no decision"),
        }
        checked += 1;
    }
    assert_eq!(checked, decisions.len());
    assert!(checked > 200, "{checked}");
}
