//! Structured output in OpenAI's strict subset (`openai_codex::strict_schema`).
//!
//! A corpus of Rust types goes through `strict_schema_for`; every converted
//! schema must pass a JSON Schema meta-validation (draft 2020-12) and this
//! file's own checker of the strict-mode rules (written independently of
//! the converter), must accept a sample value of its type, and that value
//! must deserialize back. Types strict mode cannot express are refused with
//! an error naming the place. End to end, `run_structured` sends the strict
//! schema to the model through the real runtime and parses the mock model's
//! answer; a refused type sends nothing.

mod fake_app_server;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Debug;

use openai_codex::schemars::JsonSchema;
use openai_codex::strict_schema::{strict_schema_for, to_strict, StrictSchemaError};
use openai_codex::{Error, OutputSchema};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::Answer;
use openai_codex_tests::scenario::{codex, within};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// The checker: OpenAI's strict structured-output rules.
// ---------------------------------------------------------------------------

/// Keywords the strict subset allows.
const ALLOWED: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "enum",
    "$ref",
    "$defs",
    "description",
    "title",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

const FORMATS: &[&str] = &["date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"];

/// Every rule the converted schema breaks (empty: it is strict).
fn strict_violations(schema: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(error) = jsonschema::draft202012::meta::validate(schema) {
        problems.push(format!("not a valid JSON Schema (2020-12): {error}"));
    }
    if schema.get("type") != Some(&json!("object")) || schema.get("anyOf").is_some() {
        problems.push("the root must be an object, not a union".into());
    }
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    check_node(schema, "", &defs, true, &mut problems);
    for (name, def) in &defs {
        check_node(def, &format!("/$defs/{name}"), &defs, false, &mut problems);
    }
    problems
}

fn check_node(node: &Value, at: &str, defs: &serde_json::Map<String, Value>, root: bool, problems: &mut Vec<String>) {
    let Some(map) = node.as_object() else {
        problems.push(format!("{at}: a boolean schema"));
        return;
    };
    for key in map.keys() {
        if !ALLOWED.contains(&key.as_str()) || (key == "$defs" && !root) {
            problems.push(format!("{at}: keyword `{key}` is outside the strict subset"));
        }
    }
    if let Some(reference) = map.get("$ref") {
        if map.len() != 1 {
            problems.push(format!("{at}: `$ref` has sibling keywords"));
        }
        let target = reference.as_str().unwrap_or_default();
        let known = target == "#" || target.strip_prefix("#/$defs/").is_some_and(|name| defs.contains_key(name));
        if !known {
            problems.push(format!("{at}: `$ref` {target} does not resolve"));
        }
        return;
    }
    if !(map.contains_key("type") || map.contains_key("anyOf") || map.contains_key("enum")) {
        problems.push(format!("{at}: no type"));
    }
    if let Some(format) = map.get("format") {
        if !FORMATS.contains(&format.as_str().unwrap_or_default()) {
            problems.push(format!("{at}: format {format} is not supported"));
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(name)) => vec![name],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"object") || map.contains_key("properties") {
        if map.get("additionalProperties") != Some(&json!(false)) {
            problems.push(format!("{at}: an object without `additionalProperties: false`"));
        }
        let properties = map.get("properties").and_then(Value::as_object);
        let Some(properties) = properties else {
            problems.push(format!("{at}: an object without `properties`"));
            return;
        };
        let mut required: Vec<&str> =
            map.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        let mut names: Vec<&str> = properties.keys().map(String::as_str).collect();
        required.sort_unstable();
        names.sort_unstable();
        if required != names {
            problems.push(format!("{at}: `required` {required:?} is not every property {names:?}"));
        }
        for (name, property) in properties {
            check_node(property, &format!("{at}/properties/{name}"), defs, false, problems);
        }
    }
    if let Some(items) = map.get("items") {
        check_node(items, &format!("{at}/items"), defs, false, problems);
    }
    if let Some(alternatives) = map.get("anyOf") {
        for (index, alternative) in alternatives.as_array().into_iter().flatten().enumerate() {
            check_node(alternative, &format!("{at}/anyOf/{index}"), defs, false, problems);
        }
    }
}

