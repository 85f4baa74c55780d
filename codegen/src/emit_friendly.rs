//! Emits the friendly builders from the override table:
//! - `sdk/src/api/builders.rs`: one builder per wrapped method, with a setter
//!   per exposed field, `with_params` for everything else, `send()`, and the
//!   entry method on `Codex` or `Thread`;
//! - `sdk/src/blocking/builders.rs`: the same builders for the blocking API.

use anyhow::{bail, Context, Result};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

use crate::api_table::{Owner, BuilderPlan, Setter};
use crate::syntax::{ident, option_inner, rust_expr};
use crate::wire_index::WireField;

/// The async builders.
pub fn emit_builders(entries: &[BuilderPlan<'_>]) -> Result<syn::File> {
    builders_file(
        " The friendly builders, generated from the override table (`templates/api.toml`): \
         one per wrapped method, each with a setter per exposed field, `with_params` to set \
         any other wire field, and `send()`.",
        entries,
        builder,
    )
}

/// The blocking builders: the same setters, `send()` blocks.
pub fn emit_blocking_builders(entries: &[BuilderPlan<'_>]) -> Result<syn::File> {
    builders_file(
        " The blocking builders, generated from the override table (`templates/api.toml`): \
         each wraps its async twin and blocks in `send()`.",
        entries,
        blocking_builder,
    )
}

/// A module of one builder per entry, made by `emit`.
fn builders_file(
    doc: &str,
    entries: &[BuilderPlan<'_>],
    emit: fn(&BuilderPlan<'_>) -> Result<TokenStream>,
) -> Result<syn::File> {
    let builders = entries
        .iter()
        .map(emit)
        .collect::<Result<Vec<_>>>()?;
    Ok(syn::parse2(quote! {
        #![doc = #doc]

        // Field types are written as typify names them, unqualified.
        #[allow(unused_imports)]
        use crate::types::*;

        #(#builders)*
    })?)
}

/// One async builder and its entry method.
fn builder(plan: &BuilderPlan<'_>) -> Result<TokenStream> {
    let entry = plan.entry;
    let name = ident(&entry.builder)?;
    let params_ty = type_path(plan.params)?;
    let owner = owner_type(entry.owner);
    let fields = plan.fields;
    let init = params_init(plan, fields)?;
    let (arg_decls, arg_names) = entry_args(plan)?;
    let defaults = entry
        .expose
        .iter()
        .filter_map(|(wire, setter)| Some((wire, setter, setter.default.as_deref()?)))
        .map(|(wire, setter, default)| {
            let value = rust_expr(default)
                .with_context(|| format!("{} `default` of `{wire}`", at(plan)))?;
            let method = ident(&setter.public_name(wire))?;
            Ok(quote!(builder = builder.#method(#value);))
        })
        .collect::<Result<Vec<_>>>()?;
    let setters = setter_parts(plan)?.into_iter().map(|SetterParts { docs, method, signature, store }| {
        quote! {
            #(#docs)*
            pub fn #method(mut self, #signature) -> Self {
                #store
                self
            }
        }
    });
    let options = SdkOptions::of(plan)?;
    let (options_field, options_init, options_arg) = (&options.field, &options.init, &options.arg);
    let option_setters = &options.setters;
    let send: syn::Path = syn::parse_str(&entry.send).with_context(|| format!("`send` of {}", plan.wire))?;
    let output: Type = syn::parse_str(&entry.output).with_context(|| format!("`output` of {}", plan.wire))?;
    let doc = format!(
        "Builds a `{}` request: set what you need, then `.send().await`.\n\n\
         Created by [`{}::{}`]({}::{}); the wire params are [`{}`](crate::types::{}).",
        plan.wire,
        owner_name(entry.owner),
        entry.entry,
        owner_path(entry.owner),
        entry.entry,
        plan.params,
        plan.params,
    );
    let entry_fn = ident(&entry.entry)?;
    let entry_doc = format!("Starts a `{}` request; see [`{}`].", plan.wire, entry.builder);
    Ok(quote! {
        #[doc = #doc]
        #[must_use = "a builder does nothing until `.send()`"]
        #[derive(Debug)]
        pub struct #name<'a> {
            owner: &'a #owner,
            params: #params_ty,
            #options_field
        }

        impl<'a> #name<'a> {
            pub(crate) fn new(owner: &'a #owner, #(#arg_decls),*) -> Self {
                #[allow(unused_mut)]
                let mut builder = Self { owner, params: #init, #options_init };
                #(#defaults)*
                builder
            }

            #(#setters)*

            #(#option_setters)*

            /// Sets any wire field of the underlying params, including those
            /// the builder has no setter for.
            pub fn with_params(mut self, edit: impl FnOnce(&mut #params_ty)) -> Self {
                edit(&mut self.params);
                self
            }

            /// The wire params as they stand.
            pub fn params(&self) -> &#params_ty {
                &self.params
            }

            /// Sends the request.
            pub async fn send(self) -> crate::Result<#output> {
                #send(self.owner, self.params #options_arg).await
            }
        }

        impl #owner {
            #[doc = #entry_doc]
            pub fn #entry_fn(&self, #(#arg_decls),*) -> #name<'_> {
                #name::new(self, #(#arg_names),*)
            }
        }
    })
}

fn blocking_builder(plan: &BuilderPlan<'_>) -> Result<TokenStream> {
    let entry = plan.entry;
    let name = ident(&entry.builder)?;
    let params_ty = type_path(plan.params)?;
    let (arg_decls, arg_names) = entry_args(plan)?;
    let owner = match entry.owner {
        Owner::Codex => quote!(crate::blocking::Codex),
        Owner::Thread => quote!(crate::blocking::Thread),
    };
    // The same setters as the async builder; each forwards to it.
    let setters = setter_parts(plan)?.into_iter().map(|SetterParts { docs, method, signature, .. }| {
        quote! {
            #(#docs)*
            pub fn #method(self, #signature) -> Self {
                Self { inner: self.inner.#method(value), runtime: self.runtime }
            }
        }
    });
    let option_setters = option_setter_parts(plan)?.into_iter().map(|OptionSetterParts { doc, method, ty, .. }| {
        quote! {
            #[doc = #doc]
            pub fn #method(self, value: #ty) -> Self {
                Self { inner: self.inner.#method(value), runtime: self.runtime }
            }
        }
    });
    let output: Type = syn::parse_str(&entry.output)?;
    let (blocking_output, convert) = match &entry.blocking_output {
        Some(blocking) => {
            let ty: Type = syn::parse_str(&blocking.ty)?;
            let from: syn::Path = syn::parse_str(&blocking.from)?;
            (quote!(#ty), quote!(.map(|output| #from(output, self.runtime))))
        }
        None => (quote!(#output), quote!()),
    };
    let doc = format!(
        "The blocking [`{0}`](crate::{0}): the same setters; `send()` blocks until the answer.",
        entry.builder
    );
    let entry_fn = ident(&entry.entry)?;
    let entry_doc = format!("Starts a `{}` request; see [`{}`].", plan.wire, entry.builder);
    Ok(quote! {
        #[doc = #doc]
        #[must_use = "a builder does nothing until `.send()`"]
        #[derive(Debug)]
        pub struct #name<'a> {
            inner: crate::#name<'a>,
            runtime: &'a std::sync::Arc<crate::blocking::Runtime>,
        }

        impl<'a> #name<'a> {
            #(#setters)*

            #(#option_setters)*

            /// Sets any wire field of the underlying params.
            pub fn with_params(self, edit: impl FnOnce(&mut #params_ty)) -> Self {
                Self { inner: self.inner.with_params(edit), runtime: self.runtime }
            }

            /// The wire params as they stand.
            pub fn params(&self) -> &#params_ty {
                self.inner.params()
            }

            /// Sends the request and blocks until the answer.
            pub fn send(self) -> crate::Result<#blocking_output> {
                self.runtime.block_on(self.inner.send()) #convert
            }
        }

        impl #owner {
            #[doc = #entry_doc]
            pub fn #entry_fn(&self, #(#arg_decls),*) -> #name<'_> {
                #name { inner: self.inner().#entry_fn(#(#arg_names),*), runtime: self.runtime() }
            }
        }
    })
}

/// The SDK's own settings of a builder (`options` in the table): the
/// builder's field, its initial value, the extra argument of `send`, and the
/// setters. All empty for an entry without options.
struct SdkOptions {
    field: TokenStream,
    init: TokenStream,
    arg: TokenStream,
    setters: Vec<TokenStream>,
}

impl SdkOptions {
    fn of(plan: &BuilderPlan<'_>) -> Result<Self> {
        let entry = plan.entry;
        let Some(options) = &entry.options else {
            return Ok(Self { field: quote!(), init: quote!(), arg: quote!(), setters: Vec::new() });
        };
        let ty: Type = syn::parse_str(options).with_context(|| format!("`options` of {}", plan.wire))?;
        let footer = "\n\nAn SDK setting: not sent to the runtime.";
        let setters = option_setter_parts(plan)?
            .into_iter()
            .map(|OptionSetterParts { doc, method, ty: value_ty, apply }| {
                quote! {
                    #[doc = #doc]
                    #[doc = #footer]
                    pub fn #method(mut self, value: #value_ty) -> Self {
                        #apply(&mut self.options, value);
                        self
                    }
                }
            })
            .collect();
        Ok(Self {
            field: quote!(options: #ty,),
            init: quote!(options: ::std::default::Default::default()),
            arg: quote!(, self.options),
            setters,
        })
    }
}

fn owner_type(owner: Owner) -> TokenStream {
    match owner {
        Owner::Codex => quote!(crate::Codex),
        Owner::Thread => quote!(crate::Thread),
    }
}

fn owner_name(owner: Owner) -> &'static str {
    match owner {
        Owner::Codex => "Codex",
        Owner::Thread => "Thread",
    }
}

fn owner_path(owner: Owner) -> &'static str {
    match owner {
        Owner::Codex => "crate::Codex",
        Owner::Thread => "crate::Thread",
    }
}

