//! Forward compatibility: an `Unknown(..)` variant on the enums a newer
//! runtime may extend.
//!
//! A runtime newer than the schema the SDK was generated from sends enum
//! values, item types and union variants this SDK has never seen. Without a
//! fallback, one such value makes the whole message fail to decode (a
//! `thread/read` result with one new item type would be lost). typify cannot
//! add a catch-all, so this module adds one to its output, as the last
//! variant with `#[serde(untagged)]` (serde ≥ 1.0.181 tries untagged variants
//! after the tagged ones, for every enum representation):
//!
//! * a string enum (only unit variants, no tag) gets `Unknown(String)`: the
//!   unknown value decodes to `Unknown("value")` and re-serialises unchanged;
//! * a tagged enum (internally `tag = ..`, adjacently `tag, content`, or
//!   externally tagged with data) gets `Unknown(serde_json::Value)`, keeping
//!   the whole raw value.
//!
//! The variant is named `Unknown`, or `UnknownValue` when the schema itself
//! has a value that maps to `Unknown` (`HookSource::Unknown`).
//!
//! * an untagged enum (a choice of JSON shapes: `RequestId`, `ResourceContent`,
//!   `McpElicitationPrimitiveSchema`, ...) gets `Unknown(serde_json::Value)`
//!   as its last variant: a value of a shape it does not know decodes there
//!   instead of failing the whole message.
//!
//! The rule, then: every enum gets a fallback, except where a catch-all would
//! take values that belong to another variant. An untagged enum picks the
//! first variant that decodes, so a catch-all inside any but its last
//! variant would steal values meant for a later one
//! (`McpElicitationStringType` accepting `"boolean"` would decode a boolean
//! schema as a string schema). So an enum (untagged or not) reachable from
//! any but the last variant of an untagged enum is *shielded*
//! ([`NoFallback::Shielded`]) and gets none; the untagged enum's own
//! `Unknown` keeps such a value whole. No other enum goes without:
//! [`decisions`] states each decision with its reason, and the tests hold
//! that every enum the client receives either has a fallback or is shielded
//! by an untagged enum that has one.
//!
//! Adding a variant breaks some of what typify derived and implemented, so:
//!
//! * derives the new payload cannot have are dropped: `Copy` (a `String` is
//!   not `Copy`), and for a `Value` payload also `Ord`/`PartialOrd`; then,
//!   repeatedly, from every type that contains a type which lost them;
//! * a unit-only enum's `Display`, `FromStr` and `TryFrom<&str|String>`
//!   impls are replaced: `Display` prints the wire value (an unknown one as
//!   received), `as_str` returns it, and parsing is infallible (`From<&str>`,
//!   `From<String>`, `FromStr<Err = Infallible>`): an unknown string becomes
//!   `Unknown`, mirroring what decoding does. The standard blanket impl keeps
//!   `TryFrom<&str>` available, now with `Infallible` as its error.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Fields, Ident, Item, ItemEnum, Token};

use crate::syntax::{remove_derives, serde_rename};

/// What an enum's fallback variant holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Payload {
    /// `Unknown(String)`, for string enums.
    String,
    /// `Unknown(serde_json::Value)`, for tagged enums.
    Json,
}

impl Payload {
    /// The derives a type can no longer have once it holds this payload.
    fn lost_derives(self) -> &'static [&'static str] {
        match self {
            Payload::String => &["Copy"],
            Payload::Json => &["Copy", "Ord", "PartialOrd"],
        }
    }
}

/// How serde represents an enum, read from its `#[serde(..)]` attributes.
#[derive(Debug, Default)]
struct Representation {
    untagged: bool,
    tag: Option<String>,
}

/// The fallback added to one enum, and what its impls need to know.
struct Fallback {
    /// The fallback variant's name.
    variant: Ident,
    payload: Payload,
    /// The tag property of an internally or adjacently tagged enum.
    tag: Option<String>,
    /// For unit-only enums, each variant with its wire value.
    unit_values: Option<Vec<(Ident, String)>>,
    /// The enum is untagged (its fallback is a plain last variant).
    untagged: bool,
}

/// Why an enum has no `Unknown` fallback (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoFallback {
    /// The enum is reachable from any but the last variant of the untagged
    /// enum `by`, where a catch-all would steal values meant for a later
    /// variant of `by`.
    Shielded {
        /// The untagged enum whose variant order forbids the catch-all.
        by: String,
    },
}

