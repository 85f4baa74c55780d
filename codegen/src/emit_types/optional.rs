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

use syn::visit_mut::{self, VisitMut};
use syn::{parse_quote, Attribute, Field, Item, Meta};

use crate::syntax::{add_derive, has_serde_item, is_option, serde_attr_items};

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
        if field.ident.is_some() && has_serde_item(&field.attrs, "default") && !is_option(&field.ty) {
            make_optional(field);
            if let Some(name) = &self.current_type {
                self.types_with_rewritten_fields.insert(name.clone());
            }
        }
    }
}

/// `T` with `default[ = f]` and `skip_serializing_if = ..` becomes `Option<T>`
/// with `default, skip_serializing_if = "Option::is_none"`; other serde items
/// (the rename) stay.
fn make_optional(field: &mut Field) {
    let ty = &field.ty;
    field.ty = parse_quote!(::std::option::Option<#ty>);
    let mut kept: Vec<Meta> = Vec::new();
    field.attrs.retain(|attr| match serde_attr_items(attr) {
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
                add_derive(&mut item.attrs, "Default");
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

/// Drops the functions of typify's `defaults` module that nothing calls any
/// more, and the module if it ends up empty.
fn remove_unused_default_helpers(file: &mut syn::File) {
    let mut used = DefaultHelperUses::default();
    for item in file.items.iter_mut().filter(|item| !is_defaults_module(item)) {
        used.visit_item_mut(item);
    }
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        if module.ident != "defaults" {
            continue;
        }
        if let Some((_, items)) = &mut module.content {
            items.retain(|inner| match inner {
                Item::Fn(function) => used.names.contains(&function.sig.ident.to_string()),
                _ => true,
            });
        }
    }
    file.items.retain(|item| {
        !(is_defaults_module(item)
            && matches!(item, Item::Mod(module) if module.content.as_ref().is_none_or(|(_, items)| items.is_empty())))
    });
}

/// The helpers of the `defaults` module that code refers to: as a path
/// (`defaults::name()` in a `Default` impl) or in a serde attribute
/// (`#[serde(default = "defaults::name")]`).
#[derive(Default)]
struct DefaultHelperUses {
    names: BTreeSet<String>,
}

impl DefaultHelperUses {
    fn note(&mut self, path: &syn::Path) {
        let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
        if let [.., module, helper] = segments.as_slice() {
            if module.ident == "defaults" {
                self.names.insert(helper.ident.to_string());
            }
        }
    }
}

impl VisitMut for DefaultHelperUses {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.note(path);
        visit_mut::visit_path_mut(self, path);
    }

    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        for meta in serde_attr_items(attr).into_iter().flatten() {
            let Meta::NameValue(pair) = meta else { continue };
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(function), .. }) = &pair.value else { continue };
            if pair.path.is_ident("default") {
                if let Ok(function) = function.parse::<syn::ExprPath>() {
                    self.note(&function.path);
                }
            }
        }
    }
}

fn is_defaults_module(item: &Item) -> bool {
    matches!(item, Item::Mod(module) if module.ident == "defaults")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `defaults` helpers still referred to (by a path, or by a serde
    /// attribute, generic or not) stay; the others go.
    #[test]
    fn unused_default_helpers_are_found_by_syntax_not_text() {
        let mut file: syn::File = parse_quote! {
            pub struct A {
                #[serde(default = "defaults::a")]
                pub x: Option<u8>,
                #[serde(default = "defaults::default_u64::<u8, 3>")]
                pub z: Option<u8>,
            }
            pub struct B { pub y: u8 }
            impl ::std::default::Default for B {
                fn default() -> Self { Self { y: defaults::b() } }
            }
            /// Mentions defaults::c in a doc, which is not a use.
            pub struct C;
            pub mod defaults {
                pub fn a() -> Option<u8> { None }
                pub fn b() -> u8 { 1 }
                pub fn c() -> u8 { 2 }
                pub fn default_u64<T, const V: u64>() -> T { todo!() }
            }
        };
        remove_unused_default_helpers(&mut file);
        let Some(Item::Mod(module)) = file.items.last() else { panic!("the defaults module stays") };
        let kept: Vec<String> = module.content.as_ref().unwrap().1.iter().filter_map(|item| match item {
            Item::Fn(function) => Some(function.sig.ident.to_string()),
            _ => None,
        }).collect();
        assert_eq!(kept, ["a", "b", "default_u64"]);
    }
}
