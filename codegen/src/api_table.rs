//! The friendly API's table (`templates/api.toml`, "the override table"):
//! which wire methods the friendly API wraps, which of their fields it exposes, under what names and types.
//!
//! This module reads the table and checks it against the schema: an entry
//! naming a method or field the schema no longer has fails generation with
//! the entry's name, and stable fields that the table neither exposes nor
//! hides are reported for review.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use heck::ToSnakeCase;
use serde::Deserialize;
use serde_json::Value;

use crate::catalog::{Catalog, Method};
use crate::syntax;
use crate::wire_index::{WireField, WireIndex};

/// The whole of `templates/api.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiTable {
    /// Wire method → its entry.
    pub methods: BTreeMap<String, WrappedMethod>,
}

/// Who has a wrapped method's entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Owner {
    /// `codex.entry(...)`.
    Codex,
    /// `thread.entry(...)`; the thread fills `threadId`.
    Thread,
}

/// One method the friendly API wraps: its builder, entry point, setters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedMethod {
    /// The builder type's name.
    pub builder: String,
    /// Who has the entry method.
    pub owner: Owner,
    /// The entry method's name.
    pub entry: String,
    /// The hand-written function that sends the params.
    pub send: String,
    /// What `send()` returns.
    pub output: String,
    /// What `send()` returns in the blocking API, if different.
    #[serde(default)]
    pub blocking_output: Option<BlockingOutput>,
    /// Wire fields taken by the entry method.
    #[serde(default)]
    pub args: Vec<Arg>,
    /// Wire field → setter.
    #[serde(default)]
    pub expose: BTreeMap<String, Setter>,
    /// Wire field → why it is not public API.
    #[serde(default)]
    pub hidden: BTreeMap<String, String>,
    /// Settings of the SDK itself, not sent to the runtime: a type
    /// (`Default + Debug`) the builder keeps beside the params and passes to
    /// `send` as a third argument.
    #[serde(default)]
    pub options: Option<String>,
    /// Setter name → a setter of `options`.
    #[serde(default)]
    pub options_setters: BTreeMap<String, OptionSetter>,
}

/// A builder setter for one of the SDK's own settings (see [`WrappedMethod::options`]).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSetter {
    /// The type the setter takes.
    #[serde(rename = "type")]
    pub ty: String,
    /// `fn(&mut Options, value)`: stores the value.
    pub apply: String,
    /// The setter's doc.
    pub doc: String,
}

/// The blocking API's output and its conversion.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockingOutput {
    /// The type.
    #[serde(rename = "type")]
    pub ty: String,
    /// `fn(Output, &Runtime) -> type`.
    pub from: String,
}

/// An argument of the entry method.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arg {
    /// The wire field it fills.
    pub wire: String,
    /// The parameter's name.
    pub name: String,
    /// The parameter's type.
    #[serde(rename = "type")]
    pub ty: String,
    /// Converts the argument into the wire type.
    #[serde(default)]
    pub apply: Option<String>,
}

/// A setter of a builder.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setter {
    /// Public name (default: the wire name in snake_case).
    #[serde(default)]
    pub name: Option<String>,
    /// Friendly type (needs `apply`).
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// Writes the wire fields from the friendly value.
    #[serde(default)]
    pub apply: Option<String>,
    /// The wire fields `apply` writes (default: the exposed field).
    #[serde(default)]
    pub wire: Option<Vec<String>>,
    /// A value applied before any setter.
    #[serde(default)]
    pub default: Option<String>,
    /// The setter's doc (default: the schema's description).
    #[serde(default)]
    pub doc: Option<String>,
    /// Whether `apply` also gets the builder's SDK settings (`options`),
    /// before the wire fields: for a setter that is part wire field, part
    /// SDK setting (a tool's spec is sent, its function is kept).
    #[serde(default)]
    pub with_options: bool,
}

impl Setter {
    /// The setter's public name.
    pub fn public_name(&self, wire: &str) -> String {
        self.name.clone().unwrap_or_else(|| wire.to_snake_case())
    }

    /// The wire fields the setter writes.
    pub fn wire_fields(&self, wire: &str) -> Vec<String> {
        self.wire.clone().unwrap_or_else(|| vec![wire.to_owned()])
    }
}

impl ApiTable {
    /// Where the table lives, as every error names it.
    pub const FILE: &'static str = "templates/api.toml";