impl std::fmt::Display for NoFallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoFallback::Shielded { by } => write!(
                f,
                "shielded: reachable from an earlier variant of the untagged `{by}`, where a catch-all would steal values meant for a later variant"
            ),
        }
    }
}

/// Whether one generated enum has an `Unknown` fallback.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    /// It has one, with this variant name (`Unknown`, or `UnknownValue` when
    /// the schema has a value named `Unknown`).
    Fallback(String),
    /// It has none, for this reason.
    Without(NoFallback),
}

/// The decision for every enum of a typify output, by enum name, before the
/// fallbacks are added: what [`add_unknown_variants`] will do.
pub fn decisions(file: &syn::File) -> BTreeMap<String, Decision> {
    let graph = reference_graph(file);
    let shielded = shielded_types(file, &graph);
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(item) => {
                let decision = match plan_fallback(item, &shielded) {
                    Ok(fallback) => Decision::Fallback(fallback.variant.to_string()),
                    Err(reason) => Decision::Without(reason),
                };
                Some((item.ident.to_string(), decision))
            }
            _ => None,
        })
        .collect()
}

/// Adds the fallback variants and fixes derives and impls (see the module
/// docs).
pub(super) fn add_unknown_variants(file: &mut syn::File) {
    let graph = reference_graph(file);
    let shielded = shielded_types(file, &graph);
    let mut fallbacks = BTreeMap::new();
    for item in &mut file.items {
        if let Item::Enum(item) = item {
            if let Ok(fallback) = plan_fallback(item, &shielded) {
                add_variant(item, &fallback);
                fallbacks.insert(item.ident.to_string(), fallback);
            }
        }
    }
    replace_string_impls(file, &fallbacks);
    extend_untagged_display(file, &fallbacks);
    let lost = fallbacks
        .iter()
        .map(|(name, fallback)| {
            (
                name.clone(),
                fallback.payload.lost_derives().iter().copied().collect(),
            )
        })
        .collect();
    drop_lost_derives(file, lost, &graph);
}

// ---------------------------------------------------------------------------
// Which enums get a fallback
// ---------------------------------------------------------------------------

/// The fallback an enum gets, or why it gets none.
fn plan_fallback(
    item: &ItemEnum,
    shielded: &BTreeMap<String, String>,
) -> Result<Fallback, NoFallback> {
    let representation = representation(&item.attrs);
    if let Some(by) = shielded.get(&item.ident.to_string()) {
        return Err(NoFallback::Shielded { by: by.clone() });
    }
    let unit_values = if representation.untagged { None } else { unit_values(item) };
    let payload = match (&unit_values, &representation.tag) {
        (Some(_), None) => Payload::String,
        _ => Payload::Json,
    };
    Ok(Fallback {
        variant: free_variant_name(item),
        payload,
        tag: representation.tag,
        unit_values,
        untagged: representation.untagged,
    })
}

/// Reads `untagged` and `tag = ".."` from an item's serde attributes.
fn representation(attrs: &[syn::Attribute]) -> Representation {
    let mut representation = Representation::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        // An attribute that does not parse as nested meta carries neither.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("untagged") {
                representation.untagged = true;
            } else if meta.path.is_ident("tag") {
                let value: syn::LitStr = meta.value()?.parse()?;
                representation.tag = Some(value.value());
            } else if meta.input.peek(Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    representation
}

/// Each variant with its wire value, if every variant is a unit variant.
fn unit_values(item: &ItemEnum) -> Option<Vec<(Ident, String)>> {
    item.variants
        .iter()
        .map(|variant| match variant.fields {
            Fields::Unit => {
                let wire =
                    serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
                Some((variant.ident.clone(), wire))
            }
            _ => None,
        })
        .collect()
}

/// `Unknown`, or the first of `UnknownValue`, `UnknownValue2`, ... that no
/// variant of the enum already uses.
fn free_variant_name(item: &ItemEnum) -> Ident {
    let taken = |name: &str| item.variants.iter().any(|variant| variant.ident == name);
    if !taken("Unknown") {
        return format_ident!("Unknown");
    }
    let mut candidate = "UnknownValue".to_string();
    let mut counter = 1;
    while taken(&candidate) {
        counter += 1;
        candidate = format!("UnknownValue{counter}");
    }
    format_ident!("{}", candidate)
}

