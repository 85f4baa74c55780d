//! Small helpers over syn and quote that the emitters share: reading names,
//! types, paths and expressions written in the tables as Rust (an error, never
//! a panic, when they are not), and reading the syn trees typify emits.

use anyhow::{anyhow, Result};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// `name` as an identifier; an error when it is not one or is a keyword.
pub fn ident(name: &str) -> Result<Ident> {
    syn::parse_str::<Ident>(name).map_err(|_| anyhow!("`{name}` is not a Rust identifier (or is a keyword)"))
}

/// An identifier the generator derived itself from a name the catalog has
/// already checked (PascalCase or snake_case of a wire name).
pub fn known_ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `text` as a Rust type.
pub fn rust_type(text: &str) -> Result<syn::Type> {
    syn::parse_str(text).map_err(|error| anyhow!("`{text}` is not a Rust type ({error})"))
}

/// `text` as a path (to a function or a type).
pub fn rust_path(text: &str) -> Result<syn::Path> {
    syn::parse_str(text).map_err(|error| anyhow!("`{text}` is not a Rust path ({error})"))
}

/// `text` as a Rust expression.
pub fn rust_expr(text: &str) -> Result<syn::Expr> {
    syn::parse_str(text).map_err(|error| anyhow!("`{text}` is not a Rust expression ({error})"))
}

/// `crate::types::<name>`: a wire type named by the catalog.
pub fn wire_type_path(name: &str) -> TokenStream {
    let name = known_ident(name);
    quote!(crate::types::#name)
}

/// Whether `ty` is an `Option<..>` (by its last path segment, as typify
/// writes `::std::option::Option<T>`).
pub fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "Option"))
}

/// The `T` of an `Option<T>`.
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let segment = path.path.segments.last()?;
    if segment.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// The comma-separated items of one `#[serde(...)]` attribute; `None` for
/// another attribute.
pub fn serde_attr_items(attr: &syn::Attribute) -> Option<syn::punctuated::Punctuated<syn::Meta, syn::Token![,]>> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated).ok()
}

/// The items of every `#[serde(...)]` attribute among `attrs`, in order.
pub fn serde_items(attrs: &[syn::Attribute]) -> Vec<syn::Meta> {
    attrs.iter().filter_map(serde_attr_items).flatten().collect()
}

/// Whether a `#[serde(...)]` item among `attrs` is named `key` (`default`,
/// `flatten`, `default = "f"`, ...).
pub fn has_serde_item(attrs: &[syn::Attribute], key: &str) -> bool {
    serde_items(attrs).iter().any(|meta| meta.path().is_ident(key))
}

/// The string of a `#[serde(key = "...")]` item among `attrs`.
pub fn serde_string(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    serde_items(attrs).iter().find_map(|meta| match meta {
        syn::Meta::NameValue(pair) if pair.path.is_ident(key) => string_literal(&pair.value),
        _ => None,
    })
}

/// The value of a `#[serde(rename = "..")]` among `attrs`.
pub fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    serde_string(attrs, "rename")
}

/// A name on the wire: the `rename` among `attrs`, else the Rust name
/// (without `r#`).
pub fn wire_name(attrs: &[syn::Attribute], ident: &Ident) -> String {
    serde_rename(attrs).unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned())
}

/// The text of a string literal expression.
pub fn string_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => Some(text.value()),
        _ => None,
    }
}

/// Adds `name` (e.g. `Default`) to the first `#[derive(..)]` among `attrs`
/// that lacks it.
pub fn add_derive(attrs: &mut [syn::Attribute], name: &str) {
    let trait_ident = known_ident(name);
    for attr in attrs.iter_mut().filter(|attr| attr.path().is_ident("derive")) {
        let Ok(mut derives) = attr.parse_args_with(derive_list) else { continue };
        if !derives.iter().any(|path| path.is_ident(name)) {
            derives.push(syn::parse_quote!(#trait_ident));
            *attr = syn::parse_quote!(#[derive(#derives)]);
        }
        return;
    }
}

/// Removes the traits named `names` (by their last path segment, so
/// `::serde::Deserialize` is `Deserialize`) from every `#[derive(..)]` among
/// `attrs`.
pub fn remove_derives(attrs: &mut [syn::Attribute], names: &[&str]) {
    for attr in attrs.iter_mut().filter(|attr| attr.path().is_ident("derive")) {
        let Ok(derives) = attr.parse_args_with(derive_list) else { continue };
        let kept: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> = derives
            .into_iter()
            .filter(|path| !path.segments.last().is_some_and(|last| names.iter().any(|name| last.ident == name)))
            .collect();
        *attr = syn::parse_quote!(#[derive(#kept)]);
    }
}

fn derive_list(input: syn::parse::ParseStream<'_>) -> syn::Result<syn::punctuated::Punctuated<syn::Path, syn::Token![,]>> {
    syn::punctuated::Punctuated::parse_terminated(input)
}

/// Whether any identifier among `tokens` (at any depth) is one of `names`.
pub fn mentions_any(tokens: TokenStream, names: &std::collections::BTreeSet<String>) -> bool {
    tokens.into_iter().any(|token| match token {
        proc_macro2::TokenTree::Ident(ident) => names.contains(&ident.to_string()),
        proc_macro2::TokenTree::Group(group) => mentions_any(group.stream(), names),
        _ => false,
    })
}

/// A struct field's name on the wire (see [`wire_name`]); empty for a tuple field.
pub fn field_wire_name(field: &syn::Field) -> String {
    field.ident.as_ref().map(|ident| wire_name(&field.attrs, ident)).unwrap_or_default()
}