    /// Reads the table.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text)
    }

    /// Parses the table's text and checks every entry by itself: names are
    /// Rust identifiers, types, paths and expressions parse as Rust, and the
    /// fields that go together are there together. Each error names the
    /// entry, the field and the fix.
    pub fn parse(text: &str) -> Result<Self> {
        let table: Self = toml::from_str(text).with_context(|| format!("parsing {}", Self::FILE))?;
        for (method, entry) in &table.methods {
            entry.check(method)?;
        }
        Ok(table)
    }
    /// Checks every entry against the catalog and the wire types, and
    /// returns the wrapped methods with their params fields.
    pub fn plans<'a>(
        &'a self,
        catalog: &'a Catalog,
        index: &'a WireIndex<'a>,
        stable: &StableFields,
    ) -> Result<Vec<BuilderPlan<'a>>> {
        self.methods
            .iter()
            .map(|(wire, entry)| {
                let method = catalog
                    .client_requests
                    .iter()
                    .find(|method| &method.wire == wire)
                    .with_context(|| {
                        format!("templates/api.toml wraps `{wire}`, which the schema no longer has")
                    })?;
                let params = method
                    .params
                    .type_name()
                    .with_context(|| format!("templates/api.toml wraps `{wire}`, which takes no params"))?;
                let fields = index.fields(params).with_context(|| {
                    format!("templates/api.toml wraps `{wire}`, whose params `{params}` are not a struct")
                })?;
                entry.check_fields(wire, fields)?;
                Ok(BuilderPlan { wire, entry, method, params, fields, stable_fields: stable.fields_of(params) })
            })
            .collect()
    }
}

/// A wrapped method checked against the catalog and the schema: what
/// [`crate::emit_friendly`] builds one builder from.
#[derive(Debug, Clone)]
pub struct BuilderPlan<'a> {
    /// The wire method.
    pub wire: &'a str,
    /// The entry.
    pub entry: &'a WrappedMethod,
    /// The catalog's method.
    pub method: &'a Method,
    /// The params type's name.
    pub params: &'a str,
    /// The params type's fields.
    pub fields: &'a [WireField<'a>],
    /// The params fields of the stable schema.
    pub stable_fields: BTreeSet<String>,
}

impl BuilderPlan<'_> {
    /// Stable wire fields the entry neither exposes, hides, nor takes as an argument.
    pub fn unreviewed_fields(&self) -> Vec<String> {
        let entry = self.entry;
        self.stable_fields
            .iter()
            .filter(|field| {
                let reviewed = entry.expose.contains_key(*field)
                    || entry.hidden.contains_key(*field)
                    || entry.args.iter().any(|arg| &arg.wire == *field)
                    || (entry.owner == Owner::Thread && field.as_str() == "threadId");
                !reviewed
            })
            .cloned()
            .collect()
    }
}

