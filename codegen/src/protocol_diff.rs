//! `cargo codegen diff`: what changed in the protocol between two schema
//! snapshots, each change marked additive or breaking for SDK users, and
//! what the override table must review.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::overrides::OverrideTable;
use crate::snapshot::Snapshot;

/// Which protocol surface to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Surface {
    /// The stable protocol (what the SDK's methods cover).
    #[default]
    Stable,
    /// The `--experimental` bundles (what the SDK's types come from).
    Experimental,
}

/// What a change means for code using the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    /// Existing code may stop compiling or behave differently. (Declared
    /// first so that sorting lists breaking changes first.)
    Breaking,
    /// Existing code keeps compiling and working.
    Additive,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Breaking or additive.
    pub impact: Impact,
    /// What kind of change, e.g. `field added`.
    pub kind: &'static str,
    /// What changed, e.g. `ThreadListParams.excludedThreadIds`.
    pub subject: String,
    /// Details, e.g. the old and new types.
    pub detail: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolDiff {
    /// The surface compared.
    pub surface: Surface,
    /// Every change, breaking first.
    pub changes: Vec<Change>,
    /// What `templates/api.toml` must review.
    pub review: Vec<String>,
}

/// Compares two snapshots.
pub fn diff(old: &Snapshot, new: &Snapshot, surface: Surface, table: Option<&OverrideTable>) -> ProtocolDiff {
    let mut changes = Vec::new();
    for (kind, old_union, new_union) in [
        ("method", &old.client_request, &new.client_request),
        ("notification", &old.server_notification, &new.server_notification),
        ("server request", &old.server_request, &new.server_request),
    ] {
        diff_methods(kind, &method_names(old_union), &method_names(new_union), &mut changes);
    }
    let old_types = definitions(old, surface);
    let new_types = definitions(new, surface);
    diff_types(&old_types, &new_types, &mut changes);
    changes.sort();
    let review = table
        .map(|table| review_items(table, &old_types, &new_types, &method_params(new)))
        .unwrap_or_default();
    ProtocolDiff { surface, changes, review }
}

