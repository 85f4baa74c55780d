//! Variant docs without schema titles.
//!
//! typify starts a union variant's doc with the alternative's schema title
//! (`ReadOnlySandboxPolicy` on `SandboxPolicy::ReadOnly`,
//! `Thread/startRequest` on `ClientRequest::ThreadStart`): a name internal to
//! the schema that reads as noise in rustdoc. This drops that first
//! paragraph, keeping any description after it. Only text that is exactly a
//! title somewhere in the schema is dropped, so no real description is lost.

use std::collections::BTreeSet;

use serde_json::Value;
use syn::{parse_quote, Attribute, Expr, ExprLit, Item, Lit, Meta};

/// Every `title` string in the schema.
pub(super) fn schema_titles(schema: &Value) -> BTreeSet<String> {
    let mut titles = BTreeSet::new();
    collect_titles(schema, &mut titles);
    titles
}

/// The recursive half of [`schema_titles`].
fn collect_titles(value: &Value, titles: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                match child {
                    Value::String(title) if key == "title" => {
                        titles.insert(title.clone());
                    }
                    _ => collect_titles(child, titles),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_titles(item, titles)),
        _ => {}
    }
}

/// Drops the title paragraph from every enum variant's doc.
pub(super) fn drop_variant_titles(file: &mut syn::File, titles: &BTreeSet<String>) {
    for item in &mut file.items {
        let Item::Enum(item) = item else { continue };
        for variant in &mut item.variants {
            variant.attrs.retain_mut(|attr| strip_title(attr, titles));
        }
    }
}

/// Removes a leading title paragraph from a `#[doc = ".."]` attribute;
/// returns whether the attribute should stay (false when nothing is left).
fn strip_title(attr: &mut Attribute, titles: &BTreeSet<String>) -> bool {
    let Some(text) = doc_text(attr) else {
        return true;
    };
    let (first, rest) = match text.split_once("\n\n") {
        Some((first, rest)) => (first, rest.trim_start()),
        None => (text.as_str(), ""),
    };
    if !titles.contains(first.trim()) {
        return true;
    }
    if rest.is_empty() {
        return false;
    }
    *attr = parse_quote!(#[doc = #rest]);
    true
}

/// The text of a `#[doc = ".."]` attribute.
fn doc_text(attr: &Attribute) -> Option<String> {
    let Meta::NameValue(meta) = &attr.meta else {
        return None;
    };
    if !meta.path.is_ident("doc") {
        return None;
    }
    match &meta.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => Some(text.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_only_titles() {
        let mut file: syn::File = parse_quote! {
            pub enum SandboxPolicy {
                #[doc = "ReadOnlySandboxPolicy"]
                ReadOnly,
                #[doc = "WorkspaceWriteSandboxPolicy\n\nWrites allowed in the workspace."]
                WorkspaceWrite,
                #[doc = "Danger"]
                DangerFullAccess,
            }
        };
        let titles = BTreeSet::from([
            "ReadOnlySandboxPolicy".to_string(),
            "WorkspaceWriteSandboxPolicy".to_string(),
        ]);
        drop_variant_titles(&mut file, &titles);
        let Item::Enum(item) = &file.items[0] else {
            panic!("not an enum")
        };
        let docs: Vec<Option<String>> = item
            .variants
            .iter()
            .map(|variant| variant.attrs.first().and_then(doc_text))
            .collect();
        assert_eq!(
            docs,
            [
                None,
                Some("Writes allowed in the workspace.".to_string()),
                Some("Danger".to_string())
            ]
        );
    }
}
