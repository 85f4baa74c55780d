//! Emits the forwarding methods between the SDK's layers, so that a setting
//! or a handle method is written once, in a template, and every layer that
//! wraps it gets the same method (signature, generics and docs) for free.
//!
//! A [`Forwarding`] names a *source* file under `templates/sdk/`. Every
//! method of every inherent `impl` block in it is forwarded to each of its
//! [`Target`]s; the file holds nothing else that is `impl`'d, so the set of
//! forwarded methods is exactly what the file shows. The forwarding methods
//! are emitted into a child module of the source (`mod forward;`, which the
//! source declares), so names in their signatures and intra-doc links resolve
//! exactly as they do in the source (the child starts with `use super::*;`).
//! In the docs, `Self::` becomes the source type (`Self` is another type in
//! the target), and a last line says where the method forwards to.
//!
//! Two shapes of target ([`Via`]):
//! - [`Via::Builder`]: a builder that wraps the source builder and can edit
//!   it with a closure (`with_client`, `with_async`). Forwarded: setters
//!   `fn name(mut self, ..) -> Self`, as `self.with_x(|inner| inner.name(..))`.
//! - [`Via::Blocking`]: a blocking handle holding the async one in a field
//!   and the tokio runtime in another. Forwarded: `&self` and `&mut self`
//!   methods; an `async fn` becomes a plain `fn` that blocks on it.
//!
//! A method of another shape is an error naming the file, the method and the
//! fix, never a panic.

use anyhow::{anyhow, bail, Context, Result};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::{FnArg, ImplItem, Item, Pat, ReturnType, Type};

use crate::syntax::{ident, mentions_any, rust_path};

/// A source file whose methods are forwarded, and where to.
#[derive(Debug, Clone, Copy)]
pub struct Forwarding {
    /// The source, relative to `templates/sdk/` (e.g. `src/client/settings.rs`).
    pub source: &'static str,
    /// What the generated module's doc says the source holds.
    pub what: &'static str,
    /// The types that get the forwarding methods.
    pub targets: &'static [Target],
}

/// A type that gets forwarding methods.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The type's path, without generic arguments (those of the source's
    /// `impl` are kept): `crate::CodexBuilder`.
    pub path: &'static str,
    /// How it reaches the source type.
    pub via: Via,
}

/// How a target reaches the source type.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    /// A builder method that takes `impl FnOnce(Source) -> Source` and
    /// returns `Self` (e.g. `with_client`).
    Builder(&'static str),
    /// A blocking handle: the async value in field `inner`, the tokio
    /// runtime (something with `block_on`) in field `runtime`.
    Blocking {
        /// The field holding the async value.
        inner: &'static str,
        /// The field holding the runtime.
        runtime: &'static str,
    },
}

/// The name of the generated child module, declared by each source.
pub const MODULE: &str = "forward";

/// Every forwarding of the SDK.
pub const FORWARDINGS: &[Forwarding] = &[
    Forwarding {
        source: "src/client/settings.rs",
        what: "the settings of a `ClientBuilder`",
        targets: &[
            Target { path: "crate::CodexBuilder", via: Via::Builder("with_client") },
            Target { path: "crate::blocking::CodexBuilder", via: Via::Builder("with_client") },
        ],
    },
    Forwarding {
        source: "src/api/codex/settings.rs",
        what: "the settings a `CodexBuilder` keeps for itself",
        targets: &[Target { path: "crate::blocking::CodexBuilder", via: Via::Builder("with_async") }],
    },
    Forwarding {
        source: "src/api/auth/login.rs",
        what: "the methods of the ChatGPT login handles",
        targets: &[Target {
            path: "crate::blocking::Login",
            via: Via::Blocking { inner: "inner", runtime: "runtime" },
        }],
    },
];

/// The closure parameter of a forwarded builder setter; an argument of the
/// same name would be shadowed by it.
const INNER: &str = "inner";

impl Forwarding {
    /// The generated file, relative to `sdk/`: the source's child module.
    pub fn output(&self) -> String {
        format!("{}/{MODULE}.rs", self.source.trim_end_matches(".rs"))
    }

