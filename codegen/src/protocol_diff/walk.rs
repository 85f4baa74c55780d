//! Comparing two versions of a definition, at any depth: properties of
//! objects (and of objects inside arrays, maps and union variants), union
//! members by their tag, enum values, map value types and formats.
//!
//! Each difference becomes a [`Finding`] that records the facts its
//! classification needs (required before and after, whether the generated
//! Rust type is an `Option`, whether the field sits in a union variant, ...);
//! [`super::classify`] turns findings into changes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::prepass::{constant_string, ref_name};

/// What kind of difference, with the facts the classification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    TypeAdded,
    TypeRemoved,
    /// The definition's own shape changed (e.g. a struct became an enum).
    TypeReshaped,
    FieldAdded {
        required: bool,
        /// The generated field is an `Option`.
        rust_option: bool,
        /// The field belongs to a union variant (an enum struct variant).
        in_variant: bool,
        /// The generated struct derives `Default` (no field is required).
        container_default: bool,
    },
    FieldRemoved {
        old_rust_option: bool,
    },
    FieldRetyped {
        /// The base type changed (not just its nullability).
        base_changed: bool,
        /// `Some(true)`: null is newly allowed; `Some(false)`: no longer.
        nullable: Option<bool>,
        old_rust_option: bool,
        rust_changed: bool,
    },
    FieldRequirement {
        made_required: bool,
        old_rust_option: bool,
        rust_changed: bool,
    },
    /// A value of a string enum, or a union member, appeared.
    MemberAdded {
        /// A union variant with data (else an enum value).
        variant: bool,
        /// The generated enum, when the union is a whole definition.
        enum_name: Option<String>,
    },
    MemberRemoved {
        variant: bool,
    },
    /// A union member changed what it holds (a unit value became a struct
    /// variant, or an untagged member's type changed).
    VariantReshaped,
    /// A catch-all alternative (`{type: [string, object]}`) appeared.
    CatchAllAdded {
        enum_name: String,
    },
    CatchAllRemoved,
}

/// One difference inside a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Finding {
    pub kind: Kind,
    /// The definition it is in (decides its direction).
    pub owner: String,
    /// e.g. `ThreadItem[imageGeneration].result`.
    pub subject: String,
    /// e.g. the old and new types.
    pub detail: String,
}

