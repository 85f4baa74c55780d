//! One side of a diff: what a snapshot offers on the chosen surface.
//!
//! * the method catalog (client requests, notifications, server requests,
//!   client notifications), each with its params and response type;
//! * the wire definitions as the SDK's types are generated from them (the
//!   pre-pass output, [`prepass::wire_schema`]), and as printed (for what the
//!   pre-pass folds away, such as catch-all alternatives);
//! * which way each definition travels, from the methods that reach it;
//! * which generated enums have an `Unknown` fallback.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use anyhow::{bail, Context, Result};
use serde_json::{Map, Value};

use crate::catalog::ResponseTypeTable;
use crate::emit_types::{self, Decision};
use crate::prepass::{self, ref_name};
use crate::snapshot::Snapshot;

use super::{Bundle, Direction};

/// How a method takes its params (read leniently: the diff reports a shape
/// the generator would refuse instead of failing on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Params {
    None,
    Required(String),
    Optional(String),
    Other(String),
}

impl Params {
    pub(super) fn type_name(&self) -> Option<&str> {
        match self {
            Params::Required(name) | Params::Optional(name) => Some(name),
            Params::None | Params::Other(_) => None,
        }
    }
}

impl std::fmt::Display for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Params::None => f.write_str("no params"),
            Params::Required(name) => f.write_str(name),
            Params::Optional(name) => write!(f, "{name} | null"),
            Params::Other(signature) => f.write_str(signature),
        }
    }
}

/// One method of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MethodInfo {
    pub params: Params,
    /// The response type (requests only), when it can be told.
    pub response: Option<String>,
}

/// The four method tables, by wire name.
#[derive(Debug, Clone, Default)]
pub(super) struct Methods {
    pub client_requests: BTreeMap<String, MethodInfo>,
    pub notifications: BTreeMap<String, MethodInfo>,
    pub server_requests: BTreeMap<String, MethodInfo>,
    pub client_notifications: BTreeMap<String, MethodInfo>,
}

/// The method unions the diff reads as method tables rather than as types;
/// with the definitions the generator skips
/// ([`emit_types::SKIPPED_DEFINITIONS`]: the JSON-RPC envelopes and
/// `ClientNotification`), they are left out of the type comparison.
const METHOD_UNIONS: &[&str] = &["ClientRequest", "ServerNotification", "ServerRequest"];

/// Everything the diff compares on one side.
pub(super) struct Side {
    pub methods: Methods,
    /// The pre-passed wire definitions (what typify reads), minus
    /// [`METHOD_UNIONS`] and [`emit_types::SKIPPED_DEFINITIONS`].
    pub definitions: Map<String, Value>,
    /// The same definitions as the runtime printed them (refs not rewritten).
    pub raw_definitions: Map<String, Value>,
    /// Which way each definition travels (absent: no method reaches it).
    pub directions: BTreeMap<String, Direction>,
    /// The same, from every method the snapshot has (the experimental
    /// catalog when there is one): how `request_raw` users meet a type
    /// that no typed method reaches.
    pub all_directions: BTreeMap<String, Direction>,
    /// For every generated enum, whether it has a fallback; `None` when the
    /// type generator could not run on this schema.
    pub fallbacks: Option<BTreeMap<String, Decision>>,
    /// Why `fallbacks` is `None`.
    pub fallback_error: Option<String>,
    /// Whether the types came from the experimental bundles.
    pub types_bundle: Bundle,
}

