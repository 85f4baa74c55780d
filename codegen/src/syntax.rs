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
