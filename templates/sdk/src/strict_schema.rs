//! JSON Schemas in OpenAI's strict subset, for structured output.
//!
//! The runtime forwards a turn's `outputSchema` to the model as
//! `text.format = {type: "json_schema", strict: true, schema}`. Strict mode
//! accepts only a subset of JSON Schema, and a schema straight from
//! [`schemars`] is not in it. This module converts one:
//!
//! - every object gets `additionalProperties: false`, and every property is
//!   listed in `required`. A property that was optional stays optional as a
//!   union with `null` (an `Option<T>` field already is one). For a Rust type
//!   ([`strict_schema_for`]), an optional property that cannot be `null` (a
//!   `#[serde(default)]` field) simply becomes required, so that the answer
//!   always deserializes;
//! - `oneOf` becomes `anyOf`, `const` a one-value `enum`, `#/definitions/..`
//!   references `#/$defs/..`; `allOf` parts and flattened enums are merged
//!   into the object they belong to;
//! - keywords outside the subset are removed: `$schema`, `default`,
//!   `examples`, `uniqueItems`, `minLength`/`maxLength`, and `format` values
//!   other than `date-time`, `time`, `date`, `duration`, `email`, `hostname`,
//!   `ipv4`, `ipv6` and `uuid` (so schemars' `uint32`, `double`, ... go);
//!   `description` and `title` stay, so do `minimum`/`maximum`,
//!   `exclusiveMinimum`/`exclusiveMaximum`, `multipleOf`, `minItems`/`maxItems`
//!   and `pattern`;
//! - definitions stay in `$defs`, so recursive types work; definitions
//!   nothing refers to are dropped.
//!
//! What strict mode cannot express is refused with a [`StrictSchemaError`]
//! naming the place, before anything is sent: a map with free-form keys
//! (`HashMap<String, T>`, `additionalProperties: {..}`), any JSON value
//! (`serde_json::Value`, `{}`), tuples (`prefixItems`), `not`,
//! `if`/`then`/`else`, `patternProperties`, a root that is not an object
//! (strict mode wants an object at the root: wrap an enum or a `Vec` in a
//! struct), and references outside the schema.
//!
//! ```
//! use openai_codex::strict_schema::strict_schema_for;
//! use schemars::JsonSchema;
//! use serde_json::json;
//!
//! #[derive(JsonSchema)]
//! struct Weather {
//!     city: String,
//!     celsius: f64,
//!     note: Option<String>,
//! }
//!
//! let schema = strict_schema_for::<Weather>()?;
//! assert_eq!(schema["additionalProperties"], json!(false));
//! assert_eq!(schema["required"], json!(["celsius", "city", "note"]));
//! assert_eq!(schema["properties"]["note"]["type"], json!(["string", "null"]));
//! assert!(schema.get("$schema").is_none());
//! # Ok::<(), openai_codex::strict_schema::StrictSchemaError>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use schemars::JsonSchema;
use serde_json::{Map, Value};

/// A JSON Schema for a turn's final answer: either converted to OpenAI's
/// strict subset (the default, and what [`Thread::run_structured`] uses), or
/// sent exactly as given.
///
/// Pass it to [`TurnBuilder::output_schema`] or
/// [`Thread::run_structured_with`].
///
/// [`Thread::run_structured`]: crate::Thread::run_structured
/// [`Thread::run_structured_with`]: crate::Thread::run_structured_with
/// [`TurnBuilder::output_schema`]: crate::TurnBuilder::output_schema
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSchema {
    schema: Value,
    strict: bool,
}

impl OutputSchema {
    /// `T`'s schema (from [`schemars`]), converted to the strict subset.
    /// Fails for a type strict mode cannot express (see the [module
    /// docs](self)).
    pub fn for_type<T: JsonSchema>() -> Result<Self, StrictSchemaError> {
        Ok(Self { schema: strict_schema_for::<T>()?, strict: true })
    }

