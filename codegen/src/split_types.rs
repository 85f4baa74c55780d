//! Splits the wire types into modules that follow the protocol's areas
//! (`sdk/src/types/thread.rs`, `turn.rs`, `item.rs`, `mcp.rs`, ...), so no one
//! generated file is too large for editors and tools. `types.rs` re-exports
//! every area (`pub use thread::*;`), so public paths stay `types::Name`.
//!
//! A type goes to the area its name starts with (first match in [`AREAS`],
//! on a word boundary of the PascalCase name); an `impl` goes with its self
//! type; everything else (typify's `error` module, private helpers the
//! passes add, the crate-level attributes) stays in `types.rs`, which every
//! area imports (`use super::*;`). Deterministic: the order of items within
//! each file is the order of the types file.

use std::collections::BTreeMap;

use syn::{Item, Visibility};

/// Name prefix → area module, first match wins (so `ThreadItem` is an item,
/// not a thread).
const AREAS: &[(&str, &str)] = &[
    ("ThreadItem", "item"),
    ("Item", "item"),
    ("Thread", "thread"),
    ("Turn", "turn"),
    ("Account", "account"),
    ("Login", "account"),
    ("Logout", "account"),
    ("Auth", "account"),
    ("Chatgpt", "account"),
    ("RateLimit", "account"),
    ("Config", "config"),
    ("Mcp", "mcp"),
    ("Fs", "fs"),
    ("File", "fs"),
    ("Command", "command"),
    ("Exec", "command"),
    ("Process", "command"),
    ("Model", "model"),
    ("Reasoning", "model"),
    ("Plugin", "plugin"),
    ("Marketplace", "plugin"),
    ("Skill", "skill"),
    ("Skills", "skill"),
    ("App", "app"),
    ("Apps", "app"),
    ("Hook", "hook"),
    ("Review", "review"),
    ("Sandbox", "sandbox"),
    ("Approval", "approval"),
    ("Remote", "remote"),
    ("External", "external"),
];

/// The module for a type named `name`, if it belongs to an area.
fn area_of(name: &str) -> Option<&'static str> {
    AREAS.iter().find_map(|(prefix, area)| {
        let rest = name.strip_prefix(prefix)?;
        rest.chars().next().is_none_or(|next| next.is_ascii_uppercase()).then_some(*area)
    })
}

/// The types file split: the root (`types.rs`) and each area's file, by
/// area name.
pub struct SplitTypes {
    /// `types.rs`: the `mod`/`pub use` lines, and what belongs to no area.
    pub root: syn::File,
    /// `types/<area>.rs`.
    pub areas: BTreeMap<&'static str, syn::File>,
}

