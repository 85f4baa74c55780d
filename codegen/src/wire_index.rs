//! One typed index of the final wire types, built once after the type passes
//! (the way typify's `TypeSpace` answers later steps): every later step that
//! needs to know a type's fields (wire name, Rust identifier, type, docs,
//! whether required) asks it instead of working them out again from the
//! schema JSON or the syn tree.

use std::collections::{BTreeMap, BTreeSet};

use syn::{Attribute, Fields, Ident, Item, Type};

use crate::syntax::{field_wire_name, has_serde_item, is_option};

/// The wire types of `sdk/src/types.rs`, by name.
#[derive(Debug, Clone, Default)]
pub struct WireIndex<'a> {
    names: BTreeSet<String>,
    structs: BTreeMap<String, Vec<WireField<'a>>>,
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
    /// Indexes the top-level types of the generated types file. Flattened
    /// fields (an open object's extra properties) have no wire name of their
    /// own and are left out.
    pub fn of(types: &'a syn::File) -> Self {
        let mut index = Self::default();
        for item in &types.items {
            match item {
                Item::Struct(item) => {
                    index.names.insert(item.ident.to_string());
                    let fields = match &item.fields {
                        Fields::Named(fields) => fields
                            .named
                            .iter()
                            .filter(|field| !has_serde_item(&field.attrs, "flatten"))
                            .filter_map(|field| {
                                Some(WireField {
                                    wire: field_wire_name(field),
                                    ident: field.ident.as_ref()?,
                                    ty: &field.ty,
                                    docs: field.attrs.iter().filter(|attr| attr.path().is_ident("doc")).collect(),
                                    required: !is_option(&field.ty),
                                })
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    index.structs.insert(item.ident.to_string(), fields);
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
        self.structs.get(name).map(Vec::as_slice)
    }
}
