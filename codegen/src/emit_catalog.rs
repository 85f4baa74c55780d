//! Emits `sdk/src/methods.rs`: the method catalog as Rust.
//!
//! - one marker type per client request, implementing `ClientMethod` (method
//!   string, params type, response type);
//! - one marker type per server request, implementing `ServerRequestMethod`;
//! - the `ServerNotification` and `ServerRequest` enums, one typed variant per
//!   method plus `Unknown { method, params }` for what a newer runtime may send;
//! - tables of every method, so tests can count them against the schema.
//!
//! The parts that depend on nothing in the schema (the `ClientMethod` and
//! `ServerRequestMethod` traits, `MethodInfo`, the one-pass message decoding)
//! are Rust files under `templates/sdk/src/methods/`, submodules of the
//! generated module.

use proc_macro2::TokenStream;
use quote::quote;

use heck::ToSnakeCase;

use crate::catalog::{Catalog, IdAccess, Method, Params};
use crate::syntax::known_ident as ident;

/// The catalog as a Rust module.
pub fn emit_catalog(catalog: &Catalog) -> syn::File {
    let client = marker_module(
        "client",
        "Client → server requests: one marker type per method, for [`ClientMethod`].",
        &catalog.client_requests,
        &quote!(super::ClientMethod),
    );
    let server = marker_module(
        "server",
        "Server → client requests: one marker type per method, for [`ServerRequestMethod`].",
        &catalog.server_requests,
        &quote!(super::ServerRequestMethod),
    );
    let tables = method_tables(catalog);
    let notification = message_enum(
        "ServerNotification",
        "A notification from the app-server, decoded by its `method`.\n\n\
         A method this SDK does not know (from a newer runtime) becomes \
         [`ServerNotification::Unknown`], keeping its raw params.",
        &catalog.notifications,
    );
    let request = message_enum(
        "ServerRequest",
        "A request from the app-server to the client, decoded by its `method`. \
         Each is answered with the response type of its marker in [`server`].\n\n\
         A method this SDK does not know becomes [`ServerRequest::Unknown`].",
        &catalog.server_requests,
    );
    let tokens = quote! {
        //! The protocol's method catalog, generated from `ClientRequest.json`,
        //! `ServerNotification.json` and `ServerRequest.json`.

        use serde::{Deserialize, Deserializer, Serialize, Serializer};
        use serde_json::value::RawValue;

        pub(crate) use decode::{DecodeByMethod, MessageKey, ParamsSeed};
        use decode::{decode_message, raw_id, serialize_message};
        pub use traits::{ClientMethod, MethodInfo, ServerRequestMethod};

        mod decode;
        mod traits;

        #client
        #server
        #tables
        #notification
        #request
    };
    syn::parse2(tokens).expect("the emitted catalog is valid Rust")
}

fn marker_module(name: &str, doc: &str, methods: &[Method], trait_path: &TokenStream) -> TokenStream {
    let module = ident(name);
    let markers = methods.iter().map(|method| marker_type(method, trait_path));
    quote! {
        #[doc = #doc]
        pub mod #module {
            #(#markers)*
        }
    }
}

fn marker_type(method: &Method, trait_path: &TokenStream) -> TokenStream {
    let name = ident(&method.type_ident);
    let wire = &method.wire;
    let doc = method_doc(method);
    let params = params_type(&method.params);
    let response = method
        .response
        .as_deref()
        .map(|response| {
            let response = ident(response);
            quote!(crate::types::#response)
        })
        .unwrap_or_else(|| quote!(()));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name;

        impl #trait_path for #name {
            const METHOD: &'static str = #wire;
            type Params = #params;
            type Response = #response;
        }
    }
}