/// Splits `file` (see the module docs).
pub fn split(file: syn::File) -> SplitTypes {
    let mut type_areas: BTreeMap<String, &'static str> = BTreeMap::new();
    for item in &file.items {
        let (ident, vis) = match item {
            Item::Struct(item) => (&item.ident, &item.vis),
            Item::Enum(item) => (&item.ident, &item.vis),
            Item::Type(item) => (&item.ident, &item.vis),
            _ => continue,
        };
        if matches!(vis, Visibility::Public(_)) {
            if let Some(area) = area_of(&ident.to_string()) {
                type_areas.insert(ident.to_string(), area);
            }
        }
    }
    // A type of no area by name goes where every type that uses it is (the
    // payloads of `ThreadItem` go with the items); the rest are shared.
    let users = users_of(&file);
    loop {
        let mut changed = false;
        for (name, using) in &users {
            if type_areas.contains_key(name) {
                continue;
            }
            let mut areas = using.iter().map(|user| type_areas.get(user).copied());
            if let Some(Some(first)) = areas.next() {
                if areas.all(|area| area == Some(first)) {
                    type_areas.insert(name.clone(), first);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for item in &file.items {
        if let Item::Struct(syn::ItemStruct { ident, vis: Visibility::Public(_), .. })
        | Item::Enum(syn::ItemEnum { ident, vis: Visibility::Public(_), .. })
        | Item::Type(syn::ItemType { ident, vis: Visibility::Public(_), .. }) = item
        {
            type_areas.entry(ident.to_string()).or_insert("shared");
        }
    }
    let mut root = syn::File { shebang: None, attrs: file.attrs, items: Vec::new() };
    let mut areas: BTreeMap<&'static str, syn::File> = BTreeMap::new();
    // Private helpers the passes add (`{Enum}{Variant}Fields`) go with the
    // type whose name they extend; their impls follow them.
    let mut helper_areas: BTreeMap<String, &'static str> = BTreeMap::new();
    for item in &file.items {
        if let Item::Struct(syn::ItemStruct { ident, vis, .. }) | Item::Enum(syn::ItemEnum { ident, vis, .. }) = item {
            if !matches!(vis, Visibility::Public(_)) {
                let name = ident.to_string();
                let owner = type_areas
                    .iter()
                    .filter(|(owner, _)| name.starts_with(owner.as_str()))
                    .max_by_key(|(owner, _)| owner.len())
                    .map(|(_, area)| *area);
                if let Some(area) = owner {
                    helper_areas.insert(name, area);
                }
            }
        }
    }
    let lowercase: BTreeMap<String, &'static str> =
        type_areas.iter().map(|(name, area)| (name.to_lowercase(), *area)).collect();
    for item in file.items {
        let area = match &item {
            Item::Struct(syn::ItemStruct { ident, vis, .. })
            | Item::Enum(syn::ItemEnum { ident, vis, .. })
            | Item::Type(syn::ItemType { ident, vis, .. }) => {
                let name = ident.to_string();
                match vis {
                    Visibility::Public(_) => type_areas.get(&name).copied(),
                    // A helper the passes add (`{Enum}{Variant}Fields`) goes
                    // with the type whose name it extends.
                    _ => helper_areas.get(&name).copied(),
                }
            }
            // `decode_{enum}_fields` goes with its enum.
            Item::Fn(function) => {
                let name = function.sig.ident.to_string();
                name.strip_prefix("decode_")
                    .and_then(|rest| rest.strip_suffix("_fields"))
                    .and_then(|owner| lowercase.get(owner).copied())
            }
            // An impl goes with its self type, else (`impl From<X> for
            // String`) with the first area type its trait names.
            Item::Impl(item) => {
                let self_area = match item.self_ty.as_ref() {
                    syn::Type::Path(path) => {
                        path.path.segments.last().and_then(|segment| {
                            let name = segment.ident.to_string();
                            type_areas.get(&name).or_else(|| helper_areas.get(&name))
                        })
                    }
                    _ => None,
                };
                self_area.copied().or_else(|| {
                    let (_, trait_path, _) = item.trait_.as_ref()?;
                    let mut named = std::collections::BTreeSet::new();
                    collect_names(trait_path, &mut named);
                    named.iter().find_map(|name| type_areas.get(name).copied())
                })
            }
            _ => None,
        };
        match area {
            Some(area) => areas.entry(area).or_insert_with(|| area_file(area)).items.push(item),
            None => root.items.push(item),
        }
    }
    let modules = areas.keys().map(|area| {
        let module = syn::Ident::new(area, proc_macro2::Span::call_site());
        quote::quote!(mod #module; pub use #module::*;)
    });
    let header: syn::File = syn::parse_quote!(#(#modules)*);
    root.items.splice(0..0, header.items);
    SplitTypes { root, areas }
}

fn area_file(area: &str) -> syn::File {
    let doc = format!(" The wire types of the protocol's `{area}` area (re-exported from [`crate::types`]).");
    syn::parse_quote! {
        #![doc = #doc]

        #[allow(unused_imports)]
        use super::*;
    }
}

/// For each public type, the public types whose definitions name it.
fn users_of(file: &syn::File) -> BTreeMap<String, std::collections::BTreeSet<String>> {
    use syn::visit::Visit;
    struct Names<'a>(&'a mut std::collections::BTreeSet<String>);
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut users: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for item in &file.items {
        let mut named = std::collections::BTreeSet::new();
        let user = match item {
            Item::Struct(item) if matches!(item.vis, Visibility::Public(_)) => {
                Names(&mut named).visit_fields(&item.fields);
                &item.ident
            }
            Item::Enum(item) if matches!(item.vis, Visibility::Public(_)) => {
                for variant in &item.variants {
                    Names(&mut named).visit_fields(&variant.fields);
                }
                &item.ident
            }
            Item::Type(item) if matches!(item.vis, Visibility::Public(_)) => {
                Names(&mut named).visit_type(&item.ty);
                &item.ident
            }
            _ => continue,
        };
        for name in named {
            if *user != name {
                users.entry(name).or_default().insert(user.to_string());
            }
        }
    }
    users
}

fn collect_names(path: &syn::Path, names: &mut std::collections::BTreeSet<String>) {
    use syn::visit::Visit;
    struct Names<'a>(&'a mut std::collections::BTreeSet<String>);
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            syn::visit::visit_path_segment(self, segment);
        }
    }
    Names(names).visit_path(path);
}