    /// A hand-written schema, converted to the strict subset (see
    /// [`to_strict`]).
    pub fn strict(schema: Value) -> Result<Self, StrictSchemaError> {
        Ok(Self { schema: to_strict(schema)?, strict: true })
    }

    /// A hand-written schema, sent exactly as given: strict conversion off.
    /// The SDK neither converts nor checks it. The runtime still asks the
    /// model provider for strict mode, so OpenAI's API refuses a schema
    /// outside the strict subset (the turn fails); use this for a schema
    /// you have written in the subset yourself, or for a provider that does
    /// not enforce it.
    pub fn as_given(schema: Value) -> Self {
        Self { schema, strict: false }
    }

    /// The schema as it will be sent.
    pub fn as_json(&self) -> &Value {
        &self.schema
    }

    /// The schema as it will be sent.
    pub fn into_json(self) -> Value {
        self.schema
    }

    /// Whether the schema was converted to the strict subset (false for
    /// [`OutputSchema::as_given`]).
    pub fn is_strict(&self) -> bool {
        self.strict
    }
}

/// Writes a turn's `outputSchema` (the override table's `apply`).
pub(crate) fn apply_output_schema(schema: OutputSchema, field: &mut Option<Value>) {
    *field = Some(schema.schema);
}

/// A schema that OpenAI's strict mode cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrictSchemaError {
    type_name: Option<String>,
    pointer: String,
    reason: String,
}

impl StrictSchemaError {
    fn new(pointer: &str, reason: impl Into<String>) -> Self {
        Self { type_name: None, pointer: pointer.to_owned(), reason: reason.into() }
    }

    /// The Rust type whose schema it was, if it came from one.
    pub fn type_name(&self) -> Option<&str> {
        self.type_name.as_deref()
    }

    /// Where in the original schema the problem is, as a JSON Pointer
    /// (`""` is the root, `/properties/extra` a property).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What strict mode cannot express there, and what to do instead.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for StrictSchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.type_name {
            Some(name) => write!(f, "the JSON Schema of `{name}`")?,
            None => f.write_str("the JSON Schema")?,
        }
        let at = if self.pointer.is_empty() { "the root" } else { &self.pointer };
        write!(
            f,
            " cannot be expressed in OpenAI's strict structured-output subset: at {at}: {}",
            self.reason
        )
    }
}

impl std::error::Error for StrictSchemaError {}

/// `T`'s JSON Schema (from [`schemars`]), converted to the strict subset.
/// An optional field that cannot be `null` becomes required (see the
/// [module docs](self)).
pub fn strict_schema_for<T: JsonSchema>() -> Result<Value, StrictSchemaError> {
    let schema = schemars::schema_for!(T).to_value();
    convert(schema, Optional::Required).map_err(|mut error| {
        error.type_name = Some(std::any::type_name::<T>().to_owned());
        error
    })
}

/// Converts a JSON Schema to the strict subset; an optional property
/// becomes a union with `null`. See the [module docs](self) for what
/// changes and what is refused.
pub fn to_strict(schema: Value) -> Result<Value, StrictSchemaError> {
    convert(schema, Optional::Nullable)
}

/// What an optional property (one not in `required`) becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Optional {
    /// A union with `null`.
    Nullable,
    /// Required as it is, unless it already admits `null` (Rust types: a
    /// `#[serde(default)]` field cannot take `null`).
    Required,
}

/// `format` values strict mode supports.
const FORMATS: &[&str] = &["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"];