/// Converts `T`'s schema, checks it, validates `sample` against it and
/// deserializes it back; returns the schema.
fn check_type<T>(sample: &T) -> Value
where
    T: JsonSchema + Serialize + DeserializeOwned + PartialEq + Debug,
{
    let name = std::any::type_name::<T>();
    let schema = strict_schema_for::<T>().unwrap_or_else(|error| panic!("{name}: {error}"));
    let problems = strict_violations(&schema);
    assert!(problems.is_empty(), "{name}: the converted schema is not strict:\n{}\n{schema:#}", problems.join("\n"));

    let answer = serde_json::to_value(sample).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&answer).map(|error| error.to_string()).collect();
    assert!(errors.is_empty(), "{name}: the schema refuses a real value {answer}: {errors:?}\n{schema:#}");
    let back: T = serde_json::from_value(answer).unwrap();
    assert_eq!(&back, sample, "{name}: the answer deserializes back");
    schema
}

// ---------------------------------------------------------------------------
// The corpus.
// ---------------------------------------------------------------------------

macro_rules! corpus_type {
    ($item:item) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[schemars(crate = "openai_codex::schemars")]
        $item
    };
}

corpus_type! {
    /// A leaf struct.
    struct Address {
        /// Street and number.
        street: String,
        city: String,
        zip: Option<String>,
    }
}

corpus_type! {
    /// Nested structs, primitives, Option and Vec.
    struct Person {
        name: String,
        /// Age in years.
        age: u8,
        height_m: f64,
        score: i64,
        count: u32,
        active: bool,
        initial: char,
        /// Where they live (a nested struct with a doc comment: `$ref` + description).
        home: Address,
        work: Option<Address>,
        previous: Vec<Address>,
        nicknames: Vec<String>,
        maybe_numbers: Vec<Option<i32>>,
        tags: HashSet<String>,
    }
}

corpus_type! {
    /// Unit enum.
    enum Color {
        Red,
        Green,
        Blue,
    }
}

corpus_type! {
    /// Enum with data, externally tagged (serde's default), with a unit variant.
    enum Shape {
        Circle { radius: f64 },
        Rectangle { width: f64, height: f64 },
        Point(Address),
        Empty,
    }
}

corpus_type! {
    /// Internally tagged enum.
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Event {
        Created { id: u64, by: Option<String> },
        Deleted { id: u64 },
        Moved(Address),
    }
}

corpus_type! {
    /// Adjacently tagged enum.
    #[serde(tag = "t", content = "c")]
    enum Message {
        Text(String),
        Count(u32),
        Nothing,
    }
}

corpus_type! {
    /// Untagged enum.
    #[serde(untagged)]
    enum Value2 {
        Number(f64),
        Words { words: Vec<String> },
    }
}

corpus_type! {
    /// Renamed fields.
    #[serde(rename_all = "camelCase")]
    struct Renamed {
        first_name: String,
        #[serde(rename = "family-name")]
        last_name: String,
        shoe_size: Option<u16>,
    }
}

corpus_type! {
    /// A flattened struct.
    struct Flattened {
        id: String,
        #[serde(flatten)]
        address: Address,
    }
}

corpus_type! {
    /// A flattened internally tagged enum.
    struct WithFlattenedEnum {
        name: String,
        #[serde(flatten)]
        event: Event,
    }
}

corpus_type! {
    /// A recursive type through Vec.
    struct Tree {
        label: String,
        children: Vec<Tree>,
    }
}

corpus_type! {
    /// A recursive type through Option<Box<_>>.
    struct List {
        value: i32,
        next: Option<Box<List>>,
    }
}

corpus_type! {
    /// Mutually recursive types.
    struct Folder {
        name: String,
        entries: Vec<Entry>,
    }
}

corpus_type! {
    /// Mutually recursive types.
    enum Entry {
        File { name: String, bytes: u64 },
        Folder(Folder),
    }
}

corpus_type! {
    /// Fields with serde defaults: optional in schemars, required in strict mode.
    struct Defaults {
        #[serde(default)]
        retries: u32,
        #[serde(default)]
        labels: Vec<String>,
        #[serde(default)]
        note: Option<String>,
    }
}

corpus_type! {
    /// Everything together: what a real structured answer looks like.
    struct Report {
        title: String,
        author: Person,
        color: Color,
        shapes: Vec<Shape>,
        events: Vec<Event>,
        message: Option<Message>,
        value: Value2,
        renamed: Renamed,
        flattened: Flattened,
        tree: Tree,
        list: Option<List>,
        root: Folder,
        defaults: Defaults,
    }
}

