//! The rules: what each change means on the wire (for an SDK generated from
//! the old schema, talking to the new runtime) and for Rust code written
//! against the old SDK once it is regenerated. See the README's
//! `cargo codegen diff` section for the table in prose.

use std::collections::BTreeMap;

use crate::emit_types::Decision;

use super::side::{MethodInfo, Params};
use super::walk::{Finding, Kind};
use super::{Change, Direction, Effect, Impact};

/// A classified change before it gets its subject.
struct Verdict {
    wire: Effect,
    rust: Effect,
    why: String,
}

fn verdict(wire: Effect, rust: Effect, why: impl Into<String>) -> Verdict {
    Verdict { wire, rust, why: why.into() }
}

fn change(kind: &'static str, subject: String, detail: String, direction: Direction, verdict: Verdict) -> Change {
    let impact = if verdict.wire == Effect::Breaking || verdict.rust == Effect::Breaking {
        Impact::Breaking
    } else {
        Impact::Additive
    };
    Change { impact, kind, subject, detail, direction, wire: verdict.wire, rust: verdict.rust, why: verdict.why }
}

/// What the old SDK's generated enums know about fallbacks.
pub(super) struct Fallbacks<'a> {
    pub decisions: Option<&'a BTreeMap<String, Decision>>,
}

impl Fallbacks<'_> {
    /// `Ok(())` when the old SDK's enum has an `Unknown` fallback, else why
    /// an unknown value fails to decode.
    fn check(&self, enum_name: Option<&str>) -> Result<(), String> {
        let Some(name) = enum_name else {
            return Err("the value is in an inline enum, which may have no `Unknown` fallback".to_owned());
        };
        let Some(decisions) = self.decisions else {
            return Err("the type generator could not run on the old schema to tell whether it has an `Unknown` fallback".to_owned());
        };
        match decisions.get(name) {
            Some(Decision::Fallback(_)) => Ok(()),
            Some(Decision::Without(reason)) => Err(format!("`{name}` has no `Unknown` fallback ({reason})")),
            None => Err(format!("`{name}` is not a generated enum with an `Unknown` fallback")),
        }
    }
}

