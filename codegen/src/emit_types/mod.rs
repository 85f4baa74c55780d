//! Emitting the wire types (`sdk/src/types.rs` and, split by area by
//! [`crate::split_types`], `sdk/src/types/*.rs`) from the pre-passed schema.
//!
//! typify renders the schema; the rest of this module reshapes its output
//! with `syn` where typify has no setting for what the SDK needs:
//!
//! 1. [`empty`]: the runtime's empty params/responses become empty structs
//!    instead of `Map<String, Value>` newtypes.
//! 2. [`optional`]: fields the schema does not require become `Option`s, so
//!    a message re-encodes as it came and `None` leaves the default to the runtime.
//!    [`open_objects`]: structs the schema leaves open keep unnamed properties.
//! 3. [`docs`]: variant docs lose the schema-internal titles typify puts
//!    first; a small table renames the variants typify garbles; a name check
//!    makes sure no `Variant0`-style invented name reaches the SDK.
//! 4. [`weak`]: every remaining raw-JSON spot must be on the reviewed
//!    allow-list, and every allow-list entry must still match.
//! 5. [`fallback`]: enums get an `Unknown(..)` variant so values from a newer
//!    runtime still decode.
//! 6. [`tag_first`]: internally tagged enums decode without serde's
//!    buffering when the tag comes first (it does, from the runtime).
//! 7. [`secrets`]: every secret-looking field must be reviewed
//!    (`templates/secret_fields.toml`); types with a secret get a `Debug`
//!    that prints `<redacted>` for it.
//! 8. [`constructors`]: `new` on params types, so code that builds them
//!    survives a new optional field.
//! 9. Crate-level lint allowances the generated code needs.

mod constructors;
mod docs;
mod empty;
mod fallback;
mod open_objects;
mod optional;
mod secrets;
mod tag_first;
mod weak;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::{anyhow, bail, Context, Result};
use schemars::schema::RootSchema;
use serde_json::Value;
use syn::{parse_quote, Item};
use typify::{TypeSpace, TypeSpacePatch, TypeSpaceSettings};

pub use fallback::{Decision, NoFallback};
pub use secrets::{secret_spots, SecretReview};
pub use weak::{weak_spots, WeakAllowlist};

/// Definitions left out of the types: the SDK emits its own JSON-RPC
/// envelopes and method catalog. `JSONRPC*` carry `params`/`result` as raw
/// JSON by design, and typify misreads `ClientNotification` (a one-variant
/// `oneOf` without params) as an externally tagged enum over an invented
/// `InitializedNotificationMethod` type.
pub const SKIPPED_DEFINITIONS: &[&str] = &[
    "ClientNotification",
    "JSONRPCError",
    "JSONRPCErrorError",
    "JSONRPCMessage",
    "JSONRPCNotification",
    "JSONRPCRequest",
    "JSONRPCResponse",
];

/// typify type name → SDK name, applied with `with_patch`, for names typify
/// invents that the pre-pass cannot fix by adding a title. Empty on 0.163.0:
/// the pre-pass titles leave no invented name; the name check in
/// [`emit_types`] says when a new schema needs an entry here.
const RENAMES: &[(&str, &str)] = &[];

/// (enum, typify's variant name, SDK variant name) for variant names typify
/// garbles: when two wire values sanitise to the same identifier it inserts
/// an `x` into one (`"openai/form"` and `"openaiForm"` both give `OpenaiForm`,
/// so the first becomes `OpenaiXform`). Serde keeps the wire value in the
/// variant's `rename`, so only the Rust name changes.
///
/// typify also inserts the `x` for a `/` on its own (`"openai/userVerification"`
/// gives `OpenaiXuserVerification`); where nothing collides the plain name is used.
const VARIANT_RENAMES: &[(&str, &str, &str)] = &[
    ("McpServerElicitationRequestParams", "OpenaiXform", "OpenaiSlashForm"),
    (
        "McpServerElicitationRequestParams",
        "OpenaiXuserVerification",
        "OpenaiUserVerification",
    ),
];

