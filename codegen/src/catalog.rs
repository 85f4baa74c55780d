//! The method catalog: every client request, server notification and server
//! request of the protocol, with its params and response types, read from
//! `ClientRequest.json`, `ServerNotification.json` and `ServerRequest.json`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use heck::{ToSnakeCase, ToUpperCamelCase};
use serde::Deserialize;
use serde_json::Value;

use crate::prepass::ref_name;
use crate::snapshot::Snapshot;

/// How a method takes its params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Params {
    /// No params (`"params"` is `null` or left out).
    None,
    /// Params of this type are required.
    Required(String),
    /// Params of this type may be left out.
    Optional(String),
}

impl Params {
    /// The params type's name, if there is one.
    pub fn type_name(&self) -> Option<&str> {
        match self {
            Params::None => None,
            Params::Required(name) | Params::Optional(name) => Some(name),
        }
    }
}

/// How to read an id (thread or turn) out of a message's params, so
/// notifications can be routed to the thread or turn they are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdAccess {
    /// A string field, e.g. `threadId`; `required` when it is never absent or null.
    Field {
        /// The wire property name.
        property: String,
        /// Whether the field is a plain `String` (not an `Option`).
        required: bool,
    },
    /// The `id` of an object field, e.g. `turn.id` on `turn/started`.
    NestedId {
        /// The wire property name of the object.
        property: String,
    },
}

/// One method of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The wire name, e.g. `thread/start`.
    pub wire: String,
    /// PascalCase name for types and enum variants, e.g. `ThreadStart`.
    pub type_ident: String,
    /// snake_case name for functions, e.g. `thread_start`.
    pub fn_ident: String,
    /// The params.
    pub params: Params,
    /// The response type (requests only).
    pub response: Option<String>,
    /// The schema's description of the method.
    pub description: Option<String>,
    /// Where the params say which thread the message is about.
    pub thread_id: Option<IdAccess>,
    /// Where the params say which turn the message is about.
    pub turn_id: Option<IdAccess>,
}

impl Method {
    /// "`wire/name`: the schema's description", the first paragraph of
    /// every doc about the method.
    pub fn headline(&self) -> String {
        match self.description.as_deref() {
            Some(text) => format!("`{}`: {}", self.wire, text.trim()),
            None => format!("`{}`", self.wire),
        }
    }
}

/// Every method of the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// Client → server requests.
    pub client_requests: Vec<Method>,
    /// Server → client notifications.
    pub notifications: Vec<Method>,
    /// Server → client requests, each with the response type it expects.
    pub server_requests: Vec<Method>,
    /// Client → server notifications (`initialized`).
    pub client_notifications: Vec<Method>,
}

/// The reviewed table of the response types that cannot be inferred
/// (`templates/response_types.toml`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseTypeTable {
    /// Method wire name → response type name.
    pub responses: BTreeMap<String, String>,
}

impl ResponseTypeTable {
    /// Reads the table.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

impl Catalog {
    /// Reads the catalog from the snapshot. `known_types` are the wire types
    /// that will be emitted: every params and response type must be one of them.
    ///
    /// `wire_schema` (the pre-pass output, all definitions at
    /// `definitions.*`) tells where each message's params name its thread and turn.
    pub fn from_snapshot(
        snapshot: &Snapshot,
        wire_schema: &Value,
        overrides: &ResponseTypeTable,
        known_types: &BTreeSet<String>,
    ) -> Result<Self> {
        let client_requests = methods_of(&snapshot.client_request, "ClientRequest.json")?;
        let client_requests = with_responses(client_requests, overrides, known_types)?;
        let server_requests = methods_of(&snapshot.server_request, "ServerRequest.json")?;
        let server_requests = with_responses(server_requests, &ResponseTypeTable::default(), known_types)?;
        let notifications = methods_of(&snapshot.server_notification, "ServerNotification.json")?;
        let notifications = with_experimental_notifications(notifications, snapshot)?;
        let catalog = Catalog {
            client_requests,
            notifications: with_routing(notifications, wire_schema),
            server_requests: with_routing(server_requests, wire_schema),
            client_notifications: methods_of(&snapshot.client_notification, "ClientNotification.json")?,
        };
        catalog.check_types_exist(known_types)?;
        catalog.check_unique_idents()?;
        Ok(catalog)
    }