    /// `templates/sdk/<source>`, as errors name it.
    fn file(&self) -> String {
        format!("templates/sdk/{}", self.source)
    }
}

/// The forwarding module of `forwarding`, from the text of its source.
pub fn emit_forwarding(forwarding: &Forwarding, source: &str) -> Result<syn::File> {
    let file = forwarding.file();
    let parsed: syn::File =
        syn::parse_file(source).map_err(|error| anyhow!("{file}: not valid Rust ({error}); fix the syntax"))?;
    if !declares_module(&parsed) {
        bail!(
            "{file}: the forwarding methods are generated into its child module; \
             declare it with `mod {MODULE};` (the file's methods are forwarded to {})",
            target_names(forwarding)
        );
    }
    let impls = source_impls(&file, &parsed)?;
    let mut blocks = Vec::new();
    for target in forwarding.targets {
        let path = rust_path(target.path).with_context(|| format!("the target of {file}"))?;
        for block in &impls {
            blocks.push(forward_impl(&file, block, &path, target.via)?);
        }
    }
    let doc = format!(
        " Generated from `{file}` ({}): each method there, forwarded to {}. \
         Edit the source, not this file.",
        forwarding.what,
        target_names(forwarding),
    );
    Ok(syn::parse2(quote! {
        #![doc = #doc]

        // The source's names, so that signatures and doc links mean the same.
        #[allow(unused_imports)]
        use super::*;

        #(#blocks)*
    })?)
}

fn target_names(forwarding: &Forwarding) -> String {
    let names: Vec<String> = forwarding.targets.iter().map(|target| format!("`{}`", target.path)).collect();
    names.join(" and ")
}

fn declares_module(file: &syn::File) -> bool {
    file.items
        .iter()
        .any(|item| matches!(item, Item::Mod(module) if module.ident == MODULE && module.content.is_none()))
}

/// One inherent `impl` block of the source: its generics, its type's path
/// (for doc links) and generic arguments, and its methods.
struct SourceImpl<'a> {
    block: &'a syn::ItemImpl,
    /// The type's path without generic arguments, as written (`Login`).
    type_name: String,
    /// The last segment's generic arguments (`<K>`), kept on the target.
    arguments: syn::PathArguments,
}

fn source_impls<'a>(file: &str, parsed: &'a syn::File) -> Result<Vec<SourceImpl<'a>>> {
    let mut impls = Vec::new();
    for item in &parsed.items {
        let Item::Impl(block) = item else { continue };
        let self_ty = block.self_ty.to_token_stream().to_string().replace(' ', "");
        if let Some((_, trait_path, _)) = &block.trait_ {
            bail!(
                "{file}: `impl {} for {self_ty}` is a trait impl; a forwarding source holds only the \
                 inherent methods to forward; move the trait impl to the type's own file",
                trait_path.to_token_stream().to_string().replace(' ', ""),
            );
        }
        let Type::Path(path) = &*block.self_ty else {
            bail!("{file}: `impl {self_ty}`: forwarding needs a named type; write `impl TypeName {{ .. }}`");
        };
        let mut bare = path.path.clone();
        let arguments = match bare.segments.last_mut() {
            Some(last) => std::mem::replace(&mut last.arguments, syn::PathArguments::None),
            None => syn::PathArguments::None,
        };
        impls.push(SourceImpl {
            block,
            type_name: bare.to_token_stream().to_string().replace(' ', ""),
            arguments,
        });
    }
    if impls.is_empty() {
        bail!("{file}: no `impl` block to forward; write the methods in `impl TypeName {{ .. }}`");
    }
    if let Some(other) = impls.iter().find(|other| other.type_name != impls[0].type_name) {
        bail!(
            "{file}: it has methods of both `{}` and `{}`; a forwarding source holds the methods of one type; \
             move the others to a file of their own",
            impls[0].type_name,
            other.type_name,
        );
    }
    Ok(impls)
}