/// The shielded enums (see the module docs): those reachable from any but
/// the last variant of an untagged enum, each with that untagged enum (the
/// first by name).
fn shielded_types(
    file: &syn::File,
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, String> {
    let mut untagged: Vec<&ItemEnum> = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(item) if representation(&item.attrs).untagged => Some(item),
            _ => None,
        })
        .collect();
    untagged.sort_by_key(|item| item.ident.to_string());
    let mut shielded = BTreeMap::new();
    for item in untagged {
        let earlier = item.variants.len().saturating_sub(1);
        let roots: BTreeSet<String> = item
            .variants
            .iter()
            .take(earlier)
            .flat_map(|variant| referenced_types(&variant.fields))
            .collect();
        for name in reachable(&roots, graph) {
            shielded.entry(name).or_insert_with(|| item.ident.to_string());
        }
    }
    shielded
}

/// `roots` and every type they reach in `graph`.
fn reachable(
    roots: &BTreeSet<String>,
    graph: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let mut seen = roots.clone();
    let mut queue: VecDeque<&String> = roots.iter().collect();
    while let Some(name) = queue.pop_front() {
        for next in graph.get(name).into_iter().flatten() {
            if seen.insert(next.clone()) {
                queue.push_back(next);
            }
        }
    }
    seen
}

/// For each struct and enum, the names its fields' types mention.
fn reference_graph(file: &syn::File) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph = BTreeMap::new();
    for item in &file.items {
        match item {
            Item::Struct(item) => {
                graph.insert(item.ident.to_string(), referenced_types(&item.fields));
            }
            Item::Enum(item) => {
                let names = item
                    .variants
                    .iter()
                    .flat_map(|variant| referenced_types(&variant.fields))
                    .collect();
                graph.insert(item.ident.to_string(), names);
            }
            _ => {}
        }
    }
    graph
}

/// Every identifier in the types of `fields` (`Option<Vec<Foo>>` → `Option`,
/// `Vec`, `Foo`, ...); names that are not generated types are harmless.
fn referenced_types(fields: &Fields) -> BTreeSet<String> {
    let mut collector = IdentCollector::default();
    for field in fields {
        // syn's read-only visitor is not among the enabled features; walking
        // a copy with the mutable one is just as good.
        collector.visit_type_mut(&mut field.ty.clone());
    }
    collector.names
}

/// Collects the identifiers of the path segments in a type.
#[derive(Default)]
struct IdentCollector {
    names: BTreeSet<String>,
}

impl VisitMut for IdentCollector {
    fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
        self.names.insert(segment.ident.to_string());
        syn::visit_mut::visit_path_segment_mut(self, segment);
    }
}

// ---------------------------------------------------------------------------
// The variant
// ---------------------------------------------------------------------------

/// Appends the fallback variant to an enum.
fn add_variant(item: &mut ItemEnum, fallback: &Fallback) {
    let name = &fallback.variant;
    if fallback.untagged {
        // Tried last, as the enum's other variants are.
        item.variants.push(parse_quote! {
            /// A value of a shape this version of the SDK does not know (sent
            /// by a newer runtime), kept as the raw JSON value so it
            /// serialises back unchanged.
            #name(::serde_json::Value)
        });
        return;
    }
    let variant: syn::Variant = match fallback.payload {
        Payload::String => parse_quote! {
            /// A value this version of the SDK does not know (sent by a newer
            /// runtime), kept as received so it serialises back unchanged.
            #[serde(untagged)]
            #name(::std::string::String)
        },
        Payload::Json => parse_quote! {
            /// A variant this version of the SDK does not know (sent by a newer
            /// runtime), kept as the raw JSON value so it serialises back
            /// unchanged.
            #[serde(untagged)]
            #name(::serde_json::Value)
        },
    };
    item.variants.push(variant);
}

// ---------------------------------------------------------------------------
// Impls of unit-only enums
// ---------------------------------------------------------------------------

/// Replaces typify's string conversions of every unit-only enum that got a
/// fallback (they match exhaustively on `*self` and reject unknown strings).
fn replace_string_impls(file: &mut syn::File, fallbacks: &BTreeMap<String, Fallback>) {
    let items = std::mem::take(&mut file.items);
    for item in items {
        if is_replaced_impl(&item, fallbacks) {
            continue;
        }
        let new_impls = match &item {
            Item::Enum(item) => fallbacks
                .get(&item.ident.to_string())
                .and_then(|fallback| string_impls(&item.ident, fallback)),
            _ => None,
        };
        file.items.push(item);
        if let Some(tokens) = new_impls {
            // The impls are built from idents and string literals, so they
            // always parse; should they not, the enum simply keeps none.
            if let Ok(generated) = syn::parse2::<syn::File>(tokens) {
                file.items.extend(generated.items);
            }
        }
    }
}