    fn check_types_exist(&self, known_types: &BTreeSet<String>) -> Result<()> {
        let all = self
            .client_requests
            .iter()
            .chain(&self.notifications)
            .chain(&self.server_requests);
        for method in all {
            let types = method.params.type_name().into_iter().chain(method.response.as_deref());
            for name in types {
                if !known_types.contains(name) {
                    bail!("method `{}` refers to type `{name}`, which is not generated", method.wire);
                }
            }
        }
        Ok(())
    }

    /// Two wire names that map to one Rust name would make the generated code
    /// ambiguous; refuse rather than pick one.
    fn check_unique_idents(&self) -> Result<()> {
        for (kind, methods) in [
            ("client request", &self.client_requests),
            ("notification", &self.notifications),
            ("server request", &self.server_requests),
        ] {
            let mut seen = BTreeMap::new();
            for method in methods {
                if let Some(other) = seen.insert(&method.type_ident, &method.wire) {
                    bail!(
                        "{kind}s `{other}` and `{}` both map to the Rust name `{}`",
                        method.wire,
                        method.type_ident
                    );
                }
            }
        }
        Ok(())
    }
}

/// Adds the notifications only the experimental schema has (when the
/// snapshot keeps it). The client asks for the experimental API by default,
/// and the runtime then may send them: each gets a typed variant rather than
/// arriving as `Unknown`. Their order follows the experimental bundle.
fn with_experimental_notifications(mut stable: Vec<Method>, snapshot: &Snapshot) -> Result<Vec<Method>> {
    let Some(experimental) = &snapshot.experimental else { return Ok(stable) };
    let union = &experimental.full_bundle["definitions"]["ServerNotification"];
    if union.is_null() {
        bail!("the experimental bundle has no `ServerNotification` definition");
    }
    let known: BTreeSet<String> = stable.iter().map(|method| method.wire.clone()).collect();
    let extra = methods_of(union, "the experimental ServerNotification")?;
    stable.extend(extra.into_iter().filter(|method| !known.contains(&method.wire)));
    Ok(stable)
}

/// Reads the `oneOf` variants of a method union file.
fn methods_of(union: &Value, file: &str) -> Result<Vec<Method>> {
    let variants = union["oneOf"]
        .as_array()
        .ok_or_else(|| anyhow!("{file} has no `oneOf` list of methods"))?;
    variants
        .iter()
        .map(|variant| method_of(variant).with_context(|| format!("reading a method of {file}")))
        .collect()
}

fn method_of(variant: &Value) -> Result<Method> {
    let properties = &variant["properties"];
    let wire = properties["method"]["enum"][0]
        .as_str()
        .ok_or_else(|| anyhow!("a variant has no `method` constant: {variant}"))?;
    let params = params_of(&properties["params"])
        .with_context(|| format!("reading the params of `{wire}`"))?;
    Ok(Method {
        wire: wire.to_owned(),
        type_ident: wire.to_upper_camel_case(),
        fn_ident: wire.to_snake_case(),
        params,
        response: None,
        description: variant["description"].as_str().map(str::to_owned),
        thread_id: None,
        turn_id: None,
    })
}

/// `{$ref}` is required params, `anyOf [{$ref}, null]` optional ones, and
/// `{type: null}` or no `params` property at all means none.
fn params_of(schema: &Value) -> Result<Params> {
    if schema.is_null() || schema["type"] == "null" {
        return Ok(Params::None);
    }
    if let Some(name) = ref_name(schema).map(str::to_owned) {
        return Ok(Params::Required(name));
    }
    if let Some(alternatives) = schema["anyOf"].as_array() {
        let refs: Vec<String> = alternatives.iter().filter_map(ref_name).map(str::to_owned).collect();
        let nulls = alternatives.iter().filter(|alt| alt["type"] == "null").count();
        if refs.len() == 1 && nulls == 1 && alternatives.len() == 2 {
            return Ok(Params::Optional(refs[0].clone()));
        }
    }
    bail!("unsupported params schema {schema}")
}

/// Gives each request its response type: the reviewed override if there is
/// one, else `FooResponse` for params `FooParams`, else the one response
/// type named by the method's own words (see [`infer_from_wire`]).
fn with_responses(
    mut methods: Vec<Method>,
    overrides: &ResponseTypeTable,
    known_types: &BTreeSet<String>,
) -> Result<Vec<Method>> {
    let wires: BTreeSet<&str> = methods.iter().map(|m| m.wire.as_str()).collect();
    for (wire, response) in &overrides.responses {
        if !wires.contains(wire.as_str()) {
            bail!("templates/response_types.toml names `{wire}`, which the schema no longer has; remove its line");
        }
        if !known_types.contains(response) {
            bail!("templates/response_types.toml maps `{wire}` to `{response}`, which the schema no longer has; fix or remove its line");
        }
    }
    for method in &mut methods {
        let inferred = method
            .params
            .type_name()
            .and_then(|params| params.strip_suffix("Params"))
            .map(|stem| format!("{stem}Response"))
            .filter(|name| known_types.contains(name));
        let response = overrides
            .responses
            .get(&method.wire)
            .cloned()
            .or(inferred)
            .or_else(|| infer_from_wire(&method.wire, known_types).ok());
        method.response = Some(match response {
            Some(response) => response,
            None => bail!(unknown_response_message(&method.wire, known_types)),
        });
    }
    Ok(methods)
}

/// The words of a name, lowercase: `account/securitySetup/read` and
/// `GetAccountSecuritySetupResponse` both split at case changes and `/`.
fn words(name: &str) -> Vec<String> {
    name.split('/')
        .flat_map(|part| part.to_snake_case().split('_').map(str::to_owned).collect::<Vec<_>>())
        .filter(|word| !word.is_empty())
        .collect()
}

/// Verbs the protocol spells two ways: a `read` method answers a `Get...`
/// type.
fn canonical_word(word: &str) -> &str {
    match word {
        "get" => "read",
        other => other,
    }
}

/// The one `...Response` type whose words are the method's words (in any
/// order, `get` read as `read`), or the method's words without its first
/// segment (`account/gatewayOAuth/read` ↔ `GatewayOAuthReadResponse`).
/// Anything else (none, or more than one) is an error listing the candidates.
fn infer_from_wire(wire: &str, known_types: &BTreeSet<String>) -> Result<String, Vec<String>> {
    let bag = |words: Vec<String>| {
        let mut words: Vec<String> = words.iter().map(|word| canonical_word(word).to_owned()).collect();
        words.sort();
        words
    };
    let whole = bag(words(wire));
    let without_namespace = wire
        .split_once('/')
        .map(|(_, rest)| bag(words(rest)))
        .unwrap_or_default();
    let matches: Vec<String> = known_types
        .iter()
        .filter_map(|name| Some((name, name.strip_suffix("Response")?)))
        .filter(|(_, stem)| {
            let type_words = bag(words(stem));
            type_words == whole || type_words == without_namespace
        })
        .map(|(name, _)| name.clone())
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(matches),
    }
}

