//! Emits the typed API over the method catalog:
//! - `sdk/src/client_methods.rs`: one async method on `Client` per client request;
//! - `sdk/src/handler.rs`: the `ServerRequestHandler` trait, one method per
//!   server request, each defaulting to the fail-closed answer of the same
//!   name in `templates/sdk/src/handler_defaults.rs`, and its dispatcher; the
//!   fixed parts (`DeclineAll`, encoding an answer) are in
//!   `templates/sdk/src/handler/parts.rs`.

use anyhow::{Context, Result};
use proc_macro2::TokenStream;
use quote::quote;

use crate::catalog::{Catalog, Method, Params};
use crate::syntax::{known_ident as ident, wire_type_path as type_path};

/// `impl Client { ... }` with every client request.
pub fn emit_client_methods(catalog: &Catalog) -> Result<syn::File> {
    let methods = catalog.client_requests.iter().map(client_method).collect::<Result<Vec<_>>>()?;
    syn::parse2(quote! {
        //! Every client request of the protocol as a typed method on [`Client`].

        use crate::client::Client;
        use crate::error::Result;
        use crate::methods::client as method;

        impl Client {
            #(#methods)*
        }
    })
    .context("the emitted client methods are not valid Rust")
}

fn client_method(method: &Method) -> Result<TokenStream> {
    let name = ident(&method.fn_ident);
    let marker = ident(&method.type_ident);
    let response = type_path(response_of(method, "ClientRequest.json")?);
    let doc = format!(
        "{}\n\nSends [`method::{}`]; see it for the params and response types.",
        method.headline(),
        method.type_ident
    );
    let (param, argument) = match &method.params {
        Params::None => (quote!(), quote!(())),
        Params::Required(name) => {
            let ty = type_path(name);
            (quote!(params: #ty), quote!(params))
        }
        Params::Optional(name) => {
            let ty = type_path(name);
            (quote!(params: Option<#ty>), quote!(params))
        }
    };
    Ok(quote! {
        #[doc = #doc]
        pub async fn #name(&self, #param) -> Result<#response> {
            self.request::<method::#marker>(#argument).await
        }
    })
}

/// The handler trait, the default handler and the dispatcher.
pub fn emit_handler(catalog: &Catalog) -> Result<syn::File> {
    let trait_methods = catalog.server_requests.iter().map(handler_method).collect::<Result<Vec<_>>>()?;
    let dispatch_arms = catalog.server_requests.iter().map(|method| {
        let variant = ident(&method.type_ident);
        let name = ident(&method.fn_ident);
        quote!(ServerRequest::#variant(params) => to_value(handler.#name(params).await?))
    });
    syn::parse2(quote! {
        //! Answering the app-server's requests (approvals, user input,
        //! elicitations, tool calls, token refresh).
        //!
        //! Implement [`ServerRequestHandler`] for the requests you want to
        //! answer; every method you leave out keeps its fail-closed default
        //! from [`crate::handler_defaults`] (decline, deny, or a JSON-RPC
        //! error), so nothing is ever approved silently and the app-server
        //! always gets an answer.

        pub use crate::handler_support::{ready, HandlerError, HandlerFuture};
        use crate::methods::ServerRequest;
        use parts::to_value;
        pub use parts::DeclineAll;

        mod parts;

        /// Answers the app-server's requests. Each method gets the request's
        /// params and returns the response the app-server expects; an error
        /// (or a panic) is sent back as a JSON-RPC error.
        pub trait ServerRequestHandler: Send + Sync + 'static {
            #(#trait_methods)*

            /// A request this SDK version does not know. Default: JSON-RPC
            /// "method not found".
            fn unknown(&self, method: String, params: Option<serde_json::Value>) -> HandlerFuture<'_, serde_json::Value> {
                let _ = params;
                ready(Err(HandlerError::unsupported(&method)))
            }
        }

        /// Routes a server request to its handler method.
        pub(crate) async fn dispatch(
            handler: &dyn ServerRequestHandler,
            request: ServerRequest,
        ) -> Result<serde_json::Value, HandlerError> {
            match request {
                #(#dispatch_arms,)*
                ServerRequest::Unknown { method, params } => handler.unknown(method, params).await,
            }
        }
    })
    .context("the emitted handler is not valid Rust")
}

fn handler_method(method: &Method) -> Result<TokenStream> {
    let name = ident(&method.fn_ident);
    // Every server request so far has params; one without would need a
    // handler method (and a fail-closed default) without them.
    let params = method.params.type_name().with_context(|| {
        format!(
            "schema/snapshot/ServerRequest.json: the server request `{}` has no params; \
             the generator gives every handler method the request's params: teach \
             `emit_api::handler_method` (and `templates/sdk/src/handler_defaults.rs`) \
             a method without them",
            method.wire
        )
    })?;
    let params = type_path(params);
    let response = type_path(response_of(method, "ServerRequest.json")?);
    let doc = format!(
        "{}\n\nDefault: [`crate::handler_defaults::{}`].",
        method.headline(),
        method.fn_ident
    );
    Ok(quote! {
        #[doc = #doc]
        fn #name(&self, params: #params) -> HandlerFuture<'_, #response> {
            ready(crate::handler_defaults::#name(&params))
        }
    })
}

/// The response type of a request; an error naming the fix when the catalog
/// found none.
fn response_of<'a>(method: &'a Method, file: &str) -> Result<&'a str> {
    method.response.as_deref().with_context(|| {
        format!(
            "schema/snapshot/{file}: the request `{}` has no response type; name it in \
             templates/response_types.toml under `[responses]` (`\"{}\" = \"<ResponseType>\"`)",
            method.wire, method.wire
        )
    })
}

