//! Open objects keep the properties the schema does not name.
//!
//! A definition with `properties` and `additionalProperties: true` (the
//! runtime's `Config`: config.toml is open-ended) says "these fields, and any
//! others". typify emits a struct of the named fields only, so the others are
//! dropped on decode and lost on re-encode. Such structs get a flattened
//! `extra` map that keeps them; it is raw JSON by nature, so each one must be
//! on the weak-type allow-list like any other.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::Value;
use syn::{parse_quote, Fields, Item};

/// The type names of definitions with named properties and
/// `additionalProperties: true`.
pub(super) fn open_object_names(schema: &Value) -> BTreeSet<String> {
    let Some(definitions) = schema.get("definitions").and_then(Value::as_object) else {
        return BTreeSet::new();
    };
    definitions
        .iter()
        .filter(|(_, schema)| {
            schema.get("properties").is_some_and(Value::is_object)
                && schema.get("additionalProperties") == Some(&Value::Bool(true))
        })
        .map(|(name, _)| name.to_upper_camel_case())
        .collect()
}

/// Adds `#[serde(flatten)] pub extra: Map<String, Value>` to each named struct.
pub(super) fn keep_extra_properties(file: &mut syn::File, names: &BTreeSet<String>) {
    for item in &mut file.items {
        let Item::Struct(item) = item else { continue };
        if !names.contains(&item.ident.to_string()) {
            continue;
        }
        if let Fields::Named(fields) = &mut item.fields {
            fields.named.push(parse_quote! {
                /// Properties the schema does not name, kept as they came.
                #[serde(flatten)]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>
            });
        }
    }
}
