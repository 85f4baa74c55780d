//! Weak types: places where the generated types keep raw JSON
//! (`serde_json::Value` or `Map<String, Value>`).
//!
//! Some are right (an MCP tool's `inputSchema` is any JSON Schema), but a new
//! one after a runtime bump usually means the schema changed shape and a
//! typed field silently became untyped. So every weak spot must be named in a
//! reviewed allow-list (`templates/weak_types.toml`), and generation fails on
//! any spot the list lacks and on any entry that no longer matches.
//!
//! A spot is keyed by where it sits, with wire (JSON) field names:
//! `Type.field` (a struct field), `Type::Variant.field` (a field of an enum
//! variant), `Type::Variant` (a tuple variant), `Type` (a newtype struct).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use syn::visit_mut::VisitMut;
use syn::{Field, Fields, Item};

use crate::syntax::field_wire_name as wire_name;

/// The reviewed allow-list of weak spots, parsed from
/// `templates/weak_types.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeakAllowlist {
    /// Spot key → why the value there is free-form JSON.
    entries: BTreeMap<String, String>,
}

/// The file format: one `[allow]` table of `"key" = "reason"`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowlistFile {
    allow: BTreeMap<String, String>,
}

impl WeakAllowlist {
    /// Reads and parses the allow-list at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the weak-type allow-list {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses an allow-list; every entry must give a reason.
    pub fn parse(text: &str) -> Result<Self> {
        let file: AllowlistFile =
            toml::from_str(text).context("parsing the weak-type allow-list")?;
        let unexplained: Vec<&str> = file
            .allow
            .iter()
            .filter(|(_, reason)| reason.trim().is_empty())
            .map(|(key, _)| key.as_str())
            .collect();
        if !unexplained.is_empty() {
            bail!(
                "allow-list entries without a reason: {}",
                unexplained.join(", ")
            );
        }
        Ok(Self {
            entries: file.allow,
        })
    }

    /// The allowed spots with their reasons, sorted by key.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(key, reason)| (key.as_str(), reason.as_str()))
    }

    /// Fails, listing every spot the allow-list lacks and every entry that
    /// matches no spot (a stale entry would hide the next real weak spot).
    pub fn check(&self, spots: &BTreeSet<String>) -> Result<()> {
        let unlisted: Vec<&String> = spots
            .iter()
            .filter(|spot| !self.entries.contains_key(*spot))
            .collect();
        let stale: Vec<&String> = self
            .entries
            .keys()
            .filter(|key| !spots.contains(*key))
            .collect();
        if unlisted.is_empty() && stale.is_empty() {
            return Ok(());
        }
        let mut message =
            String::from("the weak-type allow-list (templates/weak_types.toml) is out of date");
        if !unlisted.is_empty() {
            message.push_str(
                "\nraw JSON where the list allows none (type it in the schema or pre-pass, \
                 or add a reviewed entry):",
            );
            for spot in unlisted {
                let _ = write!(message, "\n  {spot}");
            }
        }
        if !stale.is_empty() {
            message.push_str("\nentries that match nothing any more (remove them):");
            for key in stale {
                let _ = write!(message, "\n  {key}");
            }
        }
        bail!(message)
    }
}

/// Every weak spot in a generated file (see the module docs for the keys).
pub fn weak_spots(file: &syn::File) -> BTreeSet<String> {
    let mut spots = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Struct(item) => collect_spots(&item.ident.to_string(), &item.fields, &mut spots),
            Item::Enum(item) => {
                for variant in &item.variants {
                    let owner = format!("{}::{}", item.ident, variant.ident);
                    collect_spots(&owner, &variant.fields, &mut spots);
                }
            }
            _ => {}
        }
    }
    spots
}

/// Adds the weak spots among one struct's or variant's fields.
fn collect_spots(owner: &str, fields: &Fields, spots: &mut BTreeSet<String>) {
    match fields {
        Fields::Named(named) => {
            for field in named.named.iter().filter(|field| is_weak(field)) {
                spots.insert(format!("{owner}.{}", wire_name(field)));
            }
        }
        Fields::Unnamed(unnamed) => {
            if unnamed.unnamed.iter().any(is_weak) {
                spots.insert(owner.to_string());
            }
        }
        Fields::Unit => {}
    }
}

/// Whether a field's type mentions `serde_json::Value` or `serde_json::Map`
/// anywhere (`Option<Vec<Value>>` included).
fn is_weak(field: &Field) -> bool {
    let mut finder = RawJsonFinder::default();
    // syn's read-only visitor is not among the enabled features; walking a
    // copy with the mutable one is just as good.
    finder.visit_type_mut(&mut field.ty.clone());
    finder.found
}

/// Looks for `serde_json::Value` / `serde_json::Map` paths in a type.
#[derive(Default)]
struct RawJsonFinder {
    found: bool,
}

impl VisitMut for RawJsonFinder {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let idents: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.found |= idents
            .windows(2)
            .any(|pair| pair[0] == "serde_json" && (pair[1] == "Value" || pair[1] == "Map"));
        syn::visit_mut::visit_path_mut(self, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_weak_fields_by_wire_name() {
        let file: syn::File = syn::parse_quote! {
            pub struct Tool {
                #[serde(rename = "inputSchema")]
                pub input_schema: ::serde_json::Value,
                pub name: ::std::string::String,
                pub meta: ::std::option::Option<::std::vec::Vec<::serde_json::Value>>,
            }
            pub struct Empty(pub ::serde_json::Map<::std::string::String, ::serde_json::Value>);
            pub enum Item {
                Call { #[serde(default, rename = "args")] arguments: ::serde_json::Value },
                Raw(::serde_json::Value),
                Text(::std::string::String),
            }
        };
        let spots: Vec<String> = weak_spots(&file).into_iter().collect();
        assert_eq!(
            spots,
            [
                "Empty",
                "Item::Call.args",
                "Item::Raw",
                "Tool.inputSchema",
                "Tool.meta"
            ]
        );
    }

    #[test]
    fn check_reports_unlisted_and_stale() {
        let list =
            WeakAllowlist::parse("[allow]\n\"A.x\" = \"free-form\"\n\"B.y\" = \"gone\"\n").unwrap();
        let spots = BTreeSet::from(["A.x".to_string(), "C.z".to_string()]);
        let error = list.check(&spots).unwrap_err().to_string();
        assert!(error.contains("C.z"), "{error}");
        assert!(error.contains("B.y"), "{error}");
        assert!(!error.contains("A.x"), "{error}");
    }

    #[test]
    fn entries_need_a_reason() {
        assert!(WeakAllowlist::parse("[allow]\n\"A.x\" = \" \"\n").is_err());
    }
}