/// Keywords kept as they are (after their values are converted).
const KEPT: &[&str] = &[
    "description",
    "title",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

/// Keywords that only annotate: dropped beside a `$ref`, which may stand alone only.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "$comment",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Keywords whose meaning strict mode cannot keep, with what to say.
const REFUSED: &[(&str, &str)] = &[
    ("not", "`not` is not supported"),
    ("if", "`if`/`then`/`else` is not supported"),
    ("then", "`if`/`then`/`else` is not supported"),
    ("else", "`if`/`then`/`else` is not supported"),
    ("dependentSchemas", "`dependentSchemas` is not supported"),
    ("dependentRequired", "`dependentRequired` is not supported"),
    ("dependencies", "`dependencies` is not supported"),
    (
        "patternProperties",
        "a map with free-form keys (`patternProperties`) is not supported: strict mode needs every \
         property named; use a struct, or a Vec of key/value structs",
    ),
    (
        "propertyNames",
        "a map with free-form keys (`propertyNames`) is not supported: strict mode needs every \
         property named; use a struct, or a Vec of key/value structs",
    ),
    ("unevaluatedProperties", "`unevaluatedProperties` is not supported"),
    ("unevaluatedItems", "`unevaluatedItems` is not supported"),
    ("contains", "`contains` is not supported"),
    (
        "prefixItems",
        "a tuple (`prefixItems`) is not supported: use a struct with named fields",
    ),
    ("additionalItems", "a tuple (`additionalItems`) is not supported: use a struct with named fields"),
    ("$dynamicRef", "`$dynamicRef` is not supported"),
    ("$recursiveRef", "`$recursiveRef` is not supported"),
];

const FREE_FORM: &str = "it accepts any JSON value (like `serde_json::Value`): strict mode needs \
                         a type; use a concrete type";

const FREE_MAP: &str = "a map with free-form keys (like `HashMap<String, T>`, \
                        `additionalProperties: {..}`) is not supported: strict mode needs every \
                        property named; use a struct, or a Vec of key/value structs";

fn convert(schema: Value, optional: Optional) -> Result<Value, StrictSchemaError> {
    let Value::Object(mut root) = schema else {
        return Err(match schema {
            Value::Bool(_) => StrictSchemaError::new("", FREE_FORM),
            _ => StrictSchemaError::new("", "a schema must be a JSON object"),
        });
    };
    let defs = take_defs(&mut root)?;
    let converter = Converter { raw_defs: &defs, optional, depth: std::cell::Cell::new(0) };

    let mut root = match root.get("$ref").and_then(Value::as_str) {
        // A root that only points at a definition: that definition is the root.
        Some(reference) if root.keys().all(|key| key == "$ref" || ANNOTATIONS.contains(&key.as_str())) => {
            let name = converter.def_name(reference, "/$ref")?;
            match &defs[&name] {
                Value::Object(def) => def.clone(),
                _ => return Err(StrictSchemaError::new("", FREE_FORM)),
            }
        }
        _ => root,
    };
    root.remove("$schema");
    root.remove("$id");
    let root = converter.node(Value::Object(root), "")?;
    check_root(&root)?;
    let Value::Object(mut root) = root else {
        return Err(StrictSchemaError::new("", "the root must be an object"));
    };

    // Only the definitions the schema reaches are converted and kept.
    let mut converted = Map::new();
    let mut queue = Vec::new();
    collect_refs(&root, &mut queue);
    while let Some(name) = queue.pop() {
        if converted.contains_key(&name) {
            continue;
        }
        let Some(def) = defs.get(&name) else { continue };
        let def = converter.node(def.clone(), &format!("/$defs/{}", escape(&name)))?;
        if let Value::Object(map) = &def {
            collect_refs(map, &mut queue);
        }
        converted.insert(name, def);
    }
    if !converted.is_empty() {
        converted.sort_keys();
        root.insert("$defs".into(), Value::Object(converted));
    }
    Ok(Value::Object(root))
}

/// Removes `$defs` and `definitions` from the root, merged.
fn take_defs(root: &mut Map<String, Value>) -> Result<BTreeMap<String, Value>, StrictSchemaError> {
    let mut defs = BTreeMap::new();
    for key in ["$defs", "definitions"] {
        match root.remove(key) {
            None => {}
            Some(Value::Object(map)) => {
                for (name, def) in map {
                    if defs.insert(name.clone(), def).is_some() {
                        return Err(StrictSchemaError::new(
                            &format!("/{key}/{}", escape(&name)),
                            "defined both in `$defs` and `definitions`",
                        ));
                    }
                }
            }
            Some(_) => return Err(StrictSchemaError::new(&format!("/{key}"), "definitions must be an object")),
        }
    }
    Ok(defs)
}

/// Strict mode wants an object at the root.
fn check_root(root: &Value) -> Result<(), StrictSchemaError> {
    if root.get("type") == Some(&Value::from("object")) && root.get("anyOf").is_none() {
        return Ok(());
    }
    let what = if root.get("anyOf").is_some() {
        "an enum or a union (a struct with a flattened enum is one too)"
    } else if let Some(kind) = root.get("type") {
        match kind.as_str() {
            Some("array") => "an array",
            Some("string") => "a string",
            Some("integer" | "number") => "a number",
            Some("boolean") => "a boolean",
            Some("null") => "null",
            _ => "an optional or mixed type",
        }
    } else if root.get("enum").is_some() {
        "an enum"
    } else {
        "a reference"
    };
    Err(StrictSchemaError::new(
        "",
        format!("the root is {what}; strict mode needs an object (a struct) at the root: wrap it in a struct field"),
    ))
}

/// The names of the definitions `schema` refers to (`#/$defs/<name>`).
fn collect_refs(schema: &Map<String, Value>, names: &mut Vec<String>) {
    fn walk(value: &Value, names: &mut Vec<String>) {
        match value {
            Value::Object(map) => collect_refs(map, names),
            Value::Array(items) => items.iter().for_each(|item| walk(item, names)),
            _ => {}
        }
    }
    if let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        names.push(unescape(name));
    }
    schema.iter().filter(|(key, _)| *key != "$defs").for_each(|(_, value)| walk(value, names));
}