/// The source's block, forwarded to `target`.
fn forward_impl(file: &str, source: &SourceImpl<'_>, target: &syn::Path, via: Via) -> Result<TokenStream> {
    let generics = &source.block.generics;
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let arguments = &source.arguments;
    let mut methods = Vec::new();
    for item in &source.block.items {
        let method = match item {
            ImplItem::Fn(method) => method,
            other => bail!(
                "{file}: `impl {}` holds `{}`; a forwarding source holds only methods to forward; \
                 move it to the type's own file",
                source.type_name,
                item_summary(other),
            ),
        };
        let at = format!("{file}: `{}::{}`", source.type_name, method.sig.ident);
        methods.push(forward_method(&at, &source.type_name, method, via)?);
    }
    Ok(quote! {
        impl #impl_generics #target #arguments #where_clause {
            #(#methods)*
        }
    })
}

fn item_summary(item: &ImplItem) -> String {
    match item {
        ImplItem::Const(item) => format!("const {}", item.ident),
        ImplItem::Type(item) => format!("type {}", item.ident),
        ImplItem::Macro(item) => format!("{}!(..)", item.mac.path.to_token_stream()),
        _ => "an item that is not a method".to_owned(),
    }
}

/// The receiver of a source method.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Receiver {
    Value,
    Ref,
    RefMut,
}

