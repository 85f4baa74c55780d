//! Empty messages: params, responses and notifications without fields.
//!
//! The runtime defines `ThreadArchiveResponse`, `CommandExecResizeResponse`,
//! `AttestationGenerateParams`, ... as empty Rust structs, which its schema
//! prints as a bare `{"type": "object"}`. typify reads that as "any object"
//! and emits a `Map<String, Value>` newtype, which would invite callers to
//! look for data that never comes and would count as a weak type. They
//! become empty structs here: `{}` on the wire, unknown fields ignored (so a
//! newer runtime adding one still decodes), `Default` to build them.
//!
//! Only *titled* bare objects are closed: the titled definitions are the
//! per-method messages. The runtime prints some untitled types the same way
//! although they hold a flattened map (`AppLinksConfig`), so those stay maps
//! and need an allow-list entry. (typify has no setting for this, and a
//! pre-pass trick such as `additionalProperties: false` would close the
//! struct against new fields.)

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::Value;
use syn::punctuated::Punctuated;
use syn::{Fields, FieldsNamed, Item};

use crate::syntax::{add_derive, mentions_any};

/// The type names of the definitions that are a titled bare object.
pub(super) fn empty_message_names(schema: &Value) -> BTreeSet<String> {
    let Some(definitions) = schema.get("definitions").and_then(Value::as_object) else {
        return BTreeSet::new();
    };
    definitions
        .iter()
        .filter(|(_, schema)| is_titled_bare_object(schema))
        .map(|(name, _)| name.to_upper_camel_case())
        .collect()
}

/// Whether a schema is `{type: "object", title, description?}` and nothing
/// else.
fn is_titled_bare_object(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    object.contains_key("title")
        && object.get("type").and_then(Value::as_str) == Some("object")
        && object
            .keys()
            .all(|key| matches!(key.as_str(), "type" | "title" | "description"))
}

/// Turns each named map newtype into an empty struct and drops the
/// `Deref`/`From` impls typify wrote for the newtype.
pub(super) fn close_empty_messages(file: &mut syn::File, names: &BTreeSet<String>) {
    let mut closed = BTreeSet::new();
    for item in &mut file.items {
        if let Item::Struct(item) = item {
            let name = item.ident.to_string();
            if names.contains(&name) && matches!(item.fields, Fields::Unnamed(_)) {
                close_struct(item);
                closed.insert(name);
            }
        }
    }
    file.items.retain(|item| !is_newtype_impl_of(item, &closed));
}

/// Makes one newtype an empty braced struct.
fn close_struct(item: &mut syn::ItemStruct) {
    item.fields = Fields::Named(FieldsNamed {
        brace_token: Default::default(),
        named: Punctuated::new(),
    });
    item.semi_token = None;
    // `transparent` needs exactly one field.
    item.attrs.retain(|attr| !is_serde_transparent(attr));
    add_derive(&mut item.attrs, "Default");
}

/// Whether an attribute is `#[serde(transparent)]`.
fn is_serde_transparent(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("serde")
        && attr
            .parse_args::<syn::Path>()
            .is_ok_and(|path| path.is_ident("transparent"))
}

/// Whether an item is a `Deref` or `From` impl involving one of `closed`
/// (`impl Deref for X`, `impl From<X> for Map`, `impl From<Map> for X`).
fn is_newtype_impl_of(item: &Item, closed: &BTreeSet<String>) -> bool {
    let Item::Impl(item) = item else {
        return false;
    };
    let Some((_, trait_path, _)) = &item.trait_ else {
        return false;
    };
    let is_newtype_trait = trait_path
        .segments
        .last()
        .is_some_and(|segment| segment.ident == "Deref" || segment.ident == "From");
    let self_ty = &item.self_ty;
    is_newtype_trait
        && (mentions_any(quote::quote!(#self_ty), closed) || mentions_any(quote::quote!(#trait_path), closed))
}