/// What to do when a method's response type cannot be told: the exact line
/// to add, with the types that share words with the method as candidates.
fn unknown_response_message(wire: &str, known_types: &BTreeSet<String>) -> String {
    let ambiguous = infer_from_wire(wire, known_types).err().unwrap_or_default();
    let method_words: BTreeSet<String> = words(wire).iter().map(|w| canonical_word(w).to_owned()).collect();
    let mut candidates: Vec<&String> = known_types
        .iter()
        .filter(|name| name.ends_with("Response"))
        .filter(|name| {
            let shared = words(name).iter().filter(|w| method_words.contains(canonical_word(w))).count();
            shared * 2 >= method_words.len().max(1)
        })
        .collect();
    candidates.truncate(8);
    let mut message = format!(
        "cannot tell the response type of `{wire}`: add a line\n  \"{wire}\" = \"<ResponseType>\"\n\
         under [responses] in templates/response_types.toml"
    );
    if !ambiguous.is_empty() {
        message.push_str(&format!("\nmore than one type matches its name: {}", ambiguous.join(", ")));
    } else if !candidates.is_empty() {
        let names: Vec<&str> = candidates.iter().map(|name| name.as_str()).collect();
        message.push_str(&format!("\ntypes that share words with it: {}", names.join(", ")));
    }
    message
}

