//! Normalising the schema snapshot into one root schema that typify renders well.
//!
//! The snapshot splits the wire definitions over two bundles (see
//! [`wire_schema`]), and a few shapes in it mislead typify 0.8: a non-nullable
//! `anyOf` becomes a struct of flattened optional members (so
//! `"usageLimitExceeded"` no longer decodes into `CodexErrorInfo`), and a
//! schema with both `properties` and a `oneOf` loses its tag. The pre-pass
//! rewrites those shapes into equivalent ones typify handles: each rule is one
//! small function over the whole root, listed in [`RULES`] and applied in that
//! order by [`apply_rules`]. Every rule is deterministic and leaves shapes it
//! does not recognise untouched, so it never fails on schema input.

use std::collections::BTreeSet;

use anyhow::{bail, Context, Result};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value};

use crate::snapshot::Snapshot;

/// Where the full bundle nests the v2 definitions, as a `$ref` prefix.
const V2_REF_PREFIX: &str = "#/definitions/v2/";
/// The `$ref` prefix of a definition in the merged root.
const REF_PREFIX: &str = "#/definitions/";
/// The key under which the full bundle nests the v2 definitions.
const V2_KEY: &str = "v2";

/// A pre-pass rule: rewrites every matching shape in a root schema
/// `{ "definitions": { ... } }` in place.
pub type Rule = fn(&mut Value);

/// The rules, by name, in the order [`apply_rules`] applies them. The name is
/// also the stem of the rule's fixture files in `tests/fixtures/prepass/`.
pub const RULES: &[(&str, Rule)] = &[
    ("merge_object_alternatives", merge_object_alternatives),
    ("any_of_to_one_of", any_of_to_one_of),
    ("drop_catch_all_alternatives", drop_catch_all_alternatives),
    ("distribute_shared_properties", distribute_shared_properties),
    ("title_untitled_variants", title_untitled_variants),
];

/// One root schema `{ "definitions": { ... } }` holding every wire definition:
/// the v2 bundle's definitions plus the full bundle's top-level definitions
/// that the v2 bundle lacks (server request params/responses, etc.; skip `v2`
/// itself), refs rewritten to `#/definitions/X`, then the pre-pass rules
/// applied. Deterministic.
pub fn wire_schema(snapshot: &Snapshot) -> Result<Value> {
    // The experimental bundles when the snapshot has them: a superset of the
    // stable ones, with the fields the runtime sends to every client.
    let (full_bundle, v2_bundle) = snapshot.type_bundles();
    let mut definitions = definitions_of(v2_bundle)
        .context("reading the v2 bundle")?
        .clone();
    let full = definitions_of(full_bundle).context("reading the full bundle")?;
    for (name, schema) in full {
        // The v2 bundle wins on names both define: they are the same type, and
        // the v2 bundle is the one the runtime documents as the API.
        if name != V2_KEY && !definitions.contains_key(name) {
            definitions.insert(name.clone(), schema.clone());
        }
    }
    for schema in definitions.values_mut() {
        strip_schema_keyword(schema);
        rewrite_refs(schema);
    }
    check_refs_resolve(&definitions)?;
    let mut root = Value::Object(Map::from_iter([(
        "definitions".to_string(),
        Value::Object(definitions),
    )]));
    apply_rules(&mut root);
    Ok(root)
}

/// The rules, each its own small documented fn, applied in order (so tests can
/// run one rule on a fixture).
pub fn apply_rules(root: &mut Value) {
    for (_, rule) in RULES {
        rule(root);
    }
}

/// The `definitions` map of a bundle.
fn definitions_of(bundle: &Value) -> Result<&Map<String, Value>> {
    bundle
        .get("definitions")
        .and_then(Value::as_object)
        .context("the schema has no `definitions` object")
}

/// Drops the `$schema` keyword the full bundle repeats on each of its
/// top-level definitions: it belongs on a root only, and typify would keep it
/// as an unknown extension.
fn strip_schema_keyword(schema: &mut Value) {
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
    }
}

