//! `cargo codegen diff`: what changed in the protocol between two schema
//! snapshots, what each change means for SDK users, and what the override
//! table must review.
//!
//! The diff walks the schema the SDK is generated from (by default the
//! surface `schema/runtime.toml` names): the method tables (client requests,
//! notifications, server requests, client notifications) with their params
//! and response types, and every wire definition after the pre-pass, at any
//! depth: properties of objects, arrays, maps and union variants (by tag),
//! enum values (`enum` or `anyOf`/`oneOf` of values), union variants added
//! or removed, nullability, formats, map value types.
//!
//! Each change is classified ([`classify`]) by direction (whether the client
//! sends the type, receives it, or both: derived from the methods that reach
//! it) and by its effect on the wire (an SDK generated from the old schema
//! talking to the new runtime) and on the generated Rust API (code written
//! against the old SDK, once regenerated). A change is breaking when either
//! effect is.

mod classify;
mod side;
mod walk;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::catalog::ResponseTypeTable;
use crate::api_table::ApiTable;
use crate::pin::Pin;
use crate::snapshot::Snapshot;
use crate::workspace::Workspace;

use classify::{Fallbacks, Table};
use side::Side;

/// Which protocol surface to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Surface {
    /// What the SDK is generated from, as `schema/runtime.toml` says
    /// (`experimental_methods`, `experimental_fields`).
    #[default]
    Sdk,
    /// The stable protocol: stable methods and stable types.
    Stable,
    /// The `--experimental` protocol: experimental methods and types.
    Experimental,
}

/// Which bundles one part of a surface comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bundle {
    /// The stable files (`schema/snapshot/*.json`).
    Stable,
    /// The `--experimental` bundles (`schema/snapshot/experimental/`).
    Experimental,
}

/// What the SDK is generated from: the two switches of `schema/runtime.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdkSurface {
    /// The method catalog includes experimental methods.
    pub experimental_methods: bool,
    /// The wire types come from the experimental bundles.
    pub experimental_fields: bool,
}

impl SdkSurface {
    /// As `pin` says.
    pub fn of(pin: &Pin) -> Self {
        Self { experimental_methods: pin.experimental_methods, experimental_fields: pin.experimental_fields }
    }
}

impl Default for SdkSurface {
    /// The project's setting: stable methods, experimental fields.
    fn default() -> Self {
        Self { experimental_methods: false, experimental_fields: true }
    }
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

/// A change's effect on one axis (the wire, or the Rust API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Breaks what worked.
    Breaking,
    /// Adds something; what worked keeps working.
    Additive,
    /// No effect on this axis.
    None,
}

/// Which way the type a change is in travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Only the client sends it (request params, answers to server requests).
    Sent,
    /// Only the client receives it (responses, notifications, server requests).
    Received,
    /// Both.
    Both,
    /// No method of the surface reaches it (still a public type of the SDK).
    Unreached,
}

impl Direction {
    fn merge(self, other: Direction) -> Direction {
        match (self, other) {
            (Direction::Unreached, other) | (other, Direction::Unreached) => other,
            (a, b) if a == b => a,
            _ => Direction::Both,
        }
    }

    fn sends(self) -> bool {
        matches!(self, Direction::Sent | Direction::Both)
    }

    fn receives(self) -> bool {
        matches!(self, Direction::Received | Direction::Both)
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// Breaking (on the wire or in Rust) or additive.
    pub impact: Impact,
    /// What kind of change, e.g. `field added`.
    pub kind: &'static str,
    /// What changed: `ThreadListParams.excludedThreadIds`,
    /// `ThreadItem[imageGeneration].result` (a field of a union variant),
    /// `MessagePhase::partial_answer` (an enum value), `Foo.bar[]`,
    /// `Foo.bar{}` (inside an array's items, a map's values), or a method.
    pub subject: String,
    /// Details, e.g. the old and new types.
    pub detail: String,
    /// Which way the type travels.
    pub direction: Direction,
    /// The effect for an SDK generated from the old schema talking to the
    /// new runtime.
    pub wire: Effect,
    /// The effect on code written against the old SDK, once regenerated.
    pub rust: Effect,
    /// Why, in a few words.
    pub why: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolDiff {
    /// The surface compared.
    pub surface: Surface,
    /// Where the methods came from.
    pub methods_from: Bundle,
    /// Where the types came from.
    pub types_from: Bundle,
    /// Every change, breaking first.
    pub changes: Vec<Change>,
    /// What `templates/api.toml` must review.
    pub review: Vec<String>,
    /// Anything the diff could not fully judge.
    pub notes: Vec<String>,
}

/// The inputs of a diff besides the two snapshots.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions<'a> {
    /// Which surface to compare.
    pub surface: Surface,
    /// What [`Surface::Sdk`] means.
    pub sdk: SdkSurface,
    /// The override table, for its review list.
    pub table: Option<&'a ApiTable>,
    /// The reviewed response types (`templates/response_types.toml`), for
    /// methods whose response type cannot be inferred.
    pub responses: Option<&'a ResponseTypeTable>,
}

/// The tables a workspace's diff reads: the pin, `templates/api.toml`,
/// `templates/response_types.toml`.
#[derive(Debug, Clone)]
pub struct WorkspaceTables {
    /// What the SDK is generated from.
    pub sdk: SdkSurface,
    /// The override table.
    pub table: Option<ApiTable>,
    /// The reviewed response types.
    pub responses: Option<ResponseTypeTable>,
}

impl WorkspaceTables {
    /// Reads them; the templates are optional, the pin is not.
    pub fn load(workspace: &Workspace) -> Result<Self> {
        let pin = Pin::load(&workspace.pin_path()).context("reading the pin, which says what the SDK is generated from")?;
        let templates = workspace.templates_dir();
        let table = ApiTable::load(&templates.join("api.toml")).ok();
        let responses = ResponseTypeTable::load(&templates.join("response_types.toml")).ok();
        Ok(Self { sdk: SdkSurface::of(&pin), table, responses })
    }