impl Side {
    /// Reads one snapshot on the given surface.
    pub fn load(
        snapshot: &Snapshot,
        methods_from: Bundle,
        types_from: Bundle,
        responses: Option<&ResponseTypeTable>,
    ) -> Result<Self> {
        let experimental = snapshot.experimental.as_ref();
        let methods_source = match (methods_from, experimental) {
            (Bundle::Stable, _) => MethodSource::Stable,
            (Bundle::Experimental, Some(bundles)) => MethodSource::Experimental(&bundles.full_bundle),
            (Bundle::Experimental, None) => {
                bail!("the snapshot has no experimental bundles (schema/snapshot/experimental/) to read experimental methods from")
            }
        };
        // The stable types come from the stable bundles alone.
        let (types_snapshot, types_bundle) = match (types_from, experimental) {
            (Bundle::Experimental, Some(_)) => (snapshot.clone(), Bundle::Experimental),
            (Bundle::Experimental, None) => {
                bail!("the snapshot has no experimental bundles (schema/snapshot/experimental/) to read experimental types from")
            }
            (Bundle::Stable, _) => (Snapshot { experimental: None, ..snapshot.clone() }, Bundle::Stable),
        };
        let wire = prepass::wire_schema(&types_snapshot).context("merging the snapshot's definitions")?;
        let mut all_definitions = wire["definitions"].as_object().cloned().unwrap_or_default();
        let (fallbacks, fallback_error) = match emit_types::fallback_decisions(&wire) {
            Ok(decisions) => (Some(decisions), None),
            Err(error) => (None, Some(format!("{error:#}"))),
        };
        let raw_definitions = raw_definitions(&types_snapshot);
        let mut methods = match methods_source {
            MethodSource::Stable => Methods {
                client_requests: methods_of(&snapshot.client_request),
                notifications: methods_of(&snapshot.server_notification),
                server_requests: methods_of(&snapshot.server_request),
                client_notifications: methods_of(&snapshot.client_notification),
            },
            MethodSource::Experimental(full) => {
                let of = |name: &str| methods_of(&full["definitions"][name]);
                Methods {
                    client_requests: of("ClientRequest"),
                    notifications: of("ServerNotification"),
                    server_requests: of("ServerRequest"),
                    client_notifications: of("ClientNotification"),
                }
            }
        };
        let known: BTreeSet<String> = all_definitions.keys().cloned().collect();
        add_responses(&mut methods.client_requests, responses, &known);
        add_responses(&mut methods.server_requests, None, &known);
        for name in METHOD_UNIONS.iter().chain(emit_types::SKIPPED_DEFINITIONS) {
            all_definitions.remove(*name);
        }
        let directions = directions(&methods, &all_definitions);
        let all_directions = match experimental {
            Some(bundles) => {
                let of = |name: &str| methods_of(&bundles.full_bundle["definitions"][name]);
                let mut everything = Methods {
                    client_requests: of("ClientRequest"),
                    notifications: of("ServerNotification"),
                    server_requests: of("ServerRequest"),
                    client_notifications: of("ClientNotification"),
                };
                add_responses(&mut everything.client_requests, responses, &known);
                add_responses(&mut everything.server_requests, None, &known);
                self::directions(&everything, &all_definitions)
            }
            None => directions.clone(),
        };
        Ok(Side {
            methods,
            definitions: all_definitions,
            raw_definitions,
            directions,
            all_directions,
            fallbacks,
            fallback_error,
            types_bundle,
        })
    }
}

enum MethodSource<'a> {
    Stable,
    Experimental(&'a Value),
}

/// The definitions as printed: the v2 bundle's, then the full bundle's
/// top-level ones it lacks (as [`prepass::wire_schema`] merges them).
fn raw_definitions(snapshot: &Snapshot) -> Map<String, Value> {
    let (full, v2) = snapshot.type_bundles();
    let mut definitions = v2["definitions"].as_object().cloned().unwrap_or_default();
    if let Some(top) = full["definitions"].as_object() {
        for (name, schema) in top {
            if name != "v2" && !definitions.contains_key(name) {
                definitions.insert(name.clone(), schema.clone());
            }
        }
    }
    definitions
}

/// The methods of a method union (`{"oneOf": [{"properties": {"method":
/// {"enum": [..]}, "params": ..}}, ..]}`).
fn methods_of(union: &Value) -> BTreeMap<String, MethodInfo> {
    let Some(variants) = union["oneOf"].as_array() else { return BTreeMap::new() };
    variants
        .iter()
        .filter_map(|variant| {
            let properties = &variant["properties"];
            let method = &properties["method"];
            let wire = method["enum"][0].as_str().or_else(|| method["const"].as_str())?;
            Some((wire.to_owned(), MethodInfo { params: params_of(&properties["params"]), response: None }))
        })
        .collect()
}