/// Finds, in each method's params type, the fields that name its thread and
/// turn: `threadId`/`turnId` strings, or the `id` of a `thread`/`turn` object.
fn with_routing(mut methods: Vec<Method>, wire_schema: &Value) -> Vec<Method> {
    for method in &mut methods {
        let Some(params) = method.params.type_name() else { continue };
        let definition = &wire_schema["definitions"][params];
        method.thread_id = id_access(definition, "threadId", "thread");
        method.turn_id = id_access(definition, "turnId", "turn");
    }
    methods
}

fn id_access(definition: &Value, id_property: &str, object_property: &str) -> Option<IdAccess> {
    let properties = definition["properties"].as_object()?;
    let required = |name: &str| {
        definition["required"]
            .as_array()
            .is_some_and(|list| list.iter().any(|item| item == name))
    };
    if let Some(field) = properties.get(id_property) {
        let plain_string = field["type"] == "string";
        let nullable_string = field["type"]
            .as_array()
            .is_some_and(|types| types.iter().any(|t| t == "string"));
        if plain_string || nullable_string {
            return Some(IdAccess::Field {
                property: id_property.to_owned(),
                required: plain_string && required(id_property),
            });
        }
    }
    let object = properties.get(object_property)?;
    (object.get("$ref").is_some() && required(object_property)).then(|| IdAccess::NestedId {
        property: object_property.to_owned(),
    })
}

#[cfg(test)]
mod response_inference_tests {
    use super::*;

    fn types(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn response_types_are_told_from_the_methods_words() {
        let known = types(&[
            "GetAccountSecuritySetupResponse",
            "GatewayOAuthReadResponse",
            "LogoutAccountResponse",
            "ConfigRequirementsReadResponse",
            "ExternalAgentConfigImportHistoriesReadResponse",
            "WindowsSandboxReadinessResponse",
            "McpServerRefreshResponse",
        ]);
        let cases = [
            ("account/securitySetup/read", "GetAccountSecuritySetupResponse"),
            ("account/gatewayOAuth/read", "GatewayOAuthReadResponse"),
            ("account/logout", "LogoutAccountResponse"),
            ("configRequirements/read", "ConfigRequirementsReadResponse"),
            ("externalAgentConfig/import/readHistories", "ExternalAgentConfigImportHistoriesReadResponse"),
            ("windowsSandbox/readiness", "WindowsSandboxReadinessResponse"),
        ];
        for (wire, expected) in cases {
            assert_eq!(infer_from_wire(wire, &known).as_deref(), Ok(expected), "{wire}");
        }
        // `reload` is not `refresh`: that stays a reviewed entry.
        assert!(infer_from_wire("config/mcpServer/reload", &known).is_err());
    }

    #[test]
    fn an_ambiguous_or_unknown_response_says_which_line_to_add() {
        let known = types(&["FooReadResponse", "GetFooResponse", "BarThingResponse"]);
        let message = unknown_response_message("foo/read", &known);
        assert!(message.contains("\"foo/read\" = \"<ResponseType>\""), "{message}");
        assert!(message.contains("templates/response_types.toml"), "{message}");
        assert!(message.contains("FooReadResponse, GetFooResponse"), "{message}");
    }
}