    /// Options for a diff of `surface` with these tables.
    pub fn options(&self, surface: Surface) -> DiffOptions<'_> {
        DiffOptions { surface, sdk: self.sdk, table: self.table.as_ref(), responses: self.responses.as_ref() }
    }
}

impl Surface {
    /// Where its methods and types come from.
    pub fn bundles(self, sdk: SdkSurface) -> (Bundle, Bundle) {
        let pick = |experimental: bool| if experimental { Bundle::Experimental } else { Bundle::Stable };
        match self {
            Surface::Sdk => (pick(sdk.experimental_methods), pick(sdk.experimental_fields)),
            Surface::Stable => (Bundle::Stable, Bundle::Stable),
            Surface::Experimental => (Bundle::Experimental, Bundle::Experimental),
        }
    }
}

/// Compares two snapshots.
pub fn diff(old: &Snapshot, new: &Snapshot, options: &DiffOptions<'_>) -> Result<ProtocolDiff> {
    let (methods_from, types_from) = options.surface.bundles(options.sdk);
    let old_side = Side::load(old, methods_from, types_from, options.responses).context("reading the old snapshot")?;
    let new_side = Side::load(new, methods_from, types_from, options.responses).context("reading the new snapshot")?;

    let mut changes = Vec::new();
    for (table, old_methods, new_methods) in [
        (Table::ClientRequests, &old_side.methods.client_requests, &new_side.methods.client_requests),
        (Table::Notifications, &old_side.methods.notifications, &new_side.methods.notifications),
        (Table::ServerRequests, &old_side.methods.server_requests, &new_side.methods.server_requests),
        (Table::ClientNotifications, &old_side.methods.client_notifications, &new_side.methods.client_notifications),
    ] {
        classify::methods(table, old_methods, new_methods, &mut changes);
    }

    let fallbacks = Fallbacks { decisions: old_side.fallbacks.as_ref() };
    let findings = walk::compare_definitions(&old_side.definitions, &new_side.definitions)
        .into_iter()
        .chain(walk::compare_catch_alls(&old_side.raw_definitions, &new_side.raw_definitions));
    for finding in findings {
        let direction = direction_of(&finding.owner, &old_side, &new_side);
        // For the Rust API, a type no typed method reaches is judged by the
        // methods `request_raw` reaches it with (both ways if none).
        let rust_direction = match direction {
            Direction::Unreached => match all_directions_of(&finding.owner, &old_side, &new_side) {
                Direction::Unreached => Direction::Both,
                other => other,
            },
            reached => reached,
        };
        changes.push(classify::finding(finding, direction, rust_direction, &fallbacks));
    }
    changes.sort();
    changes.dedup();

    let mut notes = Vec::new();
    if let Some(error) = &old_side.fallback_error {
        notes.push(format!(
            "the type generator could not run on the old schema ({error}); new values in received enums are marked breaking"
        ));
    }
    let review = options
        .table
        .map(|table| {
            let params = new_side
                .methods
                .client_requests
                .iter()
                .filter_map(|(wire, method)| Some((wire.clone(), method.params.type_name()?.to_owned())))
                .collect();
            review_items(table, &stable_definitions(old), &stable_definitions(new), &params)
        })
        .unwrap_or_default();
    Ok(ProtocolDiff { surface: options.surface, methods_from, types_from: new_side.types_bundle, changes, review, notes })
}

/// Which way each wire definition of `snapshot` travels on `surface`, from
/// the methods that reach it (definitions no method reaches are left out).
/// The response types the reviewed table names count when given.
pub fn directions(
    snapshot: &Snapshot,
    surface: Surface,
    sdk: SdkSurface,
    responses: Option<&ResponseTypeTable>,
) -> Result<BTreeMap<String, Direction>> {
    let (methods_from, types_from) = surface.bundles(sdk);
    Ok(Side::load(snapshot, methods_from, types_from, responses)?.directions)
}

/// The stable definitions as printed, which the override table reviews
/// (as `cargo codegen generate` lists unreviewed fields).
fn stable_definitions(snapshot: &Snapshot) -> Map<String, Value> {
    let mut definitions = snapshot.v2_bundle["definitions"].as_object().cloned().unwrap_or_default();
    if let Some(top) = snapshot.full_bundle["definitions"].as_object() {
        for (name, schema) in top {
            if name != "v2" && !definitions.contains_key(name) {
                definitions.insert(name.clone(), schema.clone());
            }
        }
    }
    definitions
}