/// Classifies a difference inside a definition.
///
/// `direction` decides the wire effect; `rust_direction` the Rust one (the
/// same, except for types no typed method reaches: see [`super::diff`]).
pub(super) fn finding(
    finding: Finding,
    direction: Direction,
    rust_direction: Direction,
    fallbacks: &Fallbacks<'_>,
) -> Change {
    use Effect::{Additive, Breaking, None as Neutral};
    let sends = direction.sends();
    let receives = direction.receives();
    let reached = direction != Direction::Unreached;
    let callers_build = rust_direction.sends();
    // A wire effect only where a typed method carries the type.
    let wire = |effect: Effect| if reached { effect } else { Neutral };
    let unreached = |verdict: Verdict| {
        if reached {
            verdict
        } else {
            let rust = match verdict.why.split_once("; Rust ") {
                Some((_, rust)) => format!("Rust {rust}"),
                None => verdict.why,
            };
            Verdict { wire: Neutral, rust: verdict.rust, why: format!("wire none: no typed method carries it; {rust}") }
        }
    };
    let (kind, verdict) = match finding.kind {
        Kind::TypeAdded => ("type added", verdict(wire(Additive), Additive, "a new type")),
        Kind::TypeRemoved => (
            "type removed",
            verdict(Neutral, Breaking, "code naming the type no longer compiles; its uses show as field changes"),
        ),
        Kind::TypeReshaped => (
            "type reshaped",
            verdict(wire(Breaking), Breaking, "the generated type changes kind (e.g. a struct becomes an enum)"),
        ),
        Kind::FieldAdded { required, rust_option, in_variant, container_default } => {
            let wire_effect = if !reached {
                verdict_part(Neutral, "no typed method carries it")
            } else if required && sends {
                verdict_part(Breaking, "the runtime now requires it and older clients do not send it")
            } else if required {
                verdict_part(Additive, "received: older clients ignore it")
            } else {
                verdict_part(Additive, "optional")
            };
            let rust_effect = if !callers_build {
                verdict_part(Additive, "read-only for callers")
            } else if in_variant {
                verdict_part(Breaking, "callers build the variant and must now name the field")
            } else if !container_default || !rust_option {
                verdict_part(Breaking, "the struct has no `Default`, so struct literals must now name the field")
            } else {
                verdict_part(Additive, "struct literals using `..Default::default()` keep compiling")
            };
            ("field added", join(wire(wire_effect.0), wire_effect.1, rust_effect))
        }
        Kind::FieldRemoved { old_rust_option } => {
            let wire_effect = if sends {
                verdict_part(Breaking, "older clients still send it and the runtime ignores it")
            } else if !old_rust_option {
                verdict_part(Breaking, "older SDKs require it and fail to decode without it")
            } else {
                verdict_part(Neutral, "older SDKs see `None`")
            };
            ("field removed", join(wire(wire_effect.0), wire_effect.1, verdict_part(Breaking, "the field is gone from the Rust type")))
        }
        Kind::FieldRetyped { base_changed, nullable, old_rust_option, rust_changed } => {
            let wire_effect = match (base_changed, nullable) {
                (true, _) => verdict_part(Breaking, "the value's type changed"),
                (false, Some(true)) if receives && !old_rust_option => {
                    verdict_part(Breaking, "the runtime may now send null where older SDKs require a value")
                }
                (false, Some(true)) => verdict_part(Additive, "null is now allowed"),
                (false, Some(false)) if sends => verdict_part(Breaking, "older clients may send null, which the runtime now refuses"),
                (false, _) => verdict_part(Neutral, "null is no longer sent"),
            };
            let rust_effect = if rust_changed {
                verdict_part(Breaking, "the Rust field type changes")
            } else {
                verdict_part(Neutral, "the Rust field type stays the same")
            };
            ("field retyped", join(wire(wire_effect.0), wire_effect.1, rust_effect))
        }
        Kind::FieldRequirement { made_required, old_rust_option, rust_changed } => {
            let wire_effect = match (made_required, sends, receives) {
                (true, true, _) => verdict_part(Breaking, "the runtime now requires it and older clients may omit it"),
                (true, false, _) => verdict_part(Neutral, "the runtime now always sends it"),
                (false, _, true) if !old_rust_option => {
                    verdict_part(Breaking, "the runtime may now omit it and older SDKs require it")
                }
                (false, _, _) => verdict_part(Additive, "it may now be left out"),
            };
            let rust_effect = if rust_changed {
                verdict_part(Breaking, if made_required { "the Rust field loses its `Option`" } else { "the Rust field becomes an `Option`" })
            } else {
                verdict_part(Neutral, "the Rust field type stays the same")
            };
            let kind = if made_required { "field made required" } else { "field made optional" };
            (kind, join(wire(wire_effect.0), wire_effect.1, rust_effect))
        }
        Kind::MemberAdded { variant, ref enum_name } => {
            let wire_effect = if receives {
                match fallbacks.check(enum_name.as_deref()) {
                    Ok(()) => verdict_part(Additive, "older SDKs decode it as `Unknown`"),
                    Err(reason) => verdict_part(Breaking, &format!("older SDKs fail to decode it: {reason}")),
                }
            } else {
                verdict_part(Additive, "clients may now send it")
            };
            let kind = if variant { "variant added" } else { "enum value added" };
            (kind, join(wire(wire_effect.0), wire_effect.1, verdict_part(Additive, "a new variant")))
        }
        Kind::MemberRemoved { variant } => {
            let wire_effect = if sends {
                verdict_part(Breaking, "older clients may send it and the runtime refuses it")
            } else {
                verdict_part(Neutral, "the runtime no longer sends it")
            };
            let kind = if variant { "variant removed" } else { "enum value removed" };
            (kind, join(wire(wire_effect.0), wire_effect.1, verdict_part(Breaking, "the variant is gone")))
        }
        Kind::VariantReshaped => (
            "variant reshaped",
            verdict(wire(Breaking), Breaking, "the variant holds a different type"),
        ),
        Kind::CatchAllAdded { ref enum_name } => {
            let wire_effect = if receives {
                match fallbacks.check(Some(enum_name)) {
                    Ok(()) => verdict_part(Additive, "any other value decodes as `Unknown`"),
                    Err(reason) => verdict_part(Breaking, &format!("other values fail to decode: {reason}")),
                }
            } else {
                verdict_part(Additive, "any other value is accepted")
            };
            ("catch-all added", join(wire(wire_effect.0), wire_effect.1, verdict_part(Neutral, "the generator maps it to `Unknown`")))
        }
        Kind::CatchAllRemoved => (
            "catch-all removed",
            verdict(wire(Additive), Neutral, "the set of values is closed; the generated enum keeps `Unknown`"),
        ),
    };
    change(kind, finding.subject, finding.detail, direction, unreached(verdict))
}

fn verdict_part(effect: Effect, why: &str) -> (Effect, String) {
    (effect, why.to_owned())
}

