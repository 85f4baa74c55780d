//! The method catalog covers every notification the runtime may send to a
//! client that asks for the experimental API (the SDK's default): the stable
//! list, plus any the experimental schema adds.

use std::collections::BTreeSet;
use std::path::Path;

use openai_codex_codegen::catalog::{Catalog, ResponseTypeTable};
use openai_codex_codegen::emit_types::{self, SecretReview, WeakAllowlist};
use openai_codex_codegen::prepass;
use openai_codex_codegen::snapshot::Snapshot;
use serde_json::{json, Value};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn catalog_of(snapshot: &Snapshot) -> Catalog {
    let schema = prepass::wire_schema(snapshot).expect("wire schema builds");
    let weak = WeakAllowlist::load(&root().join("templates/weak_types.toml")).unwrap();
    let secrets = SecretReview::load(&root().join("templates/secret_fields.toml")).unwrap();
    let types = emit_types::emit_types(&schema, &weak, &secrets).expect("types emit");
    let known = emit_types::type_names(&types);
    let overrides = ResponseTypeTable::load(&root().join("templates/response_types.toml")).unwrap();
    Catalog::from_snapshot(snapshot, &schema, &overrides, &known).expect("catalog builds")
}

fn methods(union: &Value) -> BTreeSet<String> {
    union["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant["properties"]["method"]["enum"][0].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_experimental_notification_has_a_typed_variant() {
    let mut snapshot = Snapshot::load(&root().join("schema/snapshot")).unwrap();
    let experimental = snapshot.experimental.as_ref().expect("the pin keeps the experimental bundles");
    let wanted = methods(&experimental.full_bundle["definitions"]["ServerNotification"]);
    let catalog = catalog_of(&snapshot);
    let have: BTreeSet<String> = catalog.notifications.iter().map(|method| method.wire.clone()).collect();
    assert!(wanted.is_subset(&have), "missing: {:?}", wanted.difference(&have).collect::<Vec<_>>());
    for method in ["thread/settings/updated", "thread/readState/changed"] {
        assert!(have.contains(method), "{method}");
    }

    // A notification only the experimental schema has is added too.
    let union = &mut snapshot.experimental.as_mut().unwrap().full_bundle["definitions"]["ServerNotification"];
    union["oneOf"].as_array_mut().unwrap().push(json!({
        "properties": {
            "method": {"enum": ["thread/test/experimentalOnly"], "type": "string"},
            "params": {"$ref": "#/definitions/v2/ThreadNameUpdatedNotification"}
        },
        "required": ["method", "params"],
        "type": "object"
    }));
    let catalog = catalog_of(&snapshot);
    let added = catalog.notifications.iter().find(|method| method.wire == "thread/test/experimentalOnly");
    let added = added.expect("the experimental-only notification is in the catalog");
    assert_eq!(added.params.type_name(), Some("ThreadNameUpdatedNotification"));
    assert!(added.thread_id.is_some(), "it is routed to its thread");
    assert_eq!(catalog.notifications.len(), have.len() + 1);
}
