//! One typed index of the final wire types, built once after the type passes
//! (the way typify's `TypeSpace` answers later steps): every later step that
//! needs to know a type's fields (wire name, Rust identifier, type, docs,
//! whether required) asks it instead of working them out again from the
//! schema JSON or the syn tree.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use syn::{Attribute, Fields, Ident, Item, ItemStruct, Type};

use crate::syntax::{is_option, serde_items, string_literal};

/// The wire types (all of `sdk/src/types.rs` and `types/*.rs`), by name.
#[derive(Debug, Clone, Default)]
pub struct WireIndex<'a> {
    names: BTreeSet<String>,
    structs: BTreeMap<String, (&'a ItemStruct, OnceCell<Vec<WireField<'a>>>)>,
}

/// One named field of a wire struct.
#[derive(Debug, Clone)]
pub struct WireField<'a> {
    /// The name on the wire (`threadId`).
    pub wire: String,
    /// The Rust field (`thread_id`).
    pub ident: &'a Ident,
    /// Its Rust type, as the type passes left it.
    pub ty: &'a Type,
    /// Its `#[doc]` attributes.
    pub docs: Vec<&'a Attribute>,
    /// Whether a value must be given (the type is not an `Option`).
    pub required: bool,
}

impl<'a> WireIndex<'a> {
    /// Indexes the top-level types of the generated types file. A struct's
    /// fields are read when first asked for (most structs never are).
    pub fn of(types: &'a syn::File) -> Self {
        let mut index = Self::default();
        for item in &types.items {
            match item {
                Item::Struct(item) => {
                    index.names.insert(item.ident.to_string());
                    index.structs.insert(item.ident.to_string(), (item, OnceCell::new()));
                }
                Item::Enum(item) => {
                    index.names.insert(item.ident.to_string());
                }
                Item::Type(item) => {
                    index.names.insert(item.ident.to_string());
                }
                _ => {}
            }
        }
        index
    }

    /// The names of every type (struct, enum, alias).
    pub fn type_names(&self) -> &BTreeSet<String> {
        &self.names
    }

    /// The fields of the struct `name`; `None` when `name` is not a struct.
    pub fn fields(&self, name: &str) -> Option<&[WireField<'a>]> {
        let (item, fields) = self.structs.get(name)?;
        Some(fields.get_or_init(|| fields_of(item)))
    }
}

/// The named fields of a struct. Flattened fields (an open object's extra
/// properties) have no wire name of their own and are left out.
fn fields_of<'a>(item: &'a ItemStruct) -> Vec<WireField<'a>> {
    let Fields::Named(fields) = &item.fields else { return Vec::new() };
    fields
        .named
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            // One parse of the serde attributes serves both questions.
            let serde = serde_items(&field.attrs);
            if serde.iter().any(|meta| meta.path().is_ident("flatten")) {
                return None;
            }
            let rename = serde.iter().find_map(|meta| match meta {
                syn::Meta::NameValue(pair) if pair.path.is_ident("rename") => string_literal(&pair.value),
                _ => None,
            });
            Some(WireField {
                wire: rename.unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned()),
                ident,
                ty: &field.ty,
                docs: field.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect(),
                required: !is_option(&field.ty),
            })
        })
        .collect()
}