/// Rewrites the full bundle's `#/definitions/v2/X` refs to `#/definitions/X`,
/// since the merged root keeps every definition at the top level.
fn rewrite_refs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                match child {
                    Value::String(target) if key == "$ref" => {
                        if let Some(name) = target.strip_prefix(V2_REF_PREFIX) {
                            *target = format!("{REF_PREFIX}{name}");
                        }
                    }
                    _ => rewrite_refs(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// The definition a `$ref` schema names (the last segment of the ref).
pub(crate) fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"].as_str().and_then(|reference| reference.rsplit('/').next())
}

/// Fails when a `$ref` points outside the merged definitions, which would make
/// typify fail later with a much less helpful message.
fn check_refs_resolve(definitions: &Map<String, Value>) -> Result<()> {
    let mut dangling = BTreeSet::new();
    for schema in definitions.values() {
        for_each_ref(schema, &mut |target| {
            let known = target
                .strip_prefix(REF_PREFIX)
                .is_some_and(|name| definitions.contains_key(name));
            if !known {
                dangling.insert(target.to_string());
            }
        });
    }
    if !dangling.is_empty() {
        bail!(
            "schema refs that name no definition: {}",
            dangling.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

/// Calls `f` with the target of every `$ref` in `value`.
pub(crate) fn for_each_ref(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                match child {
                    Value::String(target) if key == "$ref" => f(target),
                    _ => for_each_ref(child, f),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| for_each_ref(item, f)),
        _ => {}
    }
}

// ---------------------------------------------------------------------------
// Walking schemas
// ---------------------------------------------------------------------------

/// Keywords whose value is one subschema.
const SCHEMA_KEYWORDS: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "contains",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
];
/// Keywords whose value is an array of subschemas.
const SCHEMA_ARRAY_KEYWORDS: &[&str] = &["allOf", "anyOf", "items", "oneOf"];
/// Keywords whose value maps names to subschemas.
const SCHEMA_MAP_KEYWORDS: &[&str] = &["definitions", "patternProperties", "properties"];

/// Calls `f` on every object schema under the root's definitions, each parent before its children (so a rule may reshape the
/// children it is about to be walked into). Only schema positions are walked,
/// never `enum`, `const` or `default` values, which are data.
fn for_each_schema(root: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Some(definitions) = root.get_mut("definitions").and_then(Value::as_object_mut) else {
        return;
    };
    for schema in definitions.values_mut() {
        walk_schema(schema, f);
    }
}

/// The recursive half of [`for_each_schema`].
fn walk_schema(schema: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Some(object) = schema.as_object_mut() else {
        // `true`/`false` schemas have nothing to rewrite.
        return;
    };
    f(object);
    for (key, child) in object.iter_mut() {
        let key = key.as_str();
        match child {
            Value::Object(map) if SCHEMA_MAP_KEYWORDS.contains(&key) => {
                for sub in map.values_mut() {
                    walk_schema(sub, f);
                }
            }
            Value::Array(items) if SCHEMA_ARRAY_KEYWORDS.contains(&key) => {
                for sub in items.iter_mut() {
                    walk_schema(sub, f);
                }
            }
            _ if SCHEMA_KEYWORDS.contains(&key) => walk_schema(child, f),
            _ => {}
        }
    }
}

/// The `properties` of an object schema that has some, else `None`.
fn properties_of(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

/// The names in a schema's `required` list.
fn required_of(schema: &Value) -> Vec<String> {
    string_list(schema.get("required"))
}

/// The strings in a JSON array (empty if it is not one).
fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// The only value a property schema allows, if it is a single string
/// (`enum: ["x"]` or `const: "x"`): the mark of a tag property.
pub(crate) fn constant_string(schema: &Value) -> Option<&str> {
    if let Some(value) = schema.get("const") {
        return value.as_str();
    }
    match schema.get("enum").and_then(Value::as_array)?.as_slice() {
        [only] => only.as_str(),
        _ => None,
    }
}

/// Whether every alternative is an object schema listing `properties`.
fn all_have_properties(alternatives: &[Value]) -> bool {
    !alternatives.is_empty() && alternatives.iter().all(|alt| properties_of(alt).is_some())
}

// ---------------------------------------------------------------------------
// Rule 1
// ---------------------------------------------------------------------------

/// Rule 1: an object with `properties` and an `anyOf` whose alternatives are
/// all objects (`ImageUserInput`'s `{url} | {fileId}`) gets the alternatives'
/// properties merged into its own as optional fields, and loses the `anyOf`.
///
/// Why: typify would render the `anyOf` as a struct of flattened optional
/// members beside the variant's own fields; plain optional fields decode every
/// payload the alternatives allow and keep the union variant a simple struct
/// variant. The "exactly one" constraint is kept as documentation on the
/// merged fields.
pub fn merge_object_alternatives(root: &mut Value) {
    for_each_schema(root, &mut |schema| merge_alternatives_into(schema));
}

/// [`merge_object_alternatives`] on one schema.
fn merge_alternatives_into(schema: &mut Map<String, Value>) {
    let mergeable = schema.get("properties").is_some_and(Value::is_object)
        && schema
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|alts| all_have_properties(alts));
    if !mergeable {
        return;
    }
    let Some(Value::Array(alternatives)) = schema.remove("anyOf") else {
        return;
    };
    let names: Vec<String> = alternatives
        .iter()
        .filter_map(properties_of)
        .flat_map(|props| props.keys().map(|name| format!("`{name}`")))
        .collect();
    let note = format!("Set exactly one of {}.", names.join(", "));
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return;
    };
    for alternative in alternatives {
        let Some(Value::Object(alt_properties)) = alternative.get("properties").cloned() else {
            continue;
        };
        for (name, mut property) in alt_properties {
            add_description(&mut property, &note);
            properties.entry(name).or_insert(property);
        }
    }
}

/// Appends `note` to a property schema's description (creating it if absent).
fn add_description(property: &mut Value, note: &str) {
    let Some(object) = property.as_object_mut() else {
        return;
    };
    let text = match object.get("description").and_then(Value::as_str) {
        Some(existing) => format!("{existing}\n\n{note}"),
        None => note.to_string(),
    };
    object.insert("description".to_string(), Value::String(text));
}

// ---------------------------------------------------------------------------
// Rule 2
// ---------------------------------------------------------------------------

/// Rule 2: every `anyOf` that is not the nullable pair `[X, {type: null}]`
/// becomes a `oneOf`.
///
/// Why: typify 0.8 renders a non-nullable `anyOf` as a struct of flattened
/// optional members that fails at run time (`"usageLimitExceeded"` does not
/// decode into `CodexErrorInfo`); a `oneOf` becomes a (tagged or untagged)
/// enum. An untagged enum takes the first variant that matches, so every
/// value the `anyOf` accepts still decodes. The nullable pair stays: typify
/// turns it into `Option<X>`.
pub fn any_of_to_one_of(root: &mut Value) {
    for_each_schema(root, &mut |schema| rename_any_of(schema));
}

/// [`any_of_to_one_of`] on one schema.
fn rename_any_of(schema: &mut Map<String, Value>) {
    let convertible = schema
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|alts| !is_nullable_pair(alts));
    // A schema with both keywords would need an `allOf` to keep both; none in
    // the schema does, so such a shape is left alone rather than guessed at.
    if !convertible || schema.contains_key("oneOf") {
        return;
    }
    if let Some(alternatives) = schema.remove("anyOf") {
        schema.insert("oneOf".to_string(), alternatives);
    }
}