/// JSON Pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

struct Converter<'a> {
    raw_defs: &'a BTreeMap<String, Value>,
    optional: Optional,
    /// How deep `node` is nested now: a guard against a schema that merges
    /// itself into itself (`allOf` of its own `$ref`).
    depth: std::cell::Cell<usize>,
}

/// Deeper than this, a schema is refused rather than overflow the stack.
const MAX_DEPTH: usize = 128;

impl Converter<'_> {
    /// The definition a `$ref` names; only `#/$defs/..` and
    /// `#/definitions/..` of this schema can be followed.
    fn def_name(&self, reference: &str, at: &str) -> Result<String, StrictSchemaError> {
        let name = reference
            .strip_prefix("#/$defs/")
            .or_else(|| reference.strip_prefix("#/definitions/"))
            .map(unescape)
            .filter(|name| self.raw_defs.contains_key(name));
        name.ok_or_else(|| {
            StrictSchemaError::new(
                at,
                format!("the reference `{reference}` does not name a definition of this schema (`#/$defs/<name>`)"),
            )
        })
    }

    /// Converts one schema; `at` is its JSON Pointer in the original.
    fn node(&self, schema: Value, at: &str) -> Result<Value, StrictSchemaError> {
        if self.depth.get() >= MAX_DEPTH {
            return Err(StrictSchemaError::new(
                at,
                format!("the schema nests deeper than {MAX_DEPTH} levels (does a definition merge itself into itself?)"),
            ));
        }
        self.depth.set(self.depth.get() + 1);
        let converted = self.node_inner(schema, at);
        self.depth.set(self.depth.get() - 1);
        converted
    }

    fn node_inner(&self, schema: Value, at: &str) -> Result<Value, StrictSchemaError> {
        let mut map = match schema {
            Value::Object(map) => map,
            Value::Bool(_) => return Err(StrictSchemaError::new(at, FREE_FORM)),
            _ => return Err(StrictSchemaError::new(at, "a schema must be a JSON object")),
        };
        for (keyword, reason) in REFUSED {
            if map.contains_key(*keyword) {
                return Err(StrictSchemaError::new(&format!("{at}/{keyword}"), *reason));
            }
        }
        // `$ref` beside other keywords, and `allOf`: merge the parts in,
        // until none is left (a merged part may bring its own).
        for round in 0.. {
            if round == MAX_DEPTH {
                return Err(StrictSchemaError::new(
                    at,
                    "`allOf`/`$ref` merging does not end (does a definition merge itself into itself?)",
                ));
            }
            if let Some(reference) = map.get("$ref") {
                let Some(reference) = reference.as_str() else {
                    return Err(StrictSchemaError::new(&format!("{at}/$ref"), "`$ref` must be a string"));
                };
                let others = map.keys().any(|key| key != "$ref" && !ANNOTATIONS.contains(&key.as_str()));
                if !others {
                    // `$ref` stands alone in strict mode; annotations beside it go.
                    let target = if reference == "#" {
                        "#".to_owned()
                    } else {
                        format!("#/$defs/{}", escape(&self.def_name(reference, &format!("{at}/$ref"))?))
                    };
                    return Ok(Value::Object(Map::from_iter([("$ref".to_owned(), Value::String(target))])));
                }
                let reference = Value::String(reference.to_owned());
                map.remove("$ref");
                let part = self.resolve(reference, &format!("{at}/$ref"))?;
                merge_into(&mut map, part, at)?;
            } else if let Some(parts) = map.remove("allOf") {
                let Value::Array(parts) = parts else {
                    return Err(StrictSchemaError::new(&format!("{at}/allOf"), "`allOf` must be an array"));
                };
                for (index, part) in parts.into_iter().enumerate() {
                    let part_at = format!("{at}/allOf/{index}");
                    let part = self.resolve(part, &part_at)?;
                    merge_into(&mut map, part, &part_at)?;
                }
            } else {
                break;
            }
        }
        // A union beside properties (a flattened enum): each alternative
        // gets the shared properties.
        let union_key = ["anyOf", "oneOf"].into_iter().find(|key| map.contains_key(*key));
        if let Some(key) = union_key {
            if map.contains_key("properties") {
                return self.distribute(map, key, at);
            }
        }

        let properties = map.remove("properties");
        let required = map.remove("required");
        let additional = map.remove("additionalProperties");
        let is_object = properties.is_some()
            || additional.is_some()
            || map.get("type").is_some_and(|kind| type_names(kind).contains(&"object"));

        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "$schema" | "$id" | "$anchor" | "$defs" | "definitions" => {}
                "type" => {
                    check_type(&value, &format!("{at}/type"))?;
                    out.insert(key, value);
                }
                "const" => {
                    out.insert("enum".into(), Value::Array(vec![value]));
                }
                "enum" => {
                    if !value.is_array() {
                        return Err(StrictSchemaError::new(&format!("{at}/enum"), "`enum` must be an array"));
                    }
                    out.insert(key, value);
                }
                "anyOf" | "oneOf" => {
                    let Value::Array(items) = value else {
                        return Err(StrictSchemaError::new(&format!("{at}/{key}"), format!("`{key}` must be an array")));
                    };
                    let items = items
                        .into_iter()
                        .enumerate()
                        .map(|(index, item)| self.node(item, &format!("{at}/{key}/{index}")))
                        .collect::<Result<Vec<_>, _>>()?;
                    out.insert("anyOf".into(), Value::Array(items));
                }
                "items" => {
                    if value.is_array() {
                        return Err(StrictSchemaError::new(
                            &format!("{at}/items"),
                            "a tuple (`items` as an array) is not supported: use a struct with named fields",
                        ));
                    }
                    out.insert(key, self.node(value, &format!("{at}/items"))?);
                }
                "format" if value.as_str().is_some_and(|format| FORMATS.contains(&format)) => {
                    out.insert(key, value);
                }
                _ if KEPT.contains(&key.as_str()) => {
                    out.insert(key, value);
                }
                // Anything else (`default`, `examples`, `uniqueItems`,
                // `minLength`, `maxLength`, `minProperties`, `deprecated`,
                // unknown keywords, ...) is outside the subset.
                _ => {}
            }
        }
        if is_object {
            self.object(&mut out, properties, required, additional, at)?;
        }
        let typed = ["type", "anyOf", "enum", "$ref"].iter().any(|key| out.contains_key(*key));
        if !typed {
            return Err(StrictSchemaError::new(at, FREE_FORM));
        }
        Ok(Value::Object(out))
    }

    /// The object keywords: closed, every property required.
    fn object(
        &self,
        out: &mut Map<String, Value>,
        properties: Option<Value>,
        required: Option<Value>,
        additional: Option<Value>,
        at: &str,
    ) -> Result<(), StrictSchemaError> {
        match additional {
            None | Some(Value::Bool(false)) => {}
            Some(_) => return Err(StrictSchemaError::new(&format!("{at}/additionalProperties"), FREE_MAP)),
        }
        let properties = match properties {
            Some(Value::Object(properties)) => properties,
            Some(_) => {
                return Err(StrictSchemaError::new(&format!("{at}/properties"), "`properties` must be an object"))
            }
            None => return Err(StrictSchemaError::new(at, FREE_MAP)),
        };
        let required: BTreeSet<String> = match required {
            None => BTreeSet::new(),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            Some(_) => return Err(StrictSchemaError::new(&format!("{at}/required"), "`required` must be an array")),
        };
        let mut converted = Map::new();
        for (name, schema) in properties {
            let property_at = format!("{at}/properties/{}", escape(&name));
            let mut schema = self.node(schema, &property_at)?;
            if !required.contains(&name) && self.optional == Optional::Nullable {
                make_nullable(&mut schema);
            }
            converted.insert(name, schema);
        }
        let names = converted.keys().cloned().map(Value::String).collect();
        if !out.contains_key("type") {
            out.insert("type".into(), Value::from("object"));
        }
        out.insert("properties".into(), Value::Object(converted));
        out.insert("required".into(), Value::Array(names));
        out.insert("additionalProperties".into(), Value::Bool(false));
        Ok(())
    }

    /// A schema to merge into another (an `allOf` part, a `$ref` beside
    /// other keywords), with a reference replaced by its definition.
    fn resolve(&self, part: Value, at: &str) -> Result<Map<String, Value>, StrictSchemaError> {
        let part = match part {
            Value::String(reference) => self.raw_defs[&self.def_name(&reference, at)?].clone(),
            Value::Object(map) => match map.get("$ref").and_then(Value::as_str) {
                Some(reference) if map.len() == 1 => self.raw_defs[&self.def_name(reference, at)?].clone(),
                _ => Value::Object(map),
            },
            other => other,
        };
        match part {
            Value::Object(map) => Ok(map),
            Value::Bool(true) => Ok(Map::new()),
            _ => Err(StrictSchemaError::new(at, "only object schemas can be merged")),
        }
    }

    /// `{properties, anyOf: [A, B]}` becomes `{anyOf: [{properties + A}, {properties + B}]}`.
    fn distribute(&self, mut map: Map<String, Value>, key: &str, at: &str) -> Result<Value, StrictSchemaError> {
        let Some(Value::Array(alternatives)) = map.remove(key) else {
            return Err(StrictSchemaError::new(&format!("{at}/{key}"), format!("`{key}` must be an array")));
        };
        let shared: Map<String, Value> = map
            .iter()
            .filter(|(key, _)| !ANNOTATIONS.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        let mut merged = Vec::new();
        for (index, alternative) in alternatives.into_iter().enumerate() {
            let alternative_at = format!("{at}/{key}/{index}");
            let mut alternative = self.resolve(alternative, &alternative_at)?;
            merge_into(&mut alternative, shared.clone(), &alternative_at)?;
            merged.push(self.node(Value::Object(alternative), &alternative_at)?);
        }
        let mut out: Map<String, Value> = map
            .into_iter()
            .filter(|(key, _)| key == "description" || key == "title")
            .collect();
        out.insert("anyOf".into(), Value::Array(merged));
        Ok(Value::Object(out))
    }
}