fn forward_method(at: &str, type_name: &str, method: &syn::ImplItemFn, via: Via) -> Result<TokenStream> {
    let sig = &method.sig;
    if !matches!(method.vis, syn::Visibility::Public(_)) {
        bail!("{at} is not `pub`: everything in a forwarding source is forwarded; make it `pub`, or move it to the type's own file");
    }
    if sig.constness.is_some() || sig.unsafety.is_some() || sig.abi.is_some() || sig.variadic.is_some() {
        bail!("{at} is `const`, `unsafe` or `extern`; forwarding makes plain methods; drop the qualifier or move it to the type's own file");
    }
    let receiver = receiver(at, sig)?;
    let names = argument_names(at, sig)?;
    let self_ident = std::collections::BTreeSet::from(["Self".to_owned()]);
    let mut signature_parts = sig.generics.to_token_stream();
    for input in sig.inputs.iter().skip(1) {
        signature_parts.extend(input.to_token_stream());
    }
    if mentions_any(signature_parts, &self_ident) {
        bail!("{at}: its arguments or bounds name `Self`, which is another type where it is forwarded; name the type instead");
    }
    let name = &sig.ident;
    let turbofish = turbofish(&sig.generics);
    let call = quote!(#name #turbofish (#(#names),*));
    let (inputs, output, body, note) = match via {
        Via::Builder(with) => {
            if receiver != Receiver::Value || !returns_self(&sig.output) {
                bail!("{at} is not a setter: a forwarded setting is `pub fn {name}(mut self, ..) -> Self`; write it so, or move it to the type's own file");
            }
            if sig.asyncness.is_some() {
                bail!("{at} is `async`; a forwarded setting is a plain `fn`; make it one, or move it to the type's own file");
            }
            if names.iter().any(|arg| arg == INNER) {
                bail!("{at}: an argument named `{INNER}` would be shadowed where it is forwarded; rename it");
            }
            let with = ident(with)?;
            let inner = Ident::new(INNER, Span::call_site());
            let inputs = without_mut(sig.inputs.iter().skip(1));
            let body = quote!(self.#with(|#inner| #inner.#call));
            (inputs, quote!(-> Self), body, "Forwarded to")
        }
        Via::Blocking { inner, runtime } => {
            if receiver == Receiver::Value {
                bail!("{at} takes `self` by value; a blocking handle forwards `&self` and `&mut self` methods; take `&self` or `&mut self`");
            }
            if returns_self(&sig.output) || mentions_any(sig.output.to_token_stream(), &self_ident) {
                bail!("{at} returns `Self`, which is another type where it is forwarded; return the type by name");
            }
            let inner = ident(inner)?;
            let runtime = ident(runtime)?;
            let inputs = without_mut(sig.inputs.iter().skip(1));
            let output = sig.output.to_token_stream();
            let (body, note) = if sig.asyncness.is_some() {
                (quote!(self.#runtime.block_on(self.#inner.#call)), "Blocks on")
            } else {
                (quote!(self.#inner.#call), "Forwarded to")
            };
            (inputs, output, body, note)
        }
    };
    let receiver_tokens = match receiver {
        Receiver::Value => quote!(self),
        Receiver::Ref => quote!(&self),
        Receiver::RefMut => quote!(&mut self),
    };
    let docs = docs(&method.attrs, type_name, &format!(" {note} [`{type_name}::{name}`]."));
    let generics = &sig.generics;
    let where_clause = &sig.generics.where_clause;
    let inputs = std::iter::once(receiver_tokens).chain(inputs);
    Ok(quote! {
        #(#docs)*
        pub fn #name #generics (#(#inputs),*) #output #where_clause {
            #body
        }
    })
}

fn receiver(at: &str, sig: &syn::Signature) -> Result<Receiver> {
    let Some(FnArg::Receiver(receiver)) = sig.inputs.first() else {
        bail!("{at} has no `self`; forwarding needs a method (`mut self` for a setter); add the receiver or move it to the type's own file");
    };
    if receiver.colon_token.is_some() {
        bail!("{at} takes `self` with an explicit type; write `self`, `&self` or `&mut self`");
    }
    Ok(match &receiver.reference {
        None => Receiver::Value,
        Some(_) if receiver.mutability.is_some() => Receiver::RefMut,
        Some(_) => Receiver::Ref,
    })
}

/// The names of the arguments after `self`; each must be a plain `name` or `mut name`.
fn argument_names(at: &str, sig: &syn::Signature) -> Result<Vec<Ident>> {
    sig.inputs
        .iter()
        .skip(1)
        .map(|input| match input {
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(pat) if pat.by_ref.is_none() && pat.subpat.is_none() => Ok(pat.ident.clone()),
                other => bail!(
                    "{at}: the argument `{}` is a pattern; forwarding passes arguments by name; write `name: Type` and destructure in the body",
                    other.to_token_stream().to_string().replace(" , ", ", ")
                ),
            },
            FnArg::Receiver(_) => bail!("{at}: a second `self`; remove it"),
        })
        .collect()
}

/// The arguments with `mut` dropped from their names (the forwarder does not mutate them).
fn without_mut<'a>(inputs: impl Iterator<Item = &'a FnArg>) -> Vec<TokenStream> {
    inputs
        .map(|input| match input {
            FnArg::Typed(typed) => {
                let mut typed = typed.clone();
                if let Pat::Ident(pat) = &mut *typed.pat {
                    pat.mutability = None;
                }
                typed.attrs.clear();
                typed.to_token_stream()
            }
            FnArg::Receiver(receiver) => receiver.to_token_stream(),
        })
        .collect()
}

/// `::<T, N>` for the method's type and const parameters (so that one not
/// inferable from the arguments still reaches the source), or nothing.
fn turbofish(generics: &syn::Generics) -> TokenStream {
    let params: Vec<&Ident> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            syn::GenericParam::Type(param) => Some(&param.ident),
            syn::GenericParam::Const(param) => Some(&param.ident),
            syn::GenericParam::Lifetime(_) => None,
        })
        .collect();
    if params.is_empty() {
        TokenStream::new()
    } else {
        quote!(::<#(#params),*>)
    }
}

fn returns_self(output: &ReturnType) -> bool {
    matches!(output, ReturnType::Type(_, ty) if matches!(&**ty, Type::Path(path) if path.qself.is_none() && path.path.is_ident("Self")))
}

/// The method's attributes, with `Self::` in its docs written as the source
/// type, and a last doc line saying where it forwards to.
fn docs(attrs: &[syn::Attribute], type_name: &str, note: &str) -> Vec<syn::Attribute> {
    let mut docs: Vec<syn::Attribute> = attrs
        .iter()
        .map(|attr| {
            let syn::Meta::NameValue(pair) = &attr.meta else { return attr.clone() };
            let Some(text) = crate::syntax::string_literal(&pair.value) else { return attr.clone() };
            if !pair.path.is_ident("doc") {
                return attr.clone();
            }
            let text = text.replace("Self::", &format!("{type_name}::"));
            syn::parse_quote!(#[doc = #text])
        })
        .collect();
    if attrs.iter().any(|attr| attr.path().is_ident("doc")) {
        docs.push(syn::parse_quote!(#[doc = ""]));
    }
    docs.push(syn::parse_quote!(#[doc = #note]));
    docs
}