/// Runs typify over `schema` (the output of wire_schema) and post-processes
/// the result; returns every wire type as one syn::File (no
/// header comment; the caller adds the "@generated" header and formats with
/// prettyplease::unparse).
pub fn emit_types(schema: &Value, weak: &WeakAllowlist, secrets: &SecretReview) -> Result<syn::File> {
    use crate::timings::phase;
    let (schema, empty_messages, open_objects, titles) = phase("types: read the schema", || -> Result<_> {
        let schema = without_skipped(schema)?;
        let empty_messages = empty::empty_message_names(&schema);
        let open_objects = open_objects::open_object_names(&schema);
        let titles = docs::schema_titles(&schema);
        Ok((schema, empty_messages, open_objects, titles))
    })?;
    let mut file = phase("types: typify", || run_typify(schema))?;
    phase("types: empty messages", || empty::close_empty_messages(&mut file, &empty_messages));
    phase("types: optional fields", || optional::keep_optional_presence(&mut file));
    phase("types: open objects", || open_objects::keep_extra_properties(&mut file, &open_objects));
    phase("types: docs and names", || -> Result<()> {
        docs::drop_variant_titles(&mut file, &titles);
        rename_variants(&mut file)?;
        check_invented_names(&file)
    })?;
    phase("types: weak-type review", || weak.check(&weak_spots(&file)))?;
    phase("types: unknown fallbacks", || fallback::add_unknown_variants(&mut file));
    phase("types: tag-first decoding", || tag_first::decode_tag_first(&mut file));
    phase("types: secrets", || -> Result<()> {
        secrets.check(&secrets::reviewed_spots(&file, secrets))?;
        secrets::redact_debug(&mut file, secrets);
        Ok(())
    })?;
    phase("types: constructors", || {
        constructors::add_constructors(&mut file);
        add_lint_allowances(&mut file);
    });
    Ok(file)
}

/// For every enum typify makes of `schema` (the output of wire_schema),
/// whether it gets an `Unknown` fallback, and why not when it does not.
/// Runs typify alone (no review tables), so it works on any snapshot, an
/// older one included: `cargo codegen diff` uses it.
pub fn fallback_decisions(schema: &Value) -> Result<BTreeMap<String, Decision>> {
    let file = run_typify(without_skipped(schema)?)?;
    Ok(fallback::decisions(&file))
}

/// The names of the types (structs, enums, aliases) a generated file defines
/// at its top level, so callers can check that a method's params and result
/// types exist.
pub fn type_names(file: &syn::File) -> BTreeSet<String> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) => Some(item.ident.to_string()),
            Item::Enum(item) => Some(item.ident.to_string()),
            Item::Type(item) => Some(item.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// A copy of `schema` without [`SKIPPED_DEFINITIONS`]; fails if a kept
/// definition still refers to a skipped one.
fn without_skipped(schema: &Value) -> Result<Value> {
    let mut schema = schema.clone();
    let definitions = schema
        .get_mut("definitions")
        .and_then(Value::as_object_mut)
        .context("the wire schema has no `definitions` object")?;
    for name in SKIPPED_DEFINITIONS {
        definitions.remove(*name);
    }
    let text = serde_json::to_string(definitions).context("serialising the wire schema")?;
    let still_used: Vec<&str> = SKIPPED_DEFINITIONS
        .iter()
        .copied()
        .filter(|name| text.contains(&format!("\"#/definitions/{name}\"")))
        .collect();
    if !still_used.is_empty() {
        bail!(
            "skipped definitions are still referenced: {}",
            still_used.join(", ")
        );
    }
    Ok(schema)
}

/// The typify settings: the SDK's derives and the [`RENAMES`].
fn settings() -> TypeSpaceSettings {
    let mut settings = TypeSpaceSettings::default();
    // typify always derives Debug, Clone, Serialize and Deserialize; the SDK
    // also wants values comparable in tests and user code.
    settings.with_derive("PartialEq".to_string());
    for (from, to) in RENAMES {
        settings.with_patch(from, TypeSpacePatch::default().with_rename(to));
    }
    settings
}

/// Runs typify and parses its output. typify asserts on shapes it does not
/// expect; such a panic becomes an error here, so a surprising schema fails
/// generation with a message instead of aborting it.
fn run_typify(schema: Value) -> Result<syn::File> {
    let root: RootSchema =
        serde_json::from_value(schema).context("the wire schema is not a JSON Schema")?;
    let tokens = catch_unwind(AssertUnwindSafe(|| -> Result<_> {
        let mut space = TypeSpace::new(&settings());
        space
            .add_root_schema(root)
            .map_err(|err| anyhow!("typify rejected the schema: {err}"))?;
        Ok(space.to_stream())
    }))
    .map_err(|panic| anyhow!("typify panicked on the schema: {}", panic_message(&panic)))??;
    syn::parse2(tokens).context("typify produced code that does not parse")
}

/// The message of a caught panic, when it has one.
fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_string()
    }
}