/// Compares every definition of two sides.
pub(super) fn compare_definitions(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<Finding> {
    let mut walker = Walker { findings: Vec::new(), owner: String::new() };
    for (name, schema) in new {
        walker.owner = name.clone();
        match old.get(name) {
            None => walker.push(Kind::TypeAdded, name.clone(), describe_definition(schema)),
            Some(previous) => walker.definition(name, previous, schema),
        }
    }
    for (name, schema) in old {
        if !new.contains_key(name) {
            walker.owner = name.clone();
            walker.push(Kind::TypeRemoved, name.clone(), describe_definition(schema));
        }
    }
    walker.findings
}

/// Catch-all alternatives the pre-pass folds into the `Unknown` fallback,
/// compared on the definitions as printed.
pub(super) fn compare_catch_alls(old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (name, schema) in new {
        let Some(previous) = old.get(name) else { continue };
        let (before, after) = (has_catch_all(previous), has_catch_all(schema));
        let kind = match (before, after) {
            (false, true) => Kind::CatchAllAdded { enum_name: name.clone() },
            (true, false) => Kind::CatchAllRemoved,
            _ => continue,
        };
        findings.push(Finding {
            kind,
            owner: name.clone(),
            subject: name.clone(),
            detail: "an alternative that accepts any other string or object".to_owned(),
        });
    }
    findings
}

fn has_catch_all(schema: &Value) -> bool {
    ["anyOf", "oneOf"].iter().any(|key| {
        schema[*key].as_array().is_some_and(|alternatives| {
            alternatives.len() > 1
                && alternatives.iter().any(|alt| {
                    let Some(object) = alt.as_object() else { return false };
                    let only_type = object.keys().all(|key| matches!(key.as_str(), "type" | "description" | "title"));
                    let types = alt["type"].as_array().map(|types| types.iter().filter(|t| *t != "null").count());
                    only_type && types.unwrap_or(0) > 1
                })
        })
    })
}

struct Walker {
    findings: Vec<Finding>,
    owner: String,
}

impl Walker {
    fn push(&mut self, kind: Kind, subject: String, detail: String) {
        self.findings.push(Finding { kind, owner: self.owner.clone(), subject, detail });
    }

    fn definition(&mut self, name: &str, old: &Value, new: &Value) {
        let (old_base, old_null) = peel_null(old);
        let (new_base, new_null) = peel_null(new);
        let (before, after) = (signature(&old_base), signature(&new_base));
        if before != after || old_null != new_null {
            self.push(Kind::TypeReshaped, name.to_owned(), format!("{} → {}", signature(old), signature(new)));
            return;
        }
        self.inner(name, &old_base, &new_base, Some(name));
    }

    /// Two schemas with the same signature: what changed inside them.
    /// `enum_name` is the definition's name when the schema is the whole
    /// definition (a union there is a generated enum of that name).
    fn inner(&mut self, subject: &str, old: &Value, new: &Value, enum_name: Option<&str>) {
        match shape(old) {
            Shape::Object => self.fields(subject, old, new, false, None),
            Shape::Enum | Shape::Union => self.union(subject, old, new, enum_name),
            Shape::Array => {
                let (old_items, _) = peel_null(&old["items"]);
                let (new_items, _) = peel_null(&new["items"]);
                self.inner(&format!("{subject}[]"), &old_items, &new_items, None);
            }
            Shape::Map => {
                let (old_values, _) = peel_null(&old["additionalProperties"]);
                let (new_values, _) = peel_null(&new["additionalProperties"]);
                self.inner(&format!("{subject}{{}}"), &old_values, &new_values, None);
            }
            Shape::Other => {}
        }
    }

    /// The properties of two object schemas. `tag` is a union's tag
    /// property, compared by the union itself.
    fn fields(&mut self, subject: &str, old: &Value, new: &Value, in_variant: bool, tag: Option<&str>) {
        let (old_fields, new_fields) = (properties(old), properties(new));
        let (old_required, new_required) = (required(old), required(new));
        let container_default =
            new_fields.iter().all(|(name, schema)| !new_required.contains(name) || peel_null(schema).1);
        for (field, schema) in &new_fields {
            if Some(field.as_str()) == tag {
                continue;
            }
            let path = format!("{subject}.{field}");
            let is_required = new_required.contains(field);
            let new_option = !is_required || peel_null(schema).1;
            let Some(previous) = old_fields.get(field) else {
                let detail = format!("{}{}", signature(schema), if is_required { ", required" } else { "" });
                self.push(
                    Kind::FieldAdded { required: is_required, rust_option: new_option, in_variant, container_default },
                    path,
                    detail,
                );
                continue;
            };
            let was_required = old_required.contains(field);
            let (old_base, old_null) = peel_null(previous);
            let (new_base, new_null) = peel_null(schema);
            let old_option = !was_required || old_null;
            let (before, after) = (signature(&old_base), signature(&new_base));
            if before != after || old_null != new_null {
                let base_changed = before != after;
                self.push(
                    Kind::FieldRetyped {
                        base_changed,
                        nullable: (old_null != new_null).then_some(new_null),
                        old_rust_option: old_option,
                        rust_changed: base_changed || old_option != new_option,
                    },
                    path.clone(),
                    format!("{} → {}", signature(previous), signature(schema)),
                );
            } else if was_required != is_required {
                self.push(
                    Kind::FieldRequirement {
                        made_required: is_required,
                        old_rust_option: old_option,
                        rust_changed: old_option != new_option,
                    },
                    path.clone(),
                    if is_required { "now required".to_owned() } else { "now optional".to_owned() },
                );
            }
            if before == after {
                self.inner(&path, &old_base, &new_base, None);
            }
        }
        for (field, schema) in &old_fields {
            if !new_fields.contains_key(field) && Some(field.as_str()) != tag {
                let old_option = !old_required.contains(field) || peel_null(schema).1;
                self.push(
                    Kind::FieldRemoved { old_rust_option: old_option },
                    format!("{subject}.{field}"),
                    signature(schema),
                );
            }
        }
    }

    fn union(&mut self, subject: &str, old: &Value, new: &Value, enum_name: Option<&str>) {
        let (old_union, new_union) = (union_members(old), union_members(new));
        for (key, member) in &new_union.members {
            let Some(previous) = old_union.members.get(key) else {
                let (variant, label, detail) = match member {
                    Member::Value => (false, format!("{subject}::{key}"), String::new()),
                    Member::Schema(schema) => (true, format!("{subject}[{key}]"), describe_member(schema, new_union.tag.as_deref())),
                };
                self.push(Kind::MemberAdded { variant, enum_name: enum_name.map(str::to_owned) }, label, detail);
                continue;
            };
            let path = format!("{subject}[{key}]");
            match (previous, member) {
                (Member::Value, Member::Value) => {}
                (Member::Schema(before), Member::Schema(after)) => {
                    let both_objects = shape(before) == Shape::Object && shape(after) == Shape::Object;
                    if both_objects {
                        let tag = new_union.tag.as_deref().filter(|_| old_union.tag == new_union.tag);
                        self.fields(&path, before, after, true, tag);
                    } else if signature(before) != signature(after) {
                        self.push(Kind::VariantReshaped, path, format!("{} → {}", signature(before), signature(after)));
                    } else {
                        let (old_base, _) = peel_null(before);
                        let (new_base, _) = peel_null(after);
                        self.inner(&path, &old_base, &new_base, None);
                    }
                }
                (before, after) => {
                    let describe = |member: &Member| match member {
                        Member::Value => "a unit value".to_owned(),
                        Member::Schema(schema) => signature(schema),
                    };
                    self.push(Kind::VariantReshaped, path, format!("{} → {}", describe(before), describe(after)));
                }
            }
        }
        for (key, member) in &old_union.members {
            if !new_union.members.contains_key(key) {
                let (variant, label) = match member {
                    Member::Value => (false, format!("{subject}::{key}")),
                    Member::Schema(_) => (true, format!("{subject}[{key}]")),
                };
                self.push(Kind::MemberRemoved { variant }, label, String::new());
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Shapes and signatures
// ---------------------------------------------------------------------------

/// What a (null-peeled) schema is, as far as comparing its insides goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// An object with named properties (a struct, or a struct variant).
    Object,
    /// A string enum.
    Enum,
    /// A `oneOf`/`anyOf` of several alternatives.
    Union,
    Array,
    /// An object of arbitrary keys with one value type.
    Map,
    /// A `$ref`, a scalar, free-form JSON.
    Other,
}

fn shape(schema: &Value) -> Shape {
    if schema.get("$ref").is_some() {
        return Shape::Other;
    }
    if alternatives(schema).is_some() {
        return Shape::Union;
    }
    if schema.get("enum").is_some() || schema.get("const").is_some() {
        return Shape::Enum;
    }
    if schema.get("properties").is_some() {
        return Shape::Object;
    }
    match single_type(schema) {
        Some("array") => Shape::Array,
        Some("object") if schema["additionalProperties"].is_object() => Shape::Map,
        _ => Shape::Other,
    }
}

fn alternatives(schema: &Value) -> Option<&Vec<Value>> {
    schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array)
}

/// The one non-null JSON type a schema names, if it names exactly one.
fn single_type(schema: &Value) -> Option<&str> {
    match &schema["type"] {
        Value::String(kind) => Some(kind),
        Value::Array(kinds) => {
            let kinds: Vec<&str> = kinds.iter().filter_map(Value::as_str).filter(|kind| *kind != "null").collect();
            (kinds.len() == 1).then(|| kinds[0])
        }
        _ => None,
    }
}

/// The schema without its `null` alternative, and whether it had one:
/// `anyOf/oneOf [X, {type: null}]` and `type: [T, "null"]`.
pub(super) fn peel_null(schema: &Value) -> (Value, bool) {
    if let Some(alternatives) = alternatives(schema) {
        let is_null = |alt: &Value| alt["type"] == "null";
        if alternatives.len() == 2 && alternatives.iter().any(is_null) {
            let inner = alternatives.iter().find(|alt| !is_null(alt)).cloned().unwrap_or(Value::Null);
            return (inner, true);
        }
    }
    if let Some(kinds) = schema["type"].as_array() {
        if kinds.iter().any(|kind| kind == "null") {
            let rest: Vec<Value> = kinds.iter().filter(|kind| *kind != "null").cloned().collect();
            let mut inner = schema.clone();
            inner["type"] = match rest.as_slice() {
                [only] => only.clone(),
                _ => Value::Array(rest),
            };
            return (inner, true);
        }
    }
    (schema.clone(), false)
}

/// A short description of a type: names, scalar kinds with their formats,
/// `array<T>`, `map<string, T>`, `| null`. The insides of inline objects,
/// enums and unions are left out (they are compared member by member).
pub(super) fn signature(schema: &Value) -> String {
    if schema.as_bool() == Some(true) || schema.as_object().is_some_and(Map::is_empty) {
        return "any".to_owned();
    }
    let (base, nullable) = peel_null(schema);
    let text = base_signature(&base);
    if nullable {
        format!("{text} | null")
    } else {
        text
    }
}

fn base_signature(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_owned();
    }
    match shape(schema) {
        Shape::Object => return "object".to_owned(),
        Shape::Enum => return "enum".to_owned(),
        Shape::Union => {
            let all_values = union_members(schema).members.values().all(|member| *member == Member::Value);
            return if all_values { "enum" } else { "union" }.to_owned();
        }
        Shape::Array => return format!("array<{}>", signature(&schema["items"])),
        Shape::Map => return format!("map<string, {}>", signature(&schema["additionalProperties"])),
        Shape::Other => {}
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => return "any".to_owned(),
    };
    kinds
        .iter()
        .map(|kind| match (*kind, schema["format"].as_str()) {
            ("object", _) => "map<string, any>".to_owned(),
            ("array", _) => "array<any>".to_owned(),
            (kind, Some(format)) => format!("{kind}({format})"),
            (kind, None) => kind.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A definition in one line, for types added or removed.
fn describe_definition(schema: &Value) -> String {
    let (base, _) = peel_null(schema);
    match shape(&base) {
        Shape::Object => "struct".to_owned(),
        Shape::Enum => "string enum".to_owned(),
        Shape::Union if base_signature(&base) == "enum" => "string enum".to_owned(),
        Shape::Union => {
            let union = union_members(&base);
            match union.tag {
                Some(tag) => format!("union tagged by `{tag}`"),
                None => "union".to_owned(),
            }
        }
        _ => signature(schema),
    }
}

fn describe_member(schema: &Value, tag: Option<&str>) -> String {
    if shape(schema) != Shape::Object {
        return signature(schema);
    }
    let required = required(schema);
    let fields: Vec<String> = properties(schema)
        .keys()
        .filter(|name| Some(name.as_str()) != tag)
        .map(|name| if required.contains(name) { name.clone() } else { format!("{name}?") })
        .collect();
    format!("{{{}}}", fields.join(", "))
}

fn properties(schema: &Value) -> Map<String, Value> {
    schema["properties"].as_object().cloned().unwrap_or_default()
}

fn required(schema: &Value) -> BTreeSet<String> {
    schema["required"]
        .as_array()
        .map(|list| list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The string values of `enum` (or `const`).
fn enum_strings(schema: &Value) -> BTreeSet<String> {
    if let Some(value) = schema["const"].as_str() {
        return BTreeSet::from([value.to_owned()]);
    }
    schema["enum"]
        .as_array()
        .map(|values| values.iter().map(|value| value.as_str().map_or_else(|| value.to_string(), str::to_owned)).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Unions
// ---------------------------------------------------------------------------

/// One member of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    /// A plain string value (`{"enum": ["a", "b"]}` alternatives).
    Value,
    /// A variant with data: for a tagged union the whole alternative (tag
    /// included), for an externally tagged one (`{"name": {...}}`) what the
    /// name holds, else the alternative.
    Schema(Value),
}

struct Union {
    /// The tag property of a tagged union.
    tag: Option<String>,
    /// Members by key: tag value, external name, string value, title, or
    /// signature.
    members: BTreeMap<String, Member>,
}

fn union_members(schema: &Value) -> Union {
    if alternatives(schema).is_none() {
        // A plain string enum: its values.
        let members = enum_strings(schema).into_iter().map(|value| (value, Member::Value)).collect();
        return Union { tag: None, members };
    }
    let alternatives: Vec<&Value> = alternatives(schema).map(|alts| alts.iter().collect()).unwrap_or_default();
    let objects: Vec<&Value> = alternatives.iter().copied().filter(|alt| alt.get("properties").is_some()).collect();
    let tag = shared_tag(&objects);
    let mut members = BTreeMap::new();
    let mut insert = |key: String, member: Member| {
        let mut unique = key.clone();
        let mut counter = 1;
        while members.contains_key(&unique) {
            counter += 1;
            unique = format!("{key}#{counter}");
        }
        members.insert(unique, member);
    };
    for alternative in alternatives {
        if alternative.get("properties").is_none() && (alternative.get("enum").is_some() || alternative.get("const").is_some()) {
            for value in enum_strings(alternative) {
                insert(value, Member::Value);
            }
            continue;
        }
        if let Some(tag) = &tag {
            if let Some(value) = alternative["properties"].get(tag.as_str()).and_then(constant_string) {
                insert(value.to_owned(), Member::Schema(alternative.clone()));
                continue;
            }
        }
        let props = properties(alternative);
        let required = required(alternative);
        if props.len() == 1 && required.len() == 1 {
            let (name, inner) = props.iter().next().expect("one property");
            if required.contains(name) {
                insert(name.clone(), Member::Schema(inner.clone()));
                continue;
            }
        }
        let key = alternative["title"].as_str().map_or_else(|| signature(alternative), str::to_owned);
        insert(key, Member::Schema(alternative.clone()));
    }
    Union { tag, members }
}

/// The property every object alternative requires with one distinct
/// constant string value: the union's tag (the first such, by name).
fn shared_tag(objects: &[&Value]) -> Option<String> {
    let first = objects.first()?;
    required(first).into_iter().find(|name| {
        let values: Option<Vec<&str>> = objects
            .iter()
            .map(|alt| {
                let value = alt["properties"].get(name.as_str()).and_then(constant_string)?;
                required(alt).contains(name).then_some(value)
            })
            .collect();
        values.is_some_and(|values| values.iter().collect::<BTreeSet<_>>().len() == values.len())
    })
}

