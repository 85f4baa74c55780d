//! Wire-type emission tests: on the pinned snapshot (shapes the SDK relies
//! on, determinism, the weak-type gate) and on small schemas (the
//! forward-compatibility transform). The generated code itself is compiled
//! and decoded against real payloads in the SDK crate's tests.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use heck::ToUpperCamelCase;
use openai_codex_codegen::emit_types::{self, SecretReview, WeakAllowlist, SKIPPED_DEFINITIONS};
use openai_codex_codegen::prepass;
use openai_codex_codegen::snapshot::Snapshot;
use quote::ToTokens;
use serde_json::{json, Value};
use syn::{Fields, Item, ItemEnum, ItemStruct};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn wire_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let snapshot = Snapshot::load(&root().join("schema/snapshot")).expect("snapshot loads");
        prepass::wire_schema(&snapshot).expect("wire schema builds")
    })
}

fn allowlist() -> WeakAllowlist {
    WeakAllowlist::load(&root().join("templates/weak_types.toml")).expect("allow-list loads")
}

fn secret_review() -> SecretReview {
    SecretReview::load(&root().join("templates/secret_fields.toml")).expect("secret review loads")
}

/// The types generated from the pinned snapshot, as text, once per test run
/// (a `syn::File` cannot be shared between test threads).
fn generated_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let file = emit_types::emit_types(wire_schema(), &allowlist(), &secret_review()).expect("types emit");
        prettyplease::unparse(&file)
    })
}

/// The types generated from the pinned snapshot.
fn generated() -> syn::File {
    syn::parse_file(generated_text()).expect("the generated text parses")
}

fn find_enum<'a>(file: &'a syn::File, name: &str) -> &'a ItemEnum {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Enum(item) if item.ident == name => Some(item),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no enum {name}"))
}

fn find_struct<'a>(file: &'a syn::File, name: &str) -> &'a ItemStruct {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Struct(item) if item.ident == name => Some(item),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no struct {name}"))
}