fn method_names(union: &Value) -> BTreeSet<String> {
    union["oneOf"]
        .as_array()
        .map(|variants| {
            variants
                .iter()
                .filter_map(|v| v["properties"]["method"]["enum"][0].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Wire method → params type name.
fn method_params(snapshot: &Snapshot) -> BTreeMap<String, String> {
    let Some(variants) = snapshot.client_request["oneOf"].as_array() else { return BTreeMap::new() };
    variants
        .iter()
        .filter_map(|variant| {
            let method = variant["properties"]["method"]["enum"][0].as_str()?;
            let params = &variant["properties"]["params"];
            let reference = params["$ref"].as_str().or_else(|| params["anyOf"][0]["$ref"].as_str())?;
            Some((method.to_owned(), reference.rsplit('/').next()?.to_owned()))
        })
        .collect()
}

fn diff_methods(kind: &str, old: &BTreeSet<String>, new: &BTreeSet<String>, changes: &mut Vec<Change>) {
    let (added, removed): (&'static str, &'static str) = match kind {
        "method" => ("method added", "method removed"),
        "notification" => ("notification added", "notification removed"),
        _ => ("server request added", "server request removed"),
    };
    for name in new.difference(old) {
        changes.push(Change { impact: Impact::Additive, kind: added, subject: name.clone(), detail: String::new() });
    }
    for name in old.difference(new) {
        changes.push(Change { impact: Impact::Breaking, kind: removed, subject: name.clone(), detail: String::new() });
    }
}

/// The wire definitions of a surface: the v2 bundle's plus the full
/// bundle's top-level ones (server requests, v1).
fn definitions(snapshot: &Snapshot, surface: Surface) -> Map<String, Value> {
    let (full, v2) = match (surface, &snapshot.experimental) {
        (Surface::Experimental, Some(experimental)) => (&experimental.full_bundle, &experimental.v2_bundle),
        _ => (&snapshot.full_bundle, &snapshot.v2_bundle),
    };
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

fn diff_types(old: &Map<String, Value>, new: &Map<String, Value>, changes: &mut Vec<Change>) {
    for (name, schema) in new {
        match old.get(name) {
            None => changes.push(Change { impact: Impact::Additive, kind: "type added", subject: name.clone(), detail: String::new() }),
            Some(previous) => {
                diff_fields(name, previous, schema, changes);
                diff_enum_values(name, previous, schema, changes);
            }
        }
    }
    for name in old.keys().filter(|name| !new.contains_key(*name)) {
        changes.push(Change { impact: Impact::Breaking, kind: "type removed", subject: name.clone(), detail: String::new() });
    }
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

fn diff_fields(name: &str, old: &Value, new: &Value, changes: &mut Vec<Change>) {
    let (old_fields, new_fields) = (properties(old), properties(new));
    let (old_required, new_required) = (required(old), required(new));
    for (field, schema) in &new_fields {
        let subject = format!("{name}.{field}");
        match old_fields.get(field) {
            None => {
                let is_required = new_required.contains(field);
                changes.push(Change {
                    impact: if is_required { Impact::Breaking } else { Impact::Additive },
                    kind: "field added",
                    subject,
                    detail: format!("{}{}", type_signature(schema), if is_required { ", required" } else { "" }),
                });
            }
            Some(previous) => {
                let (before, after) = (type_signature(previous), type_signature(schema));
                if before != after {
                    changes.push(Change { impact: Impact::Breaking, kind: "field retyped", subject: subject.clone(), detail: format!("{before} → {after}") });
                }
                match (old_required.contains(field), new_required.contains(field)) {
                    (false, true) => changes.push(Change { impact: Impact::Breaking, kind: "field made required", subject, detail: String::new() }),
                    (true, false) => changes.push(Change { impact: Impact::Breaking, kind: "field made optional", subject, detail: String::new() }),
                    _ => {}
                }
            }
        }
    }
    for field in old_fields.keys().filter(|field| !new_fields.contains_key(*field)) {
        changes.push(Change { impact: Impact::Breaking, kind: "field removed", subject: format!("{name}.{field}"), detail: String::new() });
    }
}

/// The string values of an enum, in either form the runtime prints
/// (`enum: [..]`, or a `oneOf` of single-value enums).
fn enum_values(schema: &Value) -> Option<BTreeSet<String>> {
    let strings = |list: &Value| -> Vec<String> {
        list.as_array().map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
    };
    if schema["enum"].is_array() {
        return Some(strings(&schema["enum"]).into_iter().collect());
    }
    let variants = schema["oneOf"].as_array()?;
    let values: BTreeSet<String> = variants.iter().flat_map(|variant| strings(&variant["enum"])).collect();
    (!values.is_empty()).then_some(values)
}

fn diff_enum_values(name: &str, old: &Value, new: &Value, changes: &mut Vec<Change>) {
    let (Some(before), Some(after)) = (enum_values(old), enum_values(new)) else { return };
    for value in after.difference(&before) {
        changes.push(Change { impact: Impact::Additive, kind: "enum value added", subject: format!("{name}::{value}"), detail: String::new() });
    }
    for value in before.difference(&after) {
        changes.push(Change { impact: Impact::Breaking, kind: "enum value removed", subject: format!("{name}::{value}"), detail: String::new() });
    }
}

/// A short description of a property's type, ignoring docs and defaults.
fn type_signature(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(alternatives) = schema[key].as_array() {
            let parts: Vec<String> = alternatives.iter().map(type_signature).collect();
            return parts.join(" | ");
        }
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        // `true`, `{}` or anything without a type: free-form JSON.
        _ => return "any".to_owned(),
    };
    kinds
        .iter()
        .map(|kind| match *kind {
            "array" => format!("array<{}>", type_signature(&schema["items"])),
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// What the override table must look at: new stable fields of wrapped
/// methods, and exposed or hidden fields whose target changed or went away.
fn review_items(
    table: &OverrideTable,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
    params_of: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut items = Vec::new();
    for (method, entry) in &table.methods {
        let Some(params) = params_of.get(method) else {
            items.push(format!("{method}: the method is gone; remove its entry"));
            continue;
        };
        let (before, after) = (old.get(params).map(properties).unwrap_or_default(), new.get(params).map(properties).unwrap_or_default());
        for field in after.keys().filter(|field| !before.contains_key(*field)) {
            if !entry.expose.contains_key(field) && !entry.hidden.contains_key(field) {
                items.push(format!("{method}: new field `{field}`: expose or hide it"));
            }
        }
        for field in entry.expose.keys().chain(entry.hidden.keys()) {
            match (before.get(field), after.get(field)) {
                (_, None) => items.push(format!("{method}: `{field}` is gone; remove its entry")),
                (Some(old_type), Some(new_type)) if type_signature(old_type) != type_signature(new_type) => items.push(format!(
                    "{method}: `{field}` changed type ({} → {}); check its entry",
                    type_signature(old_type),
                    type_signature(new_type)
                )),
                _ => {}
            }
        }
    }
    items
}

impl ProtocolDiff {
    fn counts(&self) -> (usize, usize) {
        let breaking = self.changes.iter().filter(|c| c.impact == Impact::Breaking).count();
        (breaking, self.changes.len() - breaking)
    }

    /// Plain text, for a terminal.
    pub fn to_text(&self) -> String {
        let (breaking, additive) = self.counts();
        let mut out = format!("protocol changes ({:?} surface): {breaking} breaking, {additive} additive\n", self.surface);
        for change in &self.changes {
            let impact = match change.impact {
                Impact::Breaking => "BREAKING",
                Impact::Additive => "additive",
            };
            let detail = if change.detail.is_empty() { String::new() } else { format!(" ({})", change.detail) };
            let _ = writeln!(out, "  {impact:<8} {}: {}{detail}", change.kind, change.subject);
        }
        if !self.review.is_empty() {
            out.push_str("review in templates/api.toml:\n");
            for item in &self.review {
                let _ = writeln!(out, "  {item}");
            }
        }
        out
    }

    /// Markdown, for a pull request description.
    pub fn to_markdown(&self) -> String {
        let (breaking, additive) = self.counts();
        let mut out = format!("### Protocol changes ({:?} surface)\n\n{breaking} breaking, {additive} additive.\n\n", self.surface);
        out.push_str("| impact | change | subject | detail |\n|---|---|---|---|\n");
        for change in &self.changes {
            let impact = match change.impact {
                Impact::Breaking => "**breaking**",
                Impact::Additive => "additive",
            };
            let _ = writeln!(out, "| {impact} | {} | `{}` | {} |", change.kind, change.subject, change.detail.replace('|', "\\|"));
        }
        if !self.review.is_empty() {
            out.push_str("\n#### Review in `templates/api.toml`\n\n");
            for item in &self.review {
                let _ = writeln!(out, "- {item}");
            }
        }
        out
    }

    /// JSON, for tools.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serialises") + "\n"
    }
}