/// The same over every method of the snapshots.
fn all_directions_of(owner: &str, old: &Side, new: &Side) -> Direction {
    let get = |side: &Side| side.all_directions.get(owner).copied().unwrap_or(Direction::Unreached);
    get(old).merge(get(new))
}

/// A definition's direction on either side (a type that only one side's
/// methods reach still travels that way for the users of that side).
fn direction_of(owner: &str, old: &Side, new: &Side) -> Direction {
    let get = |side: &Side| side.directions.get(owner).copied().unwrap_or(Direction::Unreached);
    get(old).merge(get(new))
}

/// What the override table must look at: new stable fields of wrapped
/// methods, and exposed or hidden fields whose target changed or went away.
fn review_items(
    table: &ApiTable,
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
        let (before, after) = (old.get(params).map(properties_of).unwrap_or_default(), new.get(params).map(properties_of).unwrap_or_default());
        for field in after.keys().filter(|field| !before.contains_key(*field)) {
            if !entry.expose.contains_key(field) && !entry.hidden.contains_key(field) {
                items.push(format!("{method}: new field `{field}`: expose or hide it"));
            }
        }
        for field in entry.expose.keys().chain(entry.hidden.keys()) {
            match (before.get(field), after.get(field)) {
                // On neither side: a field outside this surface (an
                // experimental field the table exposes on purpose, such as
                // `dynamicTools`); generation checks that it exists.
                (None, None) => {}
                (Some(_), None) => items.push(format!("{method}: `{field}` is gone; remove its entry")),
                (Some(old_type), Some(new_type)) if walk::signature(old_type) != walk::signature(new_type) => items.push(format!(
                    "{method}: `{field}` changed type ({} → {}); check its entry",
                    walk::signature(old_type),
                    walk::signature(new_type)
                )),
                _ => {}
            }
        }
    }
    items
}

fn properties_of(schema: &Value) -> Map<String, Value> {
    schema["properties"].as_object().cloned().unwrap_or_default()
}

impl ProtocolDiff {
    fn counts(&self) -> (usize, usize) {
        let breaking = self.changes.iter().filter(|c| c.impact == Impact::Breaking).count();
        (breaking, self.changes.len() - breaking)
    }

    fn title(&self) -> String {
        let bundle = |bundle: Bundle| match bundle {
            Bundle::Stable => "stable",
            Bundle::Experimental => "experimental",
        };
        format!(
            "{:?} surface: {} methods, {} types",
            self.surface,
            bundle(self.methods_from),
            bundle(self.types_from)
        )
    }

    /// Plain text, for a terminal.
    pub fn to_text(&self) -> String {
        let (breaking, additive) = self.counts();
        let mut out = format!("protocol changes ({}): {breaking} breaking, {additive} additive\n", self.title());
        for change in &self.changes {
            let impact = match change.impact {
                Impact::Breaking => "BREAKING",
                Impact::Additive => "additive",
            };
            let detail = if change.detail.is_empty() { String::new() } else { format!(" ({})", change.detail) };
            let _ = writeln!(
                out,
                "  {impact:<8} {}: {}{detail} [{}; {}]",
                change.kind,
                change.subject,
                direction_name(change.direction),
                change.why
            );
        }
        if !self.review.is_empty() {
            out.push_str("review in templates/api.toml:\n");
            for item in &self.review {
                let _ = writeln!(out, "  {item}");
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }

    /// Markdown, for a pull request description.
    pub fn to_markdown(&self) -> String {
        let (breaking, additive) = self.counts();
        let mut out = format!("### Protocol changes ({})\n\n{breaking} breaking, {additive} additive.\n\n", self.title());
        out.push_str("| impact | change | subject | detail | direction | wire | Rust | why |\n|---|---|---|---|---|---|---|---|\n");
        for change in &self.changes {
            let impact = match change.impact {
                Impact::Breaking => "**breaking**",
                Impact::Additive => "additive",
            };
            let _ = writeln!(
                out,
                "| {impact} | {} | `{}` | {} | {} | {} | {} | {} |",
                change.kind,
                change.subject,
                change.detail.replace('|', "\\|"),
                direction_name(change.direction),
                effect_name(change.wire),
                effect_name(change.rust),
                change.why.replace('|', "\\|")
            );
        }
        if !self.review.is_empty() {
            out.push_str("\n#### Review in `templates/api.toml`\n\n");
            for item in &self.review {
                let _ = writeln!(out, "- {item}");
            }
        }
        if !self.notes.is_empty() {
            out.push_str("\n#### Notes\n\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    /// JSON, for tools.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serialises") + "\n"
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Sent => "sent",
        Direction::Received => "received",
        Direction::Both => "sent and received",
        Direction::Unreached => "no typed method",
    }
}

fn effect_name(effect: Effect) -> &'static str {
    match effect {
        Effect::Breaking => "breaking",
        Effect::Additive => "additive",
        Effect::None => "none",
    }
}