fn attrs_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .map(|attr| attr.to_token_stream().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last variant's name and payload type, as token text.
fn last_variant(item: &ItemEnum) -> (String, String, String) {
    let variant = item.variants.last().expect("an enum has variants");
    let payload = match &variant.fields {
        Fields::Unnamed(fields) => fields.unnamed.to_token_stream().to_string(),
        _ => String::new(),
    };
    (
        variant.ident.to_string(),
        payload,
        attrs_text(&variant.attrs),
    )
}

#[test]
fn every_definition_becomes_a_type() {
    let names = emit_types::type_names(&generated());
    let definitions = wire_schema()["definitions"]
        .as_object()
        .expect("definitions");
    let missing: Vec<&String> = definitions
        .keys()
        .filter(|name| !SKIPPED_DEFINITIONS.contains(&name.as_str()))
        .filter(|name| !names.contains(&name.to_upper_camel_case()))
        .collect();
    assert!(
        missing.is_empty(),
        "definitions without a type: {missing:?}"
    );
    for name in [
        "CommandExecutionRequestApprovalParams",
        "CommandExecutionRequestApprovalResponse",
        "FileChangeRequestApprovalResponse",
        "ToolRequestUserInputResponse",
        "McpServerElicitationRequestResponse",
        "DynamicToolCallResponse",
        "ChatgptAuthTokensRefreshResponse",
        "AttestationGenerateResponse",
        "ApplyPatchApprovalResponse",
        "ExecCommandApprovalResponse",
        "PermissionsRequestApprovalResponse",
        "InitializeParams",
        "InitializeResponse",
        "RequestId",
    ] {
        assert!(names.contains(name), "{name} is missing");
    }
    let skipped: BTreeSet<&str> = SKIPPED_DEFINITIONS.iter().copied().collect();
    assert!(names.iter().all(|name| !skipped.contains(name.as_str())));
}

#[test]
fn output_is_deterministic() {
    let again = emit_types::emit_types(wire_schema(), &allowlist(), &secret_review()).expect("types emit");
    assert!(
        generated_text() == prettyplease::unparse(&again),
        "two runs differ"
    );
}

#[test]
fn tagged_unions_are_tagged_enums_with_a_raw_fallback() {
    let file = generated();
    for name in ["SandboxPolicy", "UserInput", "ThreadItem"] {
        let item = find_enum(&file, name);
        assert!(
            attrs_text(&item.attrs).contains("tag = \"type\""),
            "{name} is not tagged by type"
        );
        let (variant, payload, attrs) = last_variant(item);
        assert_eq!(variant, "Unknown", "{name}");
        assert_eq!(payload, ":: serde_json :: Value", "{name}");
        assert!(attrs.contains("untagged"), "{name}");
    }
}

#[test]
fn string_enums_get_a_string_fallback_and_lose_copy() {
    let file = generated();
    let item = find_enum(&file, "SandboxMode");
    let (variant, payload, attrs) = last_variant(item);
    assert_eq!(
        (variant.as_str(), payload.as_str()),
        ("Unknown", ":: std :: string :: String")
    );
    assert!(attrs.contains("untagged"));
    let derives = attrs_text(&item.attrs);
    assert!(!derives.contains("Copy"), "{derives}");
    assert!(
        derives.contains("Hash") && derives.contains("Ord"),
        "{derives}"
    );
    // A schema value that is itself "unknown" keeps its name.
    let hook_source = find_enum(&file, "HookSource");
    assert!(hook_source
        .variants
        .iter()
        .any(|variant| variant.ident == "Unknown"));
    assert_eq!(last_variant(hook_source).0, "UnknownValue");
}

#[test]
fn string_enum_conversions_are_infallible() {
    let text = generated_text();
    assert!(text.contains(
        "impl ::std::str::FromStr for SandboxMode {\n    type Err = ::std::convert::Infallible;"
    ));
    assert!(text.contains("impl ::std::convert::From<&str> for SandboxMode {"));
    assert!(!text.contains("impl ::std::convert::TryFrom<&str> for SandboxMode"));
}

#[test]
fn codex_error_info_is_an_externally_tagged_enum() {
    let file = generated();
    let item = find_enum(&file, "CodexErrorInfo");
    let attrs = attrs_text(&item.attrs);
    assert!(
        !attrs.contains("untagged") && !attrs.contains("tag ="),
        "{attrs}"
    );
    let usage = item
        .variants
        .iter()
        .find(|variant| variant.ident == "UsageLimitExceeded");
    assert!(matches!(
        usage.map(|variant| &variant.fields),
        Some(Fields::Unit)
    ));
    let http = item
        .variants
        .iter()
        .find(|variant| variant.ident == "HttpConnectionFailed");
    assert!(matches!(
        http.map(|variant| &variant.fields),
        Some(Fields::Named(_))
    ));
    assert_eq!(last_variant(item).0, "Unknown");
}

#[test]
fn empty_messages_are_empty_structs() {
    let file = generated();
    for name in [
        "ThreadArchiveResponse",
        "CommandExecResizeResponse",
        "AttestationGenerateParams",
    ] {
        let item = find_struct(&file, name);
        assert!(
            matches!(&item.fields, Fields::Named(fields) if fields.named.is_empty()),
            "{name}"
        );
        assert!(attrs_text(&item.attrs).contains("Default"), "{name}");
    }
}

#[test]
fn variant_docs_lose_schema_titles() {
    let file = generated();
    let item = find_enum(&file, "SandboxPolicy");
    let docs = attrs_text(
        &item
            .variants
            .iter()
            .find(|v| v.ident == "ReadOnly")
            .expect("ReadOnly")
            .attrs,
    );
    assert!(!docs.contains("ReadOnlySandboxPolicy"), "{docs}");
}

#[test]
fn an_unlisted_weak_spot_fails() {
    let text = std::fs::read_to_string(root().join("templates/weak_types.toml")).expect("reads");
    let without = text
        .lines()
        .filter(|line| !line.starts_with("\"Tool.inputSchema\""))
        .collect::<Vec<_>>()
        .join("\n");
    let list = WeakAllowlist::parse(&without).expect("parses");
    let error = emit_types::emit_types(wire_schema(), &list, &secret_review()).expect_err("an unlisted spot fails");
    assert!(
        format!("{error:#}").contains("Tool.inputSchema"),
        "{error:#}"
    );
}

#[test]
fn a_stale_allowlist_entry_fails() {
    let text = std::fs::read_to_string(root().join("templates/weak_types.toml")).expect("reads");
    let list = WeakAllowlist::parse(&format!("{text}\"Gone.field\" = \"was free-form\"\n"))
        .expect("parses");
    let error = emit_types::emit_types(wire_schema(), &list, &secret_review()).expect_err("a stale entry fails");
    assert!(format!("{error:#}").contains("Gone.field"), "{error:#}");
}

/// Emits a small schema with an empty allow-list.
fn emit_small(definitions: Value) -> syn::File {
    let schema = json!({ "definitions": definitions });
    let list = WeakAllowlist::parse("[allow]\n").expect("parses");
    emit_types::emit_types(&schema, &list, &SecretReview::default()).expect("types emit")
}

#[test]
fn enums_inside_earlier_untagged_variants_get_no_fallback() {
    // `Either` tries `Text` before `Flag`: a catch-all on `Kind` would make
    // `Text` accept `{"kind": "flag", ...}` and steal it from `Flag`.
    let file = emit_small(json!({
        "Kind": { "enum": ["text"], "type": "string" },
        "FlagKind": { "enum": ["flag"], "type": "string" },
        "Text": {
            "properties": { "kind": { "$ref": "#/definitions/Kind" } },
            "required": ["kind"], "type": "object"
        },
        "Flag": {
            "properties": { "kind": { "$ref": "#/definitions/FlagKind" } },
            "required": ["kind"], "type": "object"
        },
        "Either": { "oneOf": [ { "$ref": "#/definitions/Text" }, { "$ref": "#/definitions/Flag" } ] }
    }));
    assert!(find_enum(&file, "Kind")
        .variants
        .iter()
        .all(|variant| variant.ident != "Unknown"));
    assert_eq!(last_variant(find_enum(&file, "FlagKind")).0, "Unknown");
    // The untagged enum itself keeps a value that fits neither variant.
    assert_eq!(last_variant(find_enum(&file, "Either")).0, "Unknown");
}

#[test]
fn an_unreviewed_secret_looking_field_fails() {
    let text = std::fs::read_to_string(root().join("templates/secret_fields.toml")).expect("reads");
    let without = text
        .lines()
        .filter(|line| !line.starts_with("\"*.apiKey\""))
        .collect::<Vec<_>>()
        .join("\n");
    let review = SecretReview::parse(&without).expect("parses");
    let error = emit_types::emit_types(wire_schema(), &allowlist(), &review).expect_err("an unreviewed field fails");
    let message = format!("{error:#}");
    assert!(message.contains("LoginAccountParams::ApiKey.apiKey"), "{message}");
    assert!(message.contains("templates/secret_fields.toml"), "{message}");
}

#[test]
fn secret_fields_print_redacted_in_debug() {
    let text = generated_text();
    assert!(text.contains(".field(\"api_key\", &RedactedSecret)"), "the API key login is redacted");
    // Every type with a reviewed secret field has a hand-shaped Debug.
    for name in ["LoginAccountParams", "ChatgptAuthTokensRefreshResponse", "AttestationGenerateResponse"] {
        assert!(text.contains(&format!("impl ::std::fmt::Debug for {name} {{")), "{name}");
    }
}