/// Whether alternatives are `[X, {type: null}]` in either order.
fn is_nullable_pair(alternatives: &[Value]) -> bool {
    alternatives.len() == 2 && alternatives.iter().any(is_null_schema)
}

/// Whether a schema admits only `null`.
fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

// ---------------------------------------------------------------------------
// Rule 3
// ---------------------------------------------------------------------------

/// Rule 3: a `oneOf` alternative that only names several JSON types
/// (`CodexErrorInfo`'s trailing `{type: ["string", "object"]}`, the runtime's
/// "any other code" escape hatch) is dropped when other alternatives remain.
///
/// Why: with it typify can only make an untagged enum whose last variant is
/// an untyped `String | Map` (named `CodexErrorInfoVariant6`); without it the
/// known codes form an externally tagged enum (`UsageLimitExceeded`,
/// `HttpConnectionFailed { http_status_code }`, ...), and the emit step
/// (`emit_types::fallback`) gives such an enum an `Unknown(serde_json::Value)`
/// variant that keeps any other value, which is what the catch-all meant.
pub fn drop_catch_all_alternatives(root: &mut Value) {
    for_each_schema(root, &mut |schema| {
        if let Some(Value::Array(alternatives)) = schema.get_mut("oneOf") {
            if alternatives.iter().any(|alt| !is_catch_all(alt)) {
                alternatives.retain(|alt| !is_catch_all(alt));
            }
        }
    });
}

/// Whether a schema constrains nothing but the JSON type, and allows more
/// than one non-null type.
fn is_catch_all(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    let only_type = object
        .keys()
        .all(|key| matches!(key.as_str(), "type" | "description" | "title"));
    let types = string_list(object.get("type"));
    only_type && types.iter().filter(|name| *name != "null").count() > 1
}

// ---------------------------------------------------------------------------
// Rule 4
// ---------------------------------------------------------------------------

/// Rule 4: a schema with `properties` and a `oneOf` of objects
/// (`ServerNotification`'s shared `emittedAtMs`, `HookMetadata`) gets its
/// shared properties and their `required` entries copied into every
/// alternative, and keeps only the `oneOf`.
///
/// Why: typify cannot tag a union whose shared fields live beside the
/// `oneOf`; with the fields inside each alternative it recognises the tag and
/// emits a `#[serde(tag = ...)]` enum whose variants all carry them. A field
/// an alternative defines itself keeps the alternative's definition.
pub fn distribute_shared_properties(root: &mut Value) {
    for_each_schema(root, &mut |schema| distribute_into_variants(schema));
}