/// Whether an item is a `Display`, `FromStr` or `TryFrom` impl for a
/// unit-only enum that got a fallback.
fn is_replaced_impl(item: &Item, fallbacks: &BTreeMap<String, Fallback>) -> bool {
    let Item::Impl(item) = item else {
        return false;
    };
    let Some((_, trait_path, _)) = &item.trait_ else {
        return false;
    };
    let replaced_trait = trait_path.segments.last().is_some_and(|segment| {
        ["Display", "FromStr", "TryFrom"]
            .iter()
            .any(|name| segment.ident == name)
    });
    let syn::Type::Path(self_ty) = item.self_ty.as_ref() else {
        return false;
    };
    let unit_only_with_fallback = self_ty
        .path
        .segments
        .last()
        .and_then(|segment| fallbacks.get(&segment.ident.to_string()))
        .is_some_and(|fallback| fallback.unit_values.is_some());
    replaced_trait && unit_only_with_fallback
}

/// The conversions of a unit-only enum with a fallback; `None` for enums
/// with data.
fn string_impls(name: &Ident, fallback: &Fallback) -> Option<TokenStream> {
    let values = fallback.unit_values.as_ref()?;
    let variants: Vec<&Ident> = values.iter().map(|(variant, _)| variant).collect();
    let wires: Vec<&String> = values.iter().map(|(_, wire)| wire).collect();
    let unknown = &fallback.variant;
    let conversions = match (fallback.payload, &fallback.tag) {
        (Payload::String, _) => quote! {
            impl #name {
                /// The value as it appears on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(Self::#variants => #wires,)*
                        Self::#unknown(value) => value.as_str(),
                    }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#wires => Self::#variants,)*
                        _ => Self::#unknown(value.to_string()),
                    }
                }
            }
        },
        // An internally tagged enum of unit variants: on the wire each is
        // `{"<tag>": "<value>"}`, so the string form is the tag's value.
        (Payload::Json, Some(tag)) => quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(Self::#variants => f.write_str(#wires),)*
                        Self::#unknown(value) => match value.get(#tag).and_then(::serde_json::Value::as_str) {
                            Some(tag) => f.write_str(tag),
                            None => ::std::fmt::Display::fmt(value, f),
                        },
                    }
                }
            }
            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#wires => Self::#variants,)*
                        _ => Self::#unknown(::serde_json::json!({ #tag: value })),
                    }
                }
            }
        },
        // A unit-only enum without a tag gets a `String` payload; nothing
        // else to convert.
        (Payload::Json, None) => return None,
    };
    Some(quote! {
        #conversions
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
    })
}

/// typify's `Display` of an untagged enum matches on every variant; the
/// fallback prints its raw JSON.
fn extend_untagged_display(file: &mut syn::File, fallbacks: &BTreeMap<String, Fallback>) {
    struct AddArm<'a>(&'a Ident);
    impl VisitMut for AddArm<'_> {
        fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
            let variant = self.0;
            node.arms.push(parse_quote! {
                Self::#variant(value) => ::std::fmt::Display::fmt(value, f),
            });
        }
    }
    for item in &mut file.items {
        let Item::Impl(item) = item else { continue };
        let is_display = item
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .is_some_and(|segment| segment.ident == "Display");
        let syn::Type::Path(self_ty) = item.self_ty.as_ref() else { continue };
        let fallback = self_ty
            .path
            .segments
            .last()
            .and_then(|segment| fallbacks.get(&segment.ident.to_string()))
            .filter(|fallback| fallback.untagged);
        if let (true, Some(fallback)) = (is_display, fallback) {
            AddArm(&fallback.variant).visit_item_impl_mut(item);
        }
    }
}

// ---------------------------------------------------------------------------
// Derives
// ---------------------------------------------------------------------------