/// Applies [`VARIANT_RENAMES`]. An entry whose enum exists but lacks the
/// variant fails (typify or the schema changed, and the table needs a look);
/// an entry whose enum is gone altogether has nothing left to rename.
fn rename_variants(file: &mut syn::File) -> Result<()> {
    for (enum_name, from, to) in VARIANT_RENAMES {
        let Some(item) = file.items.iter_mut().find_map(|item| match item {
            Item::Enum(item) if item.ident == enum_name => Some(item),
            _ => None,
        }) else {
            continue;
        };
        let variant = item
            .variants
            .iter_mut()
            .find(|variant| variant.ident == from)
            .with_context(|| {
                format!("VARIANT_RENAMES: {enum_name} has no variant {from} any more")
            })?;
        variant.ident = syn::Ident::new(to, variant.ident.span());
    }
    Ok(())
}

/// Fails on names typify invents when it cannot name a union's variants
/// (`CodexErrorInfoVariant0`): such a name would become public API and change
/// whenever the variants are reordered.
fn check_invented_names(file: &syn::File) -> Result<()> {
    let invented: Vec<String> = type_names(file)
        .into_iter()
        .filter(|name| is_invented(name))
        .collect();
    if invented.is_empty() {
        return Ok(());
    }
    bail!(
        "typify invented type names: {}. Give the union's alternatives titles in the \
         pre-pass (codegen/src/prepass.rs) or add a rename to RENAMES in \
         codegen/src/emit_types/mod.rs",
        invented.join(", ")
    )
}

/// Whether a name ends in typify's `Variant<N>` fallback.
fn is_invented(name: &str) -> bool {
    name.trim_end_matches(|c: char| c.is_ascii_digit())
        .strip_suffix("Variant")
        .is_some_and(|_| name.ends_with(|c: char| c.is_ascii_digit()))
}

/// Puts the crate-level lint allowances the generated code needs at the top
/// of the file, each with its reason.
fn add_lint_allowances(file: &mut syn::File) {
    file.attrs.extend([
        // Wire unions keep every variant inline, as the protocol defines them;
        // boxing the large ones would make them awkward to build and match.
        parse_quote!(#![allow(clippy::large_enum_variant)]),
        // The descriptions are the runtime's own doc comments: they mention
        // its internal Rust items (`[codex_protocol::...]`), `[UNSTABLE]`
        // markers and bare URLs, which rustdoc would flag as broken links.
        parse_quote!(#![allow(rustdoc::broken_intra_doc_links, rustdoc::bare_urls)]),
    ]);
}

#[cfg(test)]
mod tests {
    use super::is_invented;

    #[test]
    fn invented_names_are_recognised() {
        assert!(is_invented("CodexErrorInfoVariant0"));
        assert!(is_invented("FooVariant12"));
        assert!(!is_invented("Variant"));
        assert!(!is_invented("ThreadItemVariant"));
        assert!(!is_invented("Ipv4"));
    }
}
