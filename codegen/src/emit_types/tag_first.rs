//! Internally tagged enums decode without buffering when the tag comes first.
//!
//! serde's derived `Deserialize` for `#[serde(tag = "type")]` enums first
//! copies the whole object into an internal buffer, then decodes the variant
//! from it: for `ThreadItem` (every `item/completed`, often large) that made
//! typed decoding slower than decoding into `serde_json::Value`. The runtime
//! always writes the tag first (serde serialises it first), so the generated
//! impl reads the first key: when it is the tag, the rest of the object is
//! decoded straight into the variant's fields; otherwise (another writer) the
//! object is collected and decoded from that, with the same result.
//!
//! Each struct-like variant gets a private helper struct with the variant's
//! fields and serde attributes, so field handling stays serde's own. A tag
//! the enum does not know goes to its `#[serde(untagged)]` fallback with the
//! whole object. Serialisation stays derived.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Attribute, Fields, Item, ItemEnum, Meta};

use crate::syntax::{has_serde_item, remove_derives, serde_items, string_literal, wire_name};

/// The wire name of a variant: its `rename`, else its identifier.
fn variant_wire_name(variant: &syn::Variant) -> String {
    wire_name(&variant.attrs, &variant.ident)
}

/// Replaces the derived `Deserialize` of every internally tagged enum.
pub(super) fn decode_tag_first(file: &mut syn::File) {
    let mut added = Vec::new();
    for item in &mut file.items {
        let Item::Enum(item) = item else { continue };
        let Some(tag) = internal_tag(&item.attrs) else { continue };
        if let Some(tokens) = tag_first_impl(item, &tag) {
            remove_derives(&mut item.attrs, &["Deserialize"]);
            added.push(tokens);
        }
    }
    for tokens in added {
        let items: syn::File = syn::parse2(tokens).expect("the tag-first decoder is valid Rust");
        file.items.extend(items.items);
    }
}

/// The tag of `#[serde(tag = "...")]` without `content` (adjacent tagging
/// does not buffer the same way and is left alone).
fn internal_tag(attrs: &[Attribute]) -> Option<String> {
    let items = serde_items(attrs);
    if items.iter().any(|meta| meta.path().is_ident("content") || meta.path().is_ident("rename_all")) {
        return None;
    }
    items.iter().find_map(|meta| match meta {
        Meta::NameValue(pair) if pair.path.is_ident("tag") => string_literal(&pair.value),
        _ => None,
    })
}

/// The decoder of one enum; `None` leaves the enum to serde's derive (a
/// shape this transform does not handle).
fn tag_first_impl(item: &ItemEnum, tag: &str) -> Option<TokenStream> {
    let name = &item.ident;
    let decode = format_ident!("decode_{}_fields", name.to_string().to_lowercase());
    let deny_unknown = has_serde_item(&item.attrs, "deny_unknown_fields");
    let mut helpers = Vec::new();
    let mut arms = Vec::new();
    let mut fallback = None;
    for variant in &item.variants {
        let ident = &variant.ident;
        if has_serde_item(&variant.attrs, "untagged") {
            fallback = Some(ident.clone());
            continue;
        }
        let wire = variant_wire_name(variant);
        match &variant.fields {
            Fields::Unit => arms.push(quote! {
                #wire => {
                    <::serde::de::IgnoredAny as ::serde::Deserialize>::deserialize(rest)?;
                    Ok(#name::#ident)
                }
            }),
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => arms.push(quote! {
                #wire => ::serde::Deserialize::deserialize(rest).map(#name::#ident)
            }),
            Fields::Named(fields) => {
                let helper = format_ident!("{}{}Fields", name, ident);
                let names: Vec<_> = fields.named.iter().map(|field| field.ident.clone()).collect();
                let fields = fields.named.iter().map(|field| {
                    let attrs = field.attrs.iter().filter(|attr| !attr.path().is_ident("doc"));
                    let (ident, ty) = (&field.ident, &field.ty);
                    quote!(#(#attrs)* #ident: #ty)
                });
                let deny = deny_unknown.then(|| quote!(#[serde(deny_unknown_fields)]));
                helpers.push(quote! {
                    #[derive(::serde::Deserialize)]
                    #deny
                    struct #helper { #(#fields),* }
                });
                arms.push(quote! {
                    #wire => {
                        let #helper { #(#names),* } = ::serde::Deserialize::deserialize(rest)?;
                        Ok(#name::#ident { #(#names),* })
                    }
                });
            }
            Fields::Unnamed(_) => return None,
        }
    }
    let unknown_arm = match &fallback {
        Some(fallback) => quote! {
            _ => {
                let mut object: ::serde_json::Map<::std::string::String, ::serde_json::Value> =
                    ::serde::Deserialize::deserialize(rest)?;
                object.insert(#tag.to_owned(), ::serde_json::Value::String(tag.to_owned()));
                Ok(#name::#fallback(::serde_json::Value::Object(object)))
            }
        },
        None => {
            let known: Vec<String> = item.variants.iter().map(variant_wire_name).collect();
            quote! {
                other => Err(::serde::de::Error::unknown_variant(other, &[#(#known),*]))
            }
        }
    };
    let expecting = format!("a `{name}` object");
    Some(quote! {
        #(#helpers)*

        /// Decodes the fields of the variant named `tag` from `rest` (the
        /// object without its tag).
        #[allow(non_snake_case)]
        fn #decode<'de, D: ::serde::Deserializer<'de>>(tag: &str, rest: D) -> ::std::result::Result<#name, D::Error> {
            match tag {
                #(#arms,)*
                #unknown_arm
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct TagFirst;

                impl<'de> ::serde::de::Visitor<'de> for TagFirst {
                    type Value = #name;

                    fn expecting(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        formatter.write_str(#expecting)
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<#name, A::Error> {
                        // Keys and the tag are borrowed from the input when they can be.
                        let first: ::std::option::Option<crate::wire_str::WireStr<'de>> = map.next_key()?;
                        if first.as_ref().map(crate::wire_str::WireStr::as_str) == Some(#tag) {
                            let tag: crate::wire_str::WireStr<'de> = map.next_value()?;
                            return #decode(tag.as_str(), ::serde::de::value::MapAccessDeserializer::new(map));
                        }
                        // The tag is not first: collect the object, then decode from it.
                        let mut object = ::serde_json::Map::new();
                        if let Some(key) = first {
                            object.insert(key.into(), map.next_value()?);
                        }
                        while let Some((key, value)) = map.next_entry::<::std::string::String, ::serde_json::Value>()? {
                            object.insert(key, value);
                        }
                        let tag = match object.remove(#tag) {
                            Some(::serde_json::Value::String(tag)) => tag,
                            _ => return Err(::serde::de::Error::missing_field(#tag)),
                        };
                        #decode(&tag, ::serde_json::Value::Object(object)).map_err(::serde::de::Error::custom)
                    }
                }

                deserializer.deserialize_map(TagFirst)
            }
        }
    })
}
