//! Optional fields keep their presence.
//!
//! For a field the schema does not require but gives a default, typify emits
//! the plain type with `#[serde(default)]` (and sometimes
//! `skip_serializing_if = "Vec::is_empty"`). Decoding then forgets whether
//! the field was sent, and encoding either adds it (`"flag": false` where the
//! runtime sent nothing) or drops it (`"textElements": []` where it sent an
//! empty list): a message no longer re-encodes as it came, and a request
//! cannot say "leave it to the runtime's default". Every such field becomes
//! `Option<T>` with `skip_serializing_if = "Option::is_none"`: `None` means
//! absent, and the runtime applies its default.
//!
//! typify writes a manual `Default` impl (with helper functions in a
//! `defaults` module) only for types whose fields all have defaults; once
//! those fields are options, a derived `Default` says the same, so the impl
//! and the then unused helpers go.

use std::collections::BTreeSet;

use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Attribute, Field, Item, Meta, Token};

/// Rewrites every defaulted field as an `Option` (see the module docs).
pub(super) fn keep_optional_presence(file: &mut syn::File) {
    let mut rewriter = FieldRewriter::default();
    rewriter.visit_file_mut(file);
    replace_manual_defaults(file, &rewriter.types_with_rewritten_fields);
    remove_unused_default_helpers(file);
}

#[derive(Default)]
struct FieldRewriter {
    current_type: Option<String>,
    types_with_rewritten_fields: BTreeSet<String>,
}

impl VisitMut for FieldRewriter {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        self.current_type = Some(item.ident.to_string());
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        // Variant fields are rewritten too, but an enum's `Default` (a unit
        // variant) does not depend on them.
        self.current_type = None;
        visit_mut::visit_item_enum_mut(self, item);
    }

    fn visit_field_mut(&mut self, field: &mut Field) {
        if field.ident.is_some() && has_serde_default(&field.attrs) && !is_option(&field.ty) {
            make_optional(field);
            if let Some(name) = &self.current_type {
                self.types_with_rewritten_fields.insert(name.clone());
            }
        }
    }
}

/// Whether a `#[serde(...)]` attribute on the field says `default` (with or
/// without a function).
fn has_serde_default(attrs: &[Attribute]) -> bool {
    attrs.iter().filter_map(serde_items).flatten().any(|meta| meta.path().is_ident("default"))
}

/// The comma-separated items of a `#[serde(...)]` attribute.
fn serde_items(attr: &Attribute) -> Option<Punctuated<Meta, Token![,]>> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated).ok()
}

fn is_option(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else { return false };
    path.path.segments.last().is_some_and(|segment| segment.ident == "Option")
}

/// `T` with `default[ = f]` and `skip_serializing_if = ..` becomes `Option<T>`
/// with `default, skip_serializing_if = "Option::is_none"`; other serde items
/// (the rename) stay.
fn make_optional(field: &mut Field) {
    let ty = &field.ty;
    field.ty = parse_quote!(::std::option::Option<#ty>);
    let mut kept: Vec<Meta> = Vec::new();
    field.attrs.retain(|attr| match serde_items(attr) {
        Some(items) => {
            kept.extend(items.into_iter().filter(|meta| {
                !meta.path().is_ident("default") && !meta.path().is_ident("skip_serializing_if")
            }));
            false
        }
        None => true,
    });
    kept.push(parse_quote!(default));
    kept.push(parse_quote!(skip_serializing_if = "::std::option::Option::is_none"));
    field.attrs.push(parse_quote!(#[serde(#(#kept),*)]));
}

/// Replaces typify's manual `impl Default` of the rewritten types with a
/// derived one (every field is now an `Option` or has its own default).
fn replace_manual_defaults(file: &mut syn::File, rewritten: &BTreeSet<String>) {
    let mut needs_derive = BTreeSet::new();
    file.items.retain(|item| match manual_default_impl_target(item) {
        Some(target) if rewritten.contains(&target) => {
            needs_derive.insert(target);
            false
        }
        _ => true,
    });
    for item in &mut file.items {
        if let Item::Struct(item) = item {
            if needs_derive.contains(&item.ident.to_string()) {
                add_default_derive(&mut item.attrs);
            }
        }
    }
}

/// `Some("X")` for `impl ::std::default::Default for X`.
fn manual_default_impl_target(item: &Item) -> Option<String> {
    let Item::Impl(item) = item else { return None };
    let (_, path, _) = item.trait_.as_ref()?;
    if path.segments.last()?.ident != "Default" {
        return None;
    }
    let syn::Type::Path(self_ty) = item.self_ty.as_ref() else { return None };
    Some(self_ty.path.segments.last()?.ident.to_string())
}

fn add_default_derive(attrs: &mut [Attribute]) {
    for attr in attrs.iter_mut().filter(|attr| attr.path().is_ident("derive")) {
        let Ok(mut derives) = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated) else {
            continue;
        };
        if !derives.iter().any(|path| path.is_ident("Default")) {
            derives.push(parse_quote!(Default));
            *attr = parse_quote!(#[derive(#derives)]);
        }
        return;
    }
}

/// Drops the functions of typify's `defaults` module that nothing calls any
/// more, and the module if it ends up empty.
fn remove_unused_default_helpers(file: &mut syn::File) {
    let outside: String = file
        .items
        .iter()
        .filter(|item| !is_defaults_module(item))
        .map(|item| item.to_token_stream().to_string())
        .collect();
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "defaults" {
            continue;
        }
        if let Some((_, items)) = &mut module.content {
            items.retain(|inner| match inner {
                Item::Fn(function) => outside.contains(&format!("defaults :: {}", function.sig.ident)),
                _ => true,
            });
        }
    }
    file.items.retain(|item| {
        !(is_defaults_module(item)
            && matches!(item, Item::Mod(module) if module.content.as_ref().is_none_or(|(_, items)| items.is_empty())))
    });
}

fn is_defaults_module(item: &Item) -> bool {
    matches!(item, Item::Mod(module) if module.ident == "defaults")
}