/// `{$ref}` is required params, `anyOf [{$ref}, null]` optional ones, and
/// `{type: null}` or no `params` property at all means none.
fn params_of(schema: &Value) -> Params {
    if schema.is_null() || schema["type"] == "null" {
        return Params::None;
    }
    if let Some(name) = ref_name(schema) {
        return Params::Required(name.to_owned());
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alternatives) = schema[key].as_array() {
            let refs: Vec<&str> = alternatives.iter().filter_map(ref_name).collect();
            let nulls = alternatives.iter().filter(|alt| alt["type"] == "null").count();
            if refs.len() == 1 && nulls == 1 && alternatives.len() == 2 {
                return Params::Optional(refs[0].to_owned());
            }
        }
    }
    Params::Other(super::walk::signature(schema))
}

/// Gives each request its response type: the reviewed override if there is
/// one, else `FooResponse` for params `FooParams` (as the generator does).
fn add_responses(
    methods: &mut BTreeMap<String, MethodInfo>,
    overrides: Option<&ResponseTypeTable>,
    known: &BTreeSet<String>,
) {
    for (wire, method) in methods.iter_mut() {
        let reviewed = overrides
            .and_then(|table| table.responses.get(wire))
            .filter(|name| known.contains(*name))
            .cloned();
        let inferred = method
            .params
            .type_name()
            .and_then(|params| params.strip_suffix("Params"))
            .map(|stem| format!("{stem}Response"))
            .filter(|name| known.contains(name));
        method.response = reviewed.or(inferred);
    }
}

/// Which way each definition travels: the params of client requests and
/// client notifications and the responses to server requests are sent; the
/// responses to client requests, notifications and server requests' params
/// are received; whatever those reach by `$ref` travels the same way.
fn directions(methods: &Methods, definitions: &Map<String, Value>) -> BTreeMap<String, Direction> {
    let mut roots: Vec<(String, Direction)> = Vec::new();
    let mut add = |name: Option<&str>, direction: Direction| {
        if let Some(name) = name {
            roots.push((name.to_owned(), direction));
        }
    };
    for method in methods.client_requests.values() {
        add(method.params.type_name(), Direction::Sent);
        add(method.response.as_deref(), Direction::Received);
    }
    for method in methods.client_notifications.values() {
        add(method.params.type_name(), Direction::Sent);
    }
    for method in methods.notifications.values() {
        add(method.params.type_name(), Direction::Received);
    }
    for method in methods.server_requests.values() {
        add(method.params.type_name(), Direction::Received);
        add(method.response.as_deref(), Direction::Sent);
    }
    let graph: BTreeMap<&str, BTreeSet<String>> =
        definitions.iter().map(|(name, schema)| (name.as_str(), refs_in(schema))).collect();
    let mut result: BTreeMap<String, Direction> = BTreeMap::new();
    let mut queue: VecDeque<(String, Direction)> = roots.into_iter().collect();
    while let Some((name, direction)) = queue.pop_front() {
        let entry = result.entry(name.clone()).or_insert(Direction::Unreached);
        let merged = entry.merge(direction);
        if merged == *entry && *entry != Direction::Unreached {
            continue;
        }
        *entry = merged;
        for next in graph.get(name.as_str()).into_iter().flatten() {
            queue.push_back((next.clone(), merged));
        }
    }
    result.retain(|_, direction| *direction != Direction::Unreached);
    result
}

/// The definition names a schema refers to, at any depth.
fn refs_in(schema: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    prepass::for_each_ref(schema, &mut |target| {
        if let Some(name) = target.rsplit('/').next() {
            names.insert(name.to_owned());
        }
    });
    names
}