/// Merges the object keywords of `part` into `into`: properties and
/// required are united; other keywords must agree.
fn merge_into(into: &mut Map<String, Value>, part: Map<String, Value>, at: &str) -> Result<(), StrictSchemaError> {
    for (key, value) in part {
        match key.as_str() {
            "properties" => {
                let Value::Object(properties) = value else {
                    return Err(StrictSchemaError::new(at, "`properties` must be an object"));
                };
                let target = into.entry("properties").or_insert_with(|| Value::Object(Map::new()));
                let Value::Object(target) = target else {
                    return Err(StrictSchemaError::new(at, "`properties` must be an object"));
                };
                for (name, schema) in properties {
                    if target.get(&name).is_some_and(|existing| existing != &schema) {
                        return Err(StrictSchemaError::new(
                            at,
                            format!("the property `{name}` is defined twice with different schemas"),
                        ));
                    }
                    target.insert(name, schema);
                }
            }
            "required" => {
                let Value::Array(names) = value else {
                    return Err(StrictSchemaError::new(at, "`required` must be an array"));
                };
                let target = into.entry("required").or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(target) = target {
                    for name in names {
                        if !target.contains(&name) {
                            target.push(name);
                        }
                    }
                }
            }
            _ if ANNOTATIONS.contains(&key.as_str()) || key == "$schema" => {
                into.entry(key).or_insert(value);
            }
            _ => match into.get(&key) {
                None => {
                    into.insert(key, value);
                }
                Some(existing) if *existing == value => {}
                Some(_) => {
                    return Err(StrictSchemaError::new(
                        at,
                        format!("`{key}` differs between the parts being merged (`allOf`, flatten)"),
                    ))
                }
            },
        }
    }
    Ok(())
}