/// Wraps an enum, since strict mode wants an object at the root.
fn wrapped<T>(value: T) -> Wrapper<T> {
    Wrapper { value }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
struct Wrapper<T> {
    value: T,
}

fn address() -> Address {
    Address { street: "1 Rue de Rivoli".into(), city: "Paris".into(), zip: None }
}

fn person() -> Person {
    Person {
        name: "Ada".into(),
        age: 36,
        height_m: 1.65,
        score: -12,
        count: 7,
        active: true,
        initial: 'A',
        home: address(),
        work: Some(Address { zip: Some("75001".into()), ..address() }),
        previous: vec![address()],
        nicknames: vec!["Countess".into()],
        maybe_numbers: vec![Some(1), None],
        tags: HashSet::from(["math".to_owned()]),
    }
}

fn tree() -> Tree {
    Tree {
        label: "root".into(),
        children: vec![Tree { label: "leaf".into(), children: vec![] }],
    }
}

fn folder() -> Folder {
    Folder {
        name: "src".into(),
        entries: vec![
            Entry::File { name: "lib.rs".into(), bytes: 120 },
            Entry::Folder(Folder { name: "api".into(), entries: vec![] }),
        ],
    }
}

fn report() -> Report {
    Report {
        title: "Quarterly".into(),
        author: person(),
        color: Color::Green,
        shapes: vec![
            Shape::Circle { radius: 1.5 },
            Shape::Rectangle { width: 2.0, height: 3.0 },
            Shape::Point(address()),
            Shape::Empty,
        ],
        events: vec![
            Event::Created { id: 1, by: Some("ada".into()) },
            Event::Created { id: 2, by: None },
            Event::Deleted { id: 1 },
            Event::Moved(address()),
        ],
        message: Some(Message::Count(3)),
        value: Value2::Words { words: vec!["two".into(), "words".into()] },
        renamed: Renamed { first_name: "Grace".into(), last_name: "Hopper".into(), shoe_size: Some(38) },
        flattened: Flattened { id: "f-1".into(), address: address() },
        tree: tree(),
        list: Some(List { value: 1, next: Some(Box::new(List { value: 2, next: None })) }),
        root: folder(),
        defaults: Defaults { retries: 3, labels: vec!["x".into()], note: None },
    }
}

#[test]
fn every_corpus_type_converts_to_a_strict_schema_its_values_satisfy() {
    check_type(&address());
    check_type(&person());
    check_type(&wrapped(Color::Blue));
    for shape in report().shapes {
        check_type(&wrapped(shape));
    }
    for event in report().events {
        check_type(&wrapped(event));
    }
    for message in [Message::Text("hi".into()), Message::Count(2), Message::Nothing] {
        check_type(&wrapped(message));
    }
    check_type(&wrapped(Value2::Number(2.5)));
    check_type(&wrapped(Value2::Words { words: vec!["a".into()] }));
    check_type(&report().renamed);
    check_type(&report().flattened);
    // A struct with a flattened enum is a union: fine inside, not at the root.
    check_type(&wrapped(WithFlattenedEnum { name: "w".into(), event: Event::Deleted { id: 9 } }));
    let error = strict_schema_for::<WithFlattenedEnum>().unwrap_err();
    assert!(error.reason().contains("flattened enum"), "{error}");
    check_type(&tree());
    check_type(&List { value: 1, next: Some(Box::new(List { value: 2, next: None })) });
    check_type(&folder());
    check_type(&report().defaults);
    check_type(&report());
    check_type(&wrapped(vec![tree()]));
    check_type(&wrapped(Some(3u32)));
}

#[test]
fn the_converted_schema_has_the_strict_shape() {
    let schema = check_type(&person());
    assert!(schema.get("$schema").is_none(), "{schema:#}");
    assert_eq!(schema["additionalProperties"], json!(false));
    // Optional fields are required, as unions with null.
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(required.contains(&"work") && required.contains(&"tags"), "{required:?}");
    assert_eq!(schema["properties"]["work"]["anyOf"][1], json!({"type": "null"}), "{schema:#}");
    // schemars' integer formats are gone; the bounds stay.
    assert_eq!(schema["properties"]["count"], json!({"type": "integer", "minimum": 0}), "{schema:#}");
    assert_eq!(schema["properties"]["age"]["maximum"], json!(255));
    assert!(schema["properties"]["height_m"].get("format").is_none());
    // A `$ref` stands alone (its description is dropped).
    assert_eq!(schema["properties"]["home"], json!({"$ref": "#/$defs/Address"}));
    // `#[serde(default)]` fields become required without null, so the answer deserializes.
    let defaults = check_type(&report().defaults);
    assert_eq!(defaults["properties"]["retries"]["type"], json!("integer"));
    assert_eq!(defaults["properties"]["note"]["type"], json!(["string", "null"]));
    // Renamed fields keep their wire names.
    let renamed = check_type(&report().renamed);
    let names: Vec<&String> = renamed["properties"].as_object().unwrap().keys().collect();
    assert_eq!(names, ["family-name", "firstName", "shoeSize"]);
    // Recursion stays a reference.
    let tree = check_type(&tree());
    let children = &tree["properties"]["children"]["items"]["$ref"];
    assert!(children == "#" || children == "#/$defs/Tree", "{tree:#}");
}

#[test]
fn the_checker_refuses_what_schemars_makes() {
    // The checker is not a rubber stamp: the raw schemars schema breaks the rules.
    let raw = openai_codex::schemars::schema_for!(Person).to_value();
    let problems = strict_violations(&raw);
    for expected in ["$schema", "additionalProperties", "required", "format"] {
        assert!(problems.iter().any(|problem| problem.contains(expected)), "{expected} not found in {problems:#?}");
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
#[allow(dead_code)]
struct WithMap {
    name: String,
    counts: HashMap<String, u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
#[allow(dead_code)]
struct WithAnyValue {
    extra: serde_json::Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
#[allow(dead_code)]
struct WithTuple {
    pair: (i32, String),
}

#[test]
fn types_strict_mode_cannot_express_are_refused_with_the_place() {
    let refused = |error: StrictSchemaError, pointer: &str, words: &str| {
        assert_eq!(error.pointer(), pointer, "{error}");
        assert!(error.to_string().contains(words), "{error}");
        assert!(error.type_name().is_some(), "{error}");
    };
    refused(strict_schema_for::<WithMap>().unwrap_err(), "/properties/counts/additionalProperties", "free-form keys");
    refused(strict_schema_for::<BTreeMap<String, u32>>().unwrap_err(), "/additionalProperties", "free-form keys");
    refused(strict_schema_for::<WithAnyValue>().unwrap_err(), "/properties/extra", "any JSON value");
    refused(strict_schema_for::<WithTuple>().unwrap_err(), "/properties/pair/prefixItems", "tuple");
    refused(strict_schema_for::<Color>().unwrap_err(), "", "wrap it in a struct");
    refused(strict_schema_for::<Shape>().unwrap_err(), "", "wrap it in a struct");
    refused(strict_schema_for::<Vec<Address>>().unwrap_err(), "", "wrap it in a struct");
    refused(strict_schema_for::<String>().unwrap_err(), "", "wrap it in a struct");
    let error = strict_schema_for::<WithMap>().unwrap_err();
    assert!(error.to_string().contains("WithMap"), "names the type: {error}");
}

#[test]
fn hand_written_schemas_convert_with_optional_fields_as_null_unions() {
    let schema = to_strict(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "answer": {"type": "string", "minLength": 1},
            "confidence": {"type": "number", "format": "float", "default": 0.5},
            "source": {"$ref": "#/definitions/Source"},
            "kind": {"const": "final"}
        },
        "required": ["answer"],
        "definitions": {
            "Source": {"type": "object", "properties": {"url": {"type": "string", "format": "uri"}}, "required": ["url"]}
        }
    }))
    .unwrap();
    assert!(strict_violations(&schema).is_empty(), "{:?}\n{schema:#}", strict_violations(&schema));
    assert_eq!(schema["properties"]["confidence"], json!({"type": ["number", "null"]}));
    assert_eq!(schema["properties"]["source"], json!({"anyOf": [{"$ref": "#/$defs/Source"}, {"type": "null"}]}));
    assert_eq!(schema["properties"]["kind"], json!({"enum": ["final", null]}));
    assert_eq!(schema["$defs"]["Source"]["properties"]["url"], json!({"type": "string"}));
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    assert!(validator.is_valid(&json!({"answer": "42", "confidence": null, "source": null, "kind": "final"})));
    assert!(!validator.is_valid(&json!({"answer": "42"})), "every property is required");

    let error = to_strict(json!({"type": "object", "properties": {"x": {"type": "object", "additionalProperties": true}}}))
        .unwrap_err();
    assert_eq!(error.pointer(), "/properties/x/additionalProperties", "{error}");
    let error = to_strict(json!({"type": "object", "properties": {"x": {"not": {"type": "null"}}}})).unwrap_err();
    assert_eq!(error.pointer(), "/properties/x/not", "{error}");
    let error = to_strict(json!({"type": "object", "properties": {"x": {"$ref": "https://example.com/x.json"}}}))
        .unwrap_err();
    assert!(error.reason().contains("does not name a definition"), "{error}");

    // Strict conversion off: sent exactly as given.
    let loose = json!({"type": "object", "properties": {"x": {"type": "string", "format": "uint32"}}});
    let given = OutputSchema::as_given(loose.clone());
    assert!(!given.is_strict());
    assert_eq!(given.as_json(), &loose);
}

// ---------------------------------------------------------------------------
// End to end.
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_structured_sends_the_strict_schema_and_parses_the_answer() {
    let harness = Harness::start().await;
    let expected = report();
    harness.mock.push(Answer::text(serde_json::to_string(&expected).unwrap()));
    let codex = codex(&harness).await;
    let thread = codex.thread_start().cwd(harness.cwd()).send().await.expect("thread/start");

    let answer: Report = within("the structured turn", thread.run_structured("Write the report.")).await.unwrap();
    assert_eq!(answer, expected);

    // What reached the model is the converted schema, strict, and the
    // answer given satisfies it.
    let format = harness.mock.requests()[0].body["text"]["format"].clone();
    assert_eq!(format["type"], "json_schema", "{format}");
    assert_eq!(format["strict"], true, "{format}");
    let sent = &format["schema"];
    assert_eq!(sent, &strict_schema_for::<Report>().unwrap());
    assert!(strict_violations(sent).is_empty(), "{:?}", strict_violations(sent));
    let validator = jsonschema::draft202012::new(sent).unwrap();
    assert!(validator.is_valid(&serde_json::to_value(&expected).unwrap()));
    close_and_check(codex.client().clone()).await;
}

#[tokio::test]
async fn a_type_strict_mode_cannot_express_sends_nothing() {
    let (codex, wire) = fake_app_server::connect().await;
    let thread = codex.thread_start().send().await.unwrap();
    wire.clear();
    let error = thread.run_structured::<WithMap>("count").await.unwrap_err();
    let Error::UnsupportedSchema(inner) = &error else { panic!("expected UnsupportedSchema, got {error:?}") };
    assert_eq!(inner.pointer(), "/properties/counts/additionalProperties");
    assert!(wire.methods().is_empty(), "nothing was sent: {:?}", wire.methods());
    codex.close().await;
}

#[tokio::test]
async fn a_hand_written_schema_is_sent_as_given_or_converted() {
    let (codex, wire) = fake_app_server::connect().await;
    let thread = codex.thread_start().send().await.unwrap();
    let loose = json!({"type": "object", "properties": {"answer": {"type": "string"}}});

    let _: Value = thread.run_structured_with("hi", OutputSchema::as_given(loose.clone())).await.unwrap();
    assert_eq!(wire.last_params("turn/start")["outputSchema"], loose);

    let strict = OutputSchema::strict(loose).unwrap();
    let _: Value = thread.run_structured_with("hi", strict.clone()).await.unwrap();
    let sent = wire.last_params("turn/start")["outputSchema"].clone();
    assert_eq!(&sent, strict.as_json());
    assert_eq!(sent["additionalProperties"], json!(false));
    assert_eq!(sent["properties"]["answer"]["type"], json!(["string", "null"]));
    codex.close().await;
}

#[test]
fn all_of_and_references_beside_keywords_are_merged_and_self_merges_refused() {
    let schema = to_strict(json!({
        "type": "object",
        "properties": {
            "named": {
                "$ref": "#/$defs/Named",
                "properties": {"age": {"type": "integer"}},
                "required": ["age"]
            },
            "both": {"allOf": [{"$ref": "#/$defs/Named"}, {"$ref": "#/$defs/Aliased"}]}
        },
        "required": ["named", "both"],
        "$defs": {
            "Named": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
            "Aliased": {"$ref": "#/$defs/Extra", "description": "an alias"},
            "Extra": {"type": "object", "properties": {"extra": {"type": "boolean"}}, "required": ["extra"]}
        }
    }))
    .unwrap();
    assert!(strict_violations(&schema).is_empty(), "{:?}\n{schema:#}", strict_violations(&schema));
    assert_eq!(schema["properties"]["named"]["required"], json!(["age", "name"]), "{schema:#}");
    assert_eq!(schema["properties"]["both"]["required"], json!(["extra", "name"]), "{schema:#}");
    assert!(schema.get("$defs").is_none(), "merged definitions are not kept: {schema:#}");

    let error = to_strict(json!({
        "type": "object",
        "properties": {"loop": {"$ref": "#/$defs/Loop"}},
        "$defs": {"Loop": {"allOf": [{"$ref": "#/$defs/Loop"}], "type": "object"}}
    }))
    .unwrap_err();
    assert!(error.reason().contains("merge itself"), "{error}");
}