fn params_type(params: &Params) -> TokenStream {
    match params {
        Params::None => quote!(()),
        Params::Required(name) => {
            let name = ident(name);
            quote!(crate::types::#name)
        }
        Params::Optional(name) => {
            let name = ident(name);
            quote!(Option<crate::types::#name>)
        }
    }
}

/// The doc of a method: its wire name, its description, and its types as
/// intra-doc links.
fn method_doc(method: &Method) -> String {
    let mut doc = method.headline();
    doc.push_str("\n\n");
    match &method.params {
        Params::None => doc.push_str("Params: none."),
        Params::Required(name) => doc.push_str(&format!("Params: [`{name}`](crate::types::{name}).")),
        Params::Optional(name) => {
            doc.push_str(&format!("Params (optional): [`{name}`](crate::types::{name})."))
        }
    }
    if let Some(response) = &method.response {
        doc.push_str(&format!(" Response: [`{response}`](crate::types::{response})."));
    }
    doc
}

fn method_tables(catalog: &Catalog) -> TokenStream {
    let table = |doc: &str, name: &str, methods: &[Method]| {
        let name = ident(name);
        let rows = methods.iter().map(|method| {
            let wire = &method.wire;
            let params = option_str(method.params.type_name());
            let optional = matches!(method.params, Params::Optional(_));
            let response = option_str(method.response.as_deref());
            quote! {
                MethodInfo { method: #wire, params: #params, params_optional: #optional, response: #response }
            }
        });
        quote! {
            #[doc = #doc]
            pub const #name: &[MethodInfo] = &[#(#rows),*];
        }
    };
    let client = table("Every client → server request.", "CLIENT_REQUESTS", &catalog.client_requests);
    let notifications = table(
        "Every server → client notification.",
        "SERVER_NOTIFICATIONS",
        &catalog.notifications,
    );
    let server = table("Every server → client request.", "SERVER_REQUESTS", &catalog.server_requests);
    let client_notifications = table(
        "Every client → server notification.",
        "CLIENT_NOTIFICATIONS",
        &catalog.client_notifications,
    );
    quote! { #client #notifications #server #client_notifications }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

/// An enum with one variant per method, carrying its typed params, plus
/// `Unknown`; with `method()`, `decode()` and serde impls over `{method, params}`.
fn message_enum(name: &str, doc: &str, methods: &[Method]) -> TokenStream {
    let name = ident(name);
    let variants = methods.iter().map(|method| {
        let variant = ident(&method.type_ident);
        let variant_doc = method_doc(method);
        let params = params_type(&method.params);
        quote! {
            #[doc = #variant_doc]
            #variant(#params)
        }
    });
    let method_arms = methods.iter().map(|method| {
        let variant = ident(&method.type_ident);
        let wire = &method.wire;
        quote!(Self::#variant(_) => #wire)
    });
    let decode_arms = methods.iter().map(|method| {
        let variant = ident(&method.type_ident);
        let wire = &method.wire;
        quote!(#wire => *slot = Some(Self::#variant(Deserialize::deserialize(params)?)))
    });
    let thread_id = id_getter(
        ("thread_id", "threadId", "thread"),
        "The id of the thread this message is about, if it names one. For \
         `Unknown` (a method this SDK does not know, or params that did not \
         decode) it is read from the raw params: `threadId`, else `thread.id`.",
        methods,
        |method| method.thread_id.as_ref(),
    );
    let turn_id = id_getter(
        ("turn_id", "turnId", "turn"),
        "The id of the turn this message is about, if it names one. For \
         `Unknown` it is read from the raw params: `turnId`, else `turn.id`.",
        methods,
        |method| method.turn_id.as_ref(),
    );
    let serialize_arms = methods.iter().map(|method| {
        let variant = ident(&method.type_ident);
        quote!(Self::#variant(params) => serialize_message(serializer, self.method(), Some(params)))
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        // Variants hold the params by value so they can be matched directly;
        // a message is decoded once and moved, never stored in bulk.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants,)*
            /// A method this SDK version does not know, kept as it came.
            Unknown {
                /// The wire method name.
                method: String,
                /// The raw params, if any.
                params: Option<serde_json::Value>,
            },
        }

        impl #name {
            /// The wire method name.
            pub fn method(&self) -> &str {
                match self {
                    #(#method_arms,)*
                    Self::Unknown { method, .. } => method,
                }
            }

            /// Decodes the params of `method`. An unknown method becomes
            /// `Unknown`; a known method whose params do not match its type is
            /// an error.
            pub fn decode(method: &str, params: Option<&RawValue>) -> serde_json::Result<Self> {
                match params {
                    Some(raw) => Self::decode_params_from(method, &mut serde_json::Deserializer::from_str(raw.get())),
                    None => Self::decode_params_from(method, serde::de::value::UnitDeserializer::new()),
                }
            }

            /// Whether this is the `Unknown` fallback.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown { .. })
            }

            #thread_id
            #turn_id
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms,)*
                    Self::Unknown { method, params } => serialize_message(serializer, method, params.as_ref()),
                }
            }
        }

        impl DecodeByMethod for #name {
            fn decode_params_into<'de, D: Deserializer<'de>>(method: &str, params: D, slot: &mut Option<Self>) -> Result<(), D::Error> {
                match method {
                    #(#decode_arms,)*
                    _ => {
                        *slot = Some(Self::Unknown {
                            method: method.to_owned(),
                            params: Option::<serde_json::Value>::deserialize(params)?,
                        })
                    }
                }
                Ok(())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                decode_message(deserializer)
            }
        }
    }
}

/// A getter that reads an id out of the variants whose params carry one,
/// and out of the raw params of `Unknown` (`names`: the getter, the id's
/// wire key, the wire key of the object whose `id` it may be).
fn id_getter(
    names: (&str, &str, &str),
    doc: &str,
    methods: &[Method],
    access: impl Fn(&Method) -> Option<&IdAccess>,
) -> TokenStream {
    let (name, key, object) = names;
    let name = ident(name);
    let arms = methods.iter().filter_map(|method| {
        let variant = ident(&method.type_ident);
        let read = match access(method)? {
            IdAccess::Field { property, required: true } => {
                let field = ident(&property.to_snake_case());
                quote!(Some(params.#field.as_str()))
            }
            IdAccess::Field { property, required: false } => {
                let field = ident(&property.to_snake_case());
                quote!(params.#field.as_deref())
            }
            IdAccess::NestedId { property } => {
                let field = ident(&property.to_snake_case());
                quote!(Some(params.#field.id.as_str()))
            }
        };
        Some(quote!(Self::#variant(params) => #read))
    });
    quote! {
        #[doc = #doc]
        pub fn #name(&self) -> Option<&str> {
            match self {
                #(#arms,)*
                Self::Unknown { params: Some(params), .. } => raw_id(params, #key, #object),
                _ => None,
            }
        }
    }
}

