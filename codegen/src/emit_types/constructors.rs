//! Constructors for the types clients build: `TurnSteerParams::new(
//! expected_turn_id, input, thread_id)` sets the required fields (in field
//! order) and leaves every optional one unset.
//!
//! Why: code that builds a params type with a struct literal stops compiling
//! the day the schema adds an optional field, which is an additive change
//! for the protocol. Built with `new` (or `Default` plus field assignment),
//! it keeps compiling, and the SDK's own hand-written code uses nothing else.
//! A new *required* field changes `new`'s signature: that is a breaking
//! change, and the compiler says where.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{parse_quote, Field, Fields, Item, ItemStruct};

use crate::syntax::{has_serde_item, is_option};

/// Adds `new` to every struct named `...Params` (what the client sends as a
/// request) or `...Response` (what it sends back to a server request) that
/// has a required field; the others derive `Default`.
pub fn add_constructors(file: &mut syn::File) {
    let impls: Vec<Item> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) if is_built_by_clients(&item.ident.to_string()) => constructor(item),
            _ => None,
        })
        .map(|tokens| parse_quote!(#tokens))
        .collect();
    file.items.extend(impls);
}

fn is_built_by_clients(name: &str) -> bool {
    name.ends_with("Params") || name.ends_with("Response")
}

fn constructor(item: &ItemStruct) -> Option<TokenStream> {
    let Fields::Named(named) = &item.fields else { return None };
    let required: Vec<&Field> = named.named.iter().filter(|field| is_required(field)).collect();
    if required.is_empty() {
        return None;
    }
    let ident = &item.ident;
    let arguments = required.iter().map(|field| {
        let (name, ty) = (&field.ident, &field.ty);
        quote!(#name: #ty)
    });
    let values = named.named.iter().map(|field| {
        let name = &field.ident;
        if is_required(field) {
            quote!(#name)
        } else {
            quote!(#name: ::std::default::Default::default())
        }
    });
    let doc = format!(
        " A `{ident}` with the required fields given and every optional one unset \
         (the runtime's default)."
    );
    let many = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    Some(quote! {
        impl #ident {
            #[doc = #doc]
            #many
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#values),* }
            }
        }
    })
}

/// A field the wire requires: not an `Option` and without a serde default.
fn is_required(field: &Field) -> bool {
    !is_option(&field.ty) && !has_serde_item(&field.attrs, "default")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_with_required_fields_get_a_constructor() {
        let mut file: syn::File = parse_quote! {
            pub struct SteerParams {
                pub extra: ::std::option::Option<i64>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::string::String>,
                #[serde(rename = "threadId")]
                pub thread_id: ::std::string::String,
            }
            pub struct AllOptionalParams {
                pub extra: ::std::option::Option<i64>,
            }
            pub struct NotParamsAtAll {
                pub id: ::std::string::String,
            }
        };
        add_constructors(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("pub fn new(thread_id: ::std::string::String) -> Self"), "{text}");
        assert!(text.contains("extra: ::std::default::Default::default()"), "{text}");
        assert!(text.contains("tags: ::std::default::Default::default()"), "{text}");
        assert_eq!(text.matches("pub fn new").count(), 1, "only params with a required field: {text}");
    }
}