/// Removes derives that no longer hold: first `lost` (per enum, from its
/// payload), then, until nothing changes, from every type that mentions a
/// type which lost the same derive.
fn drop_lost_derives(
    file: &mut syn::File,
    mut lost: BTreeMap<String, BTreeSet<&'static str>>,
    graph: &BTreeMap<String, BTreeSet<String>>,
) {
    loop {
        let mut changed = false;
        for (name, references) in graph {
            let inherited: BTreeSet<&'static str> = references
                .iter()
                .filter_map(|reference| lost.get(reference))
                .flatten()
                .copied()
                .collect();
            let own = lost.entry(name.clone()).or_default();
            let before = own.len();
            own.extend(inherited);
            changed |= own.len() != before;
        }
        if !changed {
            break;
        }
    }
    for item in &mut file.items {
        let (ident, attrs) = match item {
            Item::Struct(item) => (&item.ident, &mut item.attrs),
            Item::Enum(item) => (&item.ident, &mut item.attrs),
            _ => continue,
        };
        if let Some(traits) = lost.get(&ident.to_string()) {
            let traits: Vec<&str> = traits.iter().copied().collect();
            remove_derives(attrs, &traits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transformed(mut file: syn::File) -> String {
        add_unknown_variants(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn lost_derives_propagate_to_containing_types() {
        let text = transformed(parse_quote! {
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum Mode { A }
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub struct Holder { pub mode: ::std::option::Option<Mode> }
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            #[serde(tag = "type")]
            pub enum Event { Started { at: u64 } }
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub struct Outer(pub Holder, pub Event);
            #[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub struct Untouched { pub n: u64 }
        });
        let derives: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with("#[derive"))
            .collect();
        assert_eq!(
            derives,
            [
                "#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]",
                "#[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]",
                "#[derive(Clone, Debug, Eq, Hash, PartialEq)]",
                "#[derive(Clone, Debug, Eq, Hash, PartialEq)]",
                "#[derive(Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]",
            ]
        );
    }

    #[test]
    fn string_enum_impls_are_replaced() {
        let text = transformed(parse_quote! {
            pub enum Mode {
                #[serde(rename = "read-only")]
                ReadOnly,
            }
            impl ::std::fmt::Display for Mode {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { Self::ReadOnly => f.write_str("read-only") }
                }
            }
            impl ::std::convert::TryFrom<&str> for Mode {
                type Error = &'static str;
                fn try_from(value: &str) -> Result<Self, &'static str> { Err(value) }
            }
        });
        assert!(
            text.contains("#[serde(untagged)]\n    Unknown(::std::string::String),"),
            "{text}"
        );
        assert!(!text.contains("TryFrom"), "{text}");
        assert!(!text.contains("match *self"), "{text}");
        assert!(text.contains("\"read-only\" => Self::ReadOnly,"), "{text}");
        assert!(
            text.contains("Self::Unknown(value) => value.as_str(),"),
            "{text}"
        );
        assert!(
            text.contains("type Err = ::std::convert::Infallible;"),
            "{text}"
        );
    }

    #[test]
    fn an_outermost_untagged_enum_gets_a_last_fallback_variant() {
        let text = transformed(parse_quote! {
            #[derive(Clone, Copy, Debug, Eq, Ord, PartialEq, PartialOrd)]
            #[serde(untagged)]
            pub enum Id { Text(::std::string::String), Number(i64) }
            impl ::std::fmt::Display for Id {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self { Self::Text(x) => x.fmt(f), Self::Number(x) => x.fmt(f) }
                }
            }
        });
        assert!(text.contains("Number(i64),\n    /// A value of a shape"), "{text}");
        assert!(text.contains("Unknown(::serde_json::Value),\n}"), "{text}");
        assert!(text.contains("Self::Unknown(value) => ::std::fmt::Display::fmt(value, f)"), "{text}");
        assert!(text.contains("#[derive(Clone, Debug, Eq, PartialEq)]"), "{text}");
    }

    #[test]
    fn what_an_untagged_enum_reaches_is_shielded_and_says_by_whom() {
        let file: syn::File = parse_quote! {
            #[serde(untagged)]
            pub enum Schema { Text(TextSchema), Flag(FlagSchema), Inner(Inner) }
            pub struct TextSchema { pub kind: TextKind }
            pub struct FlagSchema { pub kind: FlagKind }
            pub enum TextKind { Text }
            pub enum FlagKind { Flag }
            #[serde(untagged)]
            pub enum Inner { A(i64), B(::std::string::String) }
            pub enum Free { X }
        };
        let decisions = decisions(&file);
        let shielded = |by: &str| Decision::Without(NoFallback::Shielded { by: by.to_string() });
        assert_eq!(decisions["Schema"], Decision::Fallback("Unknown".to_string()));
        assert_eq!(decisions["TextKind"], shielded("Schema"));
        assert_eq!(decisions["FlagKind"], shielded("Schema"));
        // The last variant steals from no later variant.
        assert_eq!(decisions["Inner"], Decision::Fallback("Unknown".to_string()));
        assert_eq!(decisions["Free"], Decision::Fallback("Unknown".to_string()));
    }
}