/// The type names of a `type` keyword.
fn type_names(kind: &Value) -> Vec<&str> {
    match kind {
        Value::String(name) => vec![name.as_str()],
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn check_type(kind: &Value, at: &str) -> Result<(), StrictSchemaError> {
    const TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array", "null"];
    let names = match kind {
        Value::String(_) => type_names(kind),
        Value::Array(items) if items.iter().all(Value::is_string) && !items.is_empty() => type_names(kind),
        _ => return Err(StrictSchemaError::new(at, "`type` must be a type name or a list of them")),
    };
    match names.iter().find(|name| !TYPES.contains(name)) {
        Some(unknown) => Err(StrictSchemaError::new(at, format!("unknown type `{unknown}`"))),
        None => Ok(()),
    }
}

/// Whether the (converted) schema accepts `null`.
fn admits_null(schema: &Value) -> bool {
    schema.get("type").is_some_and(|kind| type_names(kind).contains(&"null"))
        || schema.get("enum").and_then(Value::as_array).is_some_and(|values| values.contains(&Value::Null))
        || schema.get("anyOf").and_then(Value::as_array).is_some_and(|items| items.iter().any(admits_null))
}

/// Makes a converted schema also accept `null`.
fn make_nullable(schema: &mut Value) {
    if admits_null(schema) {
        return;
    }
    let Value::Object(map) = schema else { return };
    if map.contains_key("$ref") {
        let reference = std::mem::take(map);
        map.insert("anyOf".into(), Value::Array(vec![Value::Object(reference), null_schema()]));
        return;
    }
    if let Some(Value::Array(items)) = map.get_mut("anyOf") {
        items.push(null_schema());
        return;
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.push(Value::Null);
    }
    match map.get_mut("type") {
        Some(Value::String(name)) => {
            let name = std::mem::take(name);
            map.insert("type".into(), Value::Array(vec![Value::String(name), Value::from("null")]));
        }
        Some(Value::Array(names)) => names.push(Value::from("null")),
        _ => {}
    }
}

fn null_schema() -> Value {
    Value::Object(Map::from_iter([("type".to_owned(), Value::from("null"))]))
}