/// [`distribute_shared_properties`] on one schema.
fn distribute_into_variants(schema: &mut Map<String, Value>) {
    let distributable = schema.get("properties").is_some_and(Value::is_object)
        && schema
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|alts| all_have_properties(alts));
    if !distributable {
        return;
    }
    let Some(Value::Object(shared)) = schema.remove("properties") else {
        return;
    };
    let shared_required = string_list(schema.remove("required").as_ref());
    // Closed-ness belongs to each alternative now; a parent-level
    // `additionalProperties` would apply to the union as a whole.
    schema.remove("additionalProperties");
    let Some(Value::Array(alternatives)) = schema.get_mut("oneOf") else {
        return;
    };
    for alternative in alternatives.iter_mut() {
        copy_shared_into(alternative, &shared, &shared_required);
    }
}

/// Adds the shared properties an alternative lacks, and their `required`
/// entries, keeping `required` sorted as the snapshot does.
fn copy_shared_into(
    alternative: &mut Value,
    shared: &Map<String, Value>,
    shared_required: &[String],
) {
    let mut required: BTreeSet<String> = required_of(alternative).into_iter().collect();
    let Some(object) = alternative.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in shared {
            if !properties.contains_key(name) {
                properties.insert(name.clone(), property.clone());
                if shared_required.contains(name) {
                    required.insert(name.clone());
                }
            }
        }
    }
    let required = required.into_iter().map(Value::String).collect();
    object.insert("required".to_string(), Value::Array(required));
}

// ---------------------------------------------------------------------------
// Rule 5
// ---------------------------------------------------------------------------

/// Rule 5: the untitled object alternatives of a definition's top-level
/// untagged `oneOf` get a title `<Distinction><Definition>`, following the
/// schema's own convention (`HttpConnectionFailedCodexErrorInfo`). The
/// distinction is the alternative's first required property that not every
/// alternative requires (`ResourceContent`'s `text` / `blob` →
/// `TextResourceContent`, `BlobResourceContent`).
///
/// Why: typify names an untagged enum's variants after their titles, and one
/// untitled alternative makes it fall back to `Variant0`, `Variant1`, ... for
/// the whole enum. Tagged unions (all object alternatives share a required
/// constant-valued property, e.g. `HookMetadata`'s `handlerType`) are left
/// alone: typify names their variants after the tag values. A title that
/// would clash with a definition or a sibling is not added (typify's
/// fallback stays, and the emit step's name check reports it).
pub fn title_untitled_variants(root: &mut Value) {
    let Some(definitions) = root.get_mut("definitions").and_then(Value::as_object_mut) else {
        return;
    };
    let taken: BTreeSet<String> = definitions.keys().cloned().collect();
    for (name, schema) in definitions.iter_mut() {
        if let Some(Value::Array(alternatives)) = schema.get_mut("oneOf") {
            title_alternatives(name, alternatives, &taken);
        }
    }
}

/// [`title_untitled_variants`] on one definition's alternatives.
fn title_alternatives(definition: &str, alternatives: &mut [Value], taken: &BTreeSet<String>) {
    let objects: Vec<&Value> = alternatives
        .iter()
        .filter(|alt| properties_of(alt).is_some())
        .collect();
    if shared_tag(&objects).is_some() {
        return;
    }
    let always_required = required_by_all(&objects);
    let mut used: BTreeSet<String> = alternatives
        .iter()
        .filter_map(|alt| alt.get("title").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    for alternative in alternatives.iter_mut() {
        if alternative.get("title").is_some() || properties_of(alternative).is_none() {
            continue;
        }
        let distinction = required_of(alternative)
            .into_iter()
            .find(|name| !always_required.contains(name));
        let Some(distinction) = distinction else {
            continue;
        };
        let title = format!("{}{definition}", distinction.to_upper_camel_case());
        if taken.contains(&title) || !used.insert(title.clone()) {
            continue;
        }
        if let Some(object) = alternative.as_object_mut() {
            object.insert("title".to_string(), Value::String(title));
        }
    }
}

/// The property every alternative requires with one constant string value,
/// the values all distinct: the union's tag. The first such name, by sorted
/// order, as typify picks it.
fn shared_tag(objects: &[&Value]) -> Option<String> {
    let first = objects.first()?;
    let candidates: BTreeSet<String> = required_of(first).into_iter().collect();
    candidates.into_iter().find(|name| {
        let values: Option<Vec<&str>> = objects
            .iter()
            .map(|alt| {
                let required = required_of(alt).contains(name);
                let value = alt.get("properties")?.get(name).and_then(constant_string)?;
                required.then_some(value)
            })
            .collect();
        values.is_some_and(|values| values.iter().collect::<BTreeSet<_>>().len() == values.len())
    })
}

/// The property names every alternative requires.
fn required_by_all(objects: &[&Value]) -> BTreeSet<String> {
    let mut sets = objects
        .iter()
        .map(|alt| required_of(alt).into_iter().collect::<BTreeSet<_>>());
    let Some(first) = sets.next() else {
        return BTreeSet::new();
    };
    sets.fold(first, |acc, set| acc.intersection(&set).cloned().collect())
}