fn join(wire: Effect, wire_why: String, rust: (Effect, String)) -> Verdict {
    let name = |effect: Effect| match effect {
        Effect::Breaking => "breaking",
        Effect::Additive => "additive",
        Effect::None => "none",
    };
    let why = format!("wire {}: {wire_why}; Rust {}: {}", name(wire), name(rust.0), rust.1);
    Verdict { wire, rust: rust.0, why }
}

/// Which table of methods a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    ClientRequests,
    Notifications,
    ServerRequests,
    ClientNotifications,
}

impl Table {
    fn direction(self) -> Direction {
        match self {
            Table::ClientRequests | Table::ServerRequests => Direction::Both,
            Table::Notifications => Direction::Received,
            Table::ClientNotifications => Direction::Sent,
        }
    }
}

/// Compares one table of methods.
pub(super) fn methods(
    table: Table,
    old: &BTreeMap<String, MethodInfo>,
    new: &BTreeMap<String, MethodInfo>,
    changes: &mut Vec<Change>,
) {
    use Effect::{Additive, Breaking, None as Neutral};
    let direction = table.direction();
    for (wire, method) in new {
        let Some(previous) = old.get(wire) else {
            let (kind, why) = match table {
                Table::ClientRequests => ("method added", "a new typed call"),
                Table::Notifications => ("notification added", "older SDKs deliver it as `ServerNotification::Unknown`"),
                Table::ServerRequests => (
                    "server request added",
                    "older SDKs answer it with a JSON-RPC error (-32601); the new SDK's handler gets a method with a default",
                ),
                Table::ClientNotifications => ("client notification added", "a new notification clients may send"),
            };
            changes.push(change(kind, wire.clone(), method.params.to_string(), direction, verdict(Additive, Additive, why)));
            continue;
        };
        if previous.params != method.params {
            let (wire_effect, wire_why) = params_wire_effect(table, &previous.params, &method.params);
            let kind = match table {
                Table::ClientRequests => "method params changed",
                Table::Notifications => "notification params changed",
                Table::ServerRequests => "server request params changed",
                Table::ClientNotifications => "client notification params changed",
            };
            changes.push(change(
                kind,
                wire.clone(),
                format!("{} → {}", previous.params, method.params),
                direction,
                join(wire_effect, wire_why.to_owned(), (Breaking, "the generated signature changes".to_owned())),
            ));
        }
        if previous.response != method.response {
            let show = |response: &Option<String>| response.clone().unwrap_or_else(|| "unknown".to_owned());
            let kind = match table {
                Table::ServerRequests => "server request response changed",
                _ => "method response changed",
            };
            changes.push(change(
                kind,
                wire.clone(),
                format!("{} → {}", show(&previous.response), show(&method.response)),
                direction,
                verdict(Neutral, Breaking, "the generated signature changes; compare the two types' fields"),
            ));
        }
    }
    for (wire, method) in old {
        if !new.contains_key(wire) {
            let (kind, wire_effect, why) = match table {
                Table::ClientRequests => ("method removed", Breaking, "wire: the runtime answers method-not-found; Rust: the call is gone"),
                Table::Notifications => ("notification removed", Neutral, "wire: the runtime no longer sends it; Rust: the variant is gone"),
                Table::ServerRequests => ("server request removed", Neutral, "wire: the runtime no longer asks it; Rust: the handler method is gone"),
                Table::ClientNotifications => ("client notification removed", Breaking, "wire: the runtime no longer expects it; Rust: it is gone"),
            };
            changes.push(change(kind, wire.clone(), method.params.to_string(), direction, verdict(wire_effect, Breaking, why)));
        }
    }
}

/// What changing a method's params does on the wire. Older clients send
/// what the old params allowed; the runtime reads the new ones.
fn params_wire_effect(table: Table, old: &Params, new: &Params) -> (Effect, &'static str) {
    use Effect::{Additive, Breaking, None as Neutral};
    let client_sends = matches!(table, Table::ClientRequests | Table::ClientNotifications);
    match (old, new) {
        (Params::None, Params::Optional(_)) => (Additive, "params may now be given; leaving them out still works"),
        (Params::Required(a), Params::Optional(b)) if a == b => (Additive, "params may now be left out"),
        (Params::Optional(a), Params::Required(b)) if a == b && client_sends => {
            (Breaking, "params are now required and older clients may leave them out")
        }
        (Params::Optional(a), Params::Required(b)) if a == b => (Neutral, "params are now always sent"),
        (Params::None, Params::Required(_)) if client_sends => (Breaking, "params are now required and older clients send none"),
        (_, Params::None) => (Neutral, "params are no longer read"),
        _ => (Breaking, "the params type changed"),
    }
}