fn type_path(name: &str) -> Result<TokenStream> {
    let name = ident(name)?;
    Ok(quote!(crate::types::#name))
}

/// `templates/api.toml [methods."<wire>"]`, where an error about an entry points.
fn at(plan: &BuilderPlan<'_>) -> String {
    format!("{} [methods.\"{}\"]", crate::api_table::ApiTable::FILE, plan.wire)
}

/// The entry method's parameters (`name: type`) and their names.
fn entry_args(plan: &BuilderPlan<'_>) -> Result<(Vec<TokenStream>, Vec<syn::Ident>)> {
    let mut decls = Vec::new();
    let mut names = Vec::new();
    for arg in &plan.entry.args {
        let name = ident(&arg.name)?;
        let ty: Type = syn::parse_str(&arg.ty).with_context(|| format!("type of argument `{}`", arg.name))?;
        decls.push(quote!(#name: #ty));
        names.push(name);
    }
    Ok((decls, names))
}

fn field<'f, 'a>(fields: &'f [WireField<'a>], wire: &str, plan: &BuilderPlan<'_>) -> Result<&'f WireField<'a>> {
    fields
        .iter()
        .find(|field| field.wire == wire)
        .with_context(|| format!("templates/api.toml [methods.\"{}\"]: no params field `{wire}`", plan.wire))
}

/// The params struct literal: arguments, the thread's id, `None` elsewhere.
fn params_init(plan: &BuilderPlan<'_>, fields: &[WireField<'_>]) -> Result<TokenStream> {
    let params_ty = type_path(plan.params)?;
    let mut inits = Vec::new();
    for field in fields {
        let field_ident = field.ident;
        let arg = plan.entry.args.iter().find(|arg| arg.wire == field.wire);
        let value = if let Some(arg) = arg {
            let name = ident(&arg.name)?;
            match &arg.apply {
                Some(apply) => {
                    let apply: syn::Path = syn::parse_str(apply)?;
                    quote!(#apply(#name))
                }
                None => quote!(#name.into()),
            }
        } else if plan.entry.owner == Owner::Thread && field.wire == "threadId" {
            quote!(owner.id().to_owned())
        } else if !field.required {
            quote!(None)
        } else {
            bail!(
                "templates/api.toml [methods.\"{}\"]: the required field `{}` needs an entry in `args`",
                plan.wire,
                field.wire
            );
        };
        inits.push(quote!(#field_ident: #value));
    }
    Ok(quote!(#params_ty { #(#inits),* }))
}

/// `value: <type>` of a setter, and the statement that stores it.
fn setter_signature(
    plan: &BuilderPlan<'_>,
    wire: &str,
    setter: &Setter,
    fields: &[WireField<'_>],
) -> Result<(TokenStream, TokenStream)> {
    if let (Some(ty), Some(apply)) = (&setter.ty, &setter.apply) {
        let ty: Type = syn::parse_str(ty).with_context(|| format!("type of setter `{wire}`"))?;
        let apply: syn::Path = syn::parse_str(apply)?;
        let options = setter.with_options.then(|| quote!(&mut self.options));
        let targets = options
            .into_iter()
            .map(Ok)
            .chain(setter.wire_fields(wire).iter().map(|target| {
                let ident = field(fields, target, plan)?.ident;
                Ok(quote!(&mut self.params.#ident))
            }))
            .collect::<Result<Vec<_>>>()?;
        return Ok((quote!(value: #ty), quote!(#apply(value, #(#targets),*);)));
    }
    let target = field(fields, wire, plan)?;
    let ident = target.ident;
    let inner = option_inner(target.ty)
        .with_context(|| format!("templates/api.toml [methods.\"{}\"]: `{wire}` is required; make it an arg", plan.wire))?;
    if is_primitive(inner) {
        // `impl Into<u32>` would refuse the literal `10` (an `i32` by default)
        // and accept `true`; the plain type takes literals and nothing else.
        return Ok((quote!(value: #inner), quote!(self.params.#ident = Some(value);)));
    }
    Ok((quote!(value: impl Into<#inner>), quote!(self.params.#ident = Some(value.into());)))
}

/// Whether `ty` is a number or `bool`: a setter of such a field takes the
/// type itself.
fn is_primitive(ty: &Type) -> bool {
    const PRIMITIVES: &[&str] = &[
        "bool", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64",
    ];
    matches!(ty, Type::Path(path) if path.qself.is_none()
        && path.path.segments.len() == 1
        && PRIMITIVES.iter().any(|name| path.path.segments[0].ident == name))
}

fn setter_docs(wire: &str, setter: &Setter, fields: &[WireField<'_>]) -> Vec<TokenStream> {
    let mut docs: Vec<TokenStream> = match &setter.doc {
        Some(doc) => vec![quote!(#[doc = #doc])],
        None => fields
            .iter()
            .find(|field| field.wire == wire)
            .map(|field| field.docs.iter().map(|attr| quote!(#attr)).collect())
            .unwrap_or_default(),
    };
    if docs.is_empty() {
        let doc = format!("Sets `{wire}`.");
        docs.push(quote!(#[doc = #doc]));
    }
    let wires = setter.wire_fields(wire).iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
    let footer = format!("\n\nWire: {wires}.");
    docs.push(quote!(#[doc = #footer]));
    docs
}

/// One setter of an exposed wire field, as both builders write it: its docs,
/// name and parameter; `store` is what the async builder does with the value
/// (the blocking one forwards to it).
struct SetterParts {
    docs: Vec<TokenStream>,
    method: syn::Ident,
    signature: TokenStream,
    store: TokenStream,
}

fn setter_parts(plan: &BuilderPlan<'_>) -> Result<Vec<SetterParts>> {
    plan.entry
        .expose
        .iter()
        .map(|(wire, setter)| {
            let (signature, store) = setter_signature(plan, wire, setter, plan.fields)?;
            Ok(SetterParts {
                docs: setter_docs(wire, setter, plan.fields),
                method: ident(&setter.public_name(wire))?,
                signature,
                store,
            })
        })
        .collect()
}

/// One setter of the SDK's own settings (see [`SdkOptions`]), as both
/// builders write it.
struct OptionSetterParts {
    doc: String,
    method: syn::Ident,
    ty: Type,
    apply: syn::Path,
}

fn option_setter_parts(plan: &BuilderPlan<'_>) -> Result<Vec<OptionSetterParts>> {
    plan.entry
        .options_setters
        .iter()
        .map(|(name, setter)| {
            Ok(OptionSetterParts {
                doc: setter.doc.clone(),
                method: ident(name)?,
                ty: syn::parse_str(&setter.ty).with_context(|| format!("type of option setter `{name}`"))?,
                apply: syn::parse_str(&setter.apply)
                    .with_context(|| format!("`apply` of option setter `{name}`"))?,
            })
        })
        .collect()
}