impl WrappedMethod {
    /// The checks that need only the entry itself (see [`ApiTable::parse`]).
    fn check(&self, method: &str) -> Result<()> {
        let at = |key: &str| {
            let entry = format!("{} [methods.\"{method}\"]", ApiTable::FILE);
            if key.is_empty() { entry } else { format!("{entry} {key}") }
        };
        if self.options.is_none() && !self.options_setters.is_empty() {
            bail!("{}: `options_setters` need `options`; add `options = \"<type>\"` to the entry", at(""));
        }
        for name in self.options_setters.keys() {
            let clash = self.expose.iter().any(|(wire, setter)| &setter.public_name(wire) == name);
            if clash {
                bail!("{}: the setter `{name}` is defined twice; rename one of them", at(""));
            }
        }
        rust_ident(&self.builder, &at("builder"), "a type name such as `ThreadStartBuilder`")?;
        rust_ident(&self.entry, &at("entry"), "a snake_case method name such as `thread_start`")?;
        rust_path(&self.send, &at("send"))?;
        rust_type(&self.output, &at("output"))?;
        if let Some(blocking) = &self.blocking_output {
            rust_type(&blocking.ty, &at("blocking_output.type"))?;
            rust_path(&blocking.from, &at("blocking_output.from"))?;
        }
        if let Some(options) = &self.options {
            rust_type(options, &at("options"))?;
        }
        for (index, arg) in self.args.iter().enumerate() {
            let key = |field: &str| at(&format!("args[{index}].{field}"));
            rust_ident(&arg.name, &key("name"), "a snake_case parameter name such as `thread_id`")?;
            rust_type(&arg.ty, &key("type"))?;
            if let Some(apply) = &arg.apply {
                rust_path(apply, &key("apply"))?;
            }
        }
        for (wire, setter) in &self.expose {
            let key = |field: &str| at(&format!("expose.{wire}.{field}"));
            if setter.apply.is_some() != setter.ty.is_some() {
                bail!("{}: `type` and `apply` go together; give both or neither", at(&format!("expose.{wire}")));
            }
            if setter.with_options && (setter.apply.is_none() || self.options.is_none()) {
                bail!(
                    "{}: `with_options` needs `apply` and the entry's `options`; add them or drop `with_options`",
                    at(&format!("expose.{wire}"))
                );
            }
            let fix = "a snake_case method name that is not a Rust keyword (set `name` to choose one)";
            rust_ident(&setter.public_name(wire), &key("name"), fix)?;
            if let Some(ty) = &setter.ty {
                rust_type(ty, &key("type"))?;
            }
            if let Some(apply) = &setter.apply {
                rust_path(apply, &key("apply"))?;
            }
            if let Some(default) = &setter.default {
                syntax::rust_expr(default).map_err(|error| {
                    anyhow::anyhow!(
                        "{}: {error}; write one such as `crate::ApprovalMode::AutoReview`",
                        key("default")
                    )
                })?;
            }
        }
        for (name, setter) in &self.options_setters {
            let key = |field: &str| at(&format!("options_setters.{name}{field}"));
            rust_ident(name, &key(""), "a snake_case method name such as `timeout`")?;
            rust_type(&setter.ty, &key(".type"))?;
            rust_path(&setter.apply, &key(".apply"))?;
        }
        Ok(())
    }

    /// Every field the entry names must exist in the params type.
    fn check_fields(&self, method: &str, fields: &[WireField<'_>]) -> Result<()> {
        let named = self
            .expose
            .iter()
            .flat_map(|(wire, setter)| std::iter::once(wire.clone()).chain(setter.wire_fields(wire)))
            .chain(self.hidden.keys().cloned())
            .chain(self.args.iter().map(|arg| arg.wire.clone()));
        for field in named {
            if !fields.iter().any(|known| known.wire == field) {
                bail!(
                    "templates/api.toml [methods.\"{method}\"] names the field `{field}`, \
                     which the schema's params of `{method}` no longer have"
                );
            }
        }
        Ok(())
    }
}

/// The property names of each definition of the stable schema: the fields a
/// wrapped method's entry must review (the types come from the experimental
/// schema, a superset).
#[derive(Debug, Clone, Default)]
pub struct StableFields {
    stable: BTreeMap<String, BTreeSet<String>>,
}

impl StableFields {
    /// Reads the properties of every definition of the stable v2 bundle.
    pub fn new(stable_v2_bundle: &Value) -> Self {
        Self { stable: properties(stable_v2_bundle) }
    }

    fn fields_of(&self, name: &str) -> BTreeSet<String> {
        self.stable.get(name).cloned().unwrap_or_default()
    }
}

fn properties(schema: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let Some(definitions) = schema["definitions"].as_object() else { return BTreeMap::new() };
    definitions
        .iter()
        .map(|(name, definition)| {
            let fields = definition["properties"]
                .as_object()
                .map(|properties| properties.keys().cloned().collect())
                .unwrap_or_default();
            (name.clone(), fields)
        })
        .collect()
}

/// `name` as an identifier, or an error at `at` that says what to write instead.
fn rust_ident(name: &str, at: &str, fix: &str) -> Result<syn::Ident> {
    syntax::ident(name).map_err(|error| anyhow::anyhow!("{at}: {error}; write {fix}"))
}

fn rust_type(text: &str, at: &str) -> Result<syn::Type> {
    syntax::rust_type(text)
        .map_err(|error| anyhow::anyhow!("{at}: {error}; write one such as `impl Into<String>`"))
}

fn rust_path(text: &str, at: &str) -> Result<syn::Path> {
    syntax::rust_path(text)
        .map_err(|error| anyhow::anyhow!("{at}: {error}; write a path to a function such as `crate::api::convert::path`"))
}
