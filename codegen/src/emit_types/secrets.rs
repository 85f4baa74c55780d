//! Secrets: wire fields that hold API keys, tokens, passwords and the like
//! must never show in `Debug` output (logs, panics, `{:?}` in user code).
//!
//! Every field whose wire name looks secret-bearing is a *spot*; a reviewed
//! list (`templates/secret_fields.toml`) says of each spot whether it is a
//! secret (`[secret]`) or only looks like one (`[not_secret]`: `inputTokens`
//! counts tokens). Generation fails on a spot the list does not cover and on
//! an entry that covers nothing, so a runtime bump that adds a secret field
//! cannot slip through with a printing `Debug`. Types with a secret field get
//! a hand-shaped `Debug` that prints `<redacted>` in its place.
//!
//! Keys use the weak-type key shape with wire names (`Type.field`,
//! `Type::Variant.field`); `*.field` covers the field in every type.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;
use syn::{parse_quote, Fields, Item};

use crate::syntax::{field_wire_name as wire_name, is_option, remove_derives};

/// Fragments of a wire name (lowercase, letters and digits only) that make
/// a field worth a review.
const SECRET_LOOKING: &[&str] = &[
    "apikey",
    "authoriz",
    "bearer",
    "cookie",
    "credential",
    "passw",
    "privatekey",
    "secret",
    "token",
];

/// The name of the stand-in type emitted into the types file.
const PLACEHOLDER: &str = "RedactedSecret";

/// The reviewed list, parsed from `templates/secret_fields.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretReview {
    secret: BTreeMap<String, String>,
    not_secret: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReviewFile {
    #[serde(default)]
    secret: BTreeMap<String, String>,
    #[serde(default)]
    not_secret: BTreeMap<String, String>,
}

/// Whether a wire field name looks like it may hold a secret.
pub fn looks_secret(wire_name: &str) -> bool {
    let name: String = wire_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SECRET_LOOKING.iter().any(|fragment| name.contains(fragment))
}

impl SecretReview {
    /// Reads and parses the list at `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the secret-field review {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// Parses a list; every entry must give a reason, and no key may be in
    /// both tables.
    pub fn parse(text: &str) -> Result<Self> {
        let file: ReviewFile = toml::from_str(text).context("parsing the secret-field review")?;
        let unexplained: Vec<&str> = file
            .secret
            .iter()
            .chain(&file.not_secret)
            .filter(|(_, reason)| reason.trim().is_empty())
            .map(|(key, _)| key.as_str())
            .collect();
        if !unexplained.is_empty() {
            bail!("entries without a reason: {}", unexplained.join(", "));
        }
        let both: Vec<&str> = file
            .secret
            .keys()
            .filter(|key| file.not_secret.contains_key(*key))
            .map(String::as_str)
            .collect();
        if !both.is_empty() {
            bail!("entries both secret and not secret: {}", both.join(", "));
        }
        Ok(Self {
            secret: file.secret,
            not_secret: file.not_secret,
        })
    }

    /// The entry of one table that covers `spot`: its exact key, else the
    /// `*.field` key.
    fn covering<'a>(table: &'a BTreeMap<String, String>, spot: &str) -> Option<&'a str> {
        let field = spot.rsplit('.').next().unwrap_or(spot);
        let wildcard = format!("*.{field}");
        table
            .get_key_value(spot)
            .or_else(|| table.get_key_value(&wildcard))
            .map(|(key, _)| key.as_str())
    }

    /// Whether the list says `spot` holds a secret.
    pub fn is_secret(&self, spot: &str) -> bool {
        Self::covering(&self.secret, spot).is_some()
    }

    /// Fails, listing every spot the list does not cover and every entry
    /// that covers no spot.
    pub fn check(&self, spots: &BTreeSet<String>) -> Result<()> {
        let mut used = BTreeSet::new();
        let mut unreviewed = Vec::new();
        for spot in spots {
            let covered = [&self.secret, &self.not_secret]
                .into_iter()
                .filter_map(|table| Self::covering(table, spot))
                .collect::<Vec<_>>();
            if covered.is_empty() {
                unreviewed.push(spot.as_str());
            }
            used.extend(covered);
        }
        let stale: Vec<&str> = self
            .secret
            .keys()
            .chain(self.not_secret.keys())
            .map(String::as_str)
            .filter(|key| !used.contains(key))
            .collect();
        if unreviewed.is_empty() && stale.is_empty() {
            return Ok(());
        }
        let mut message = String::from(
            "the secret-field review (templates/secret_fields.toml) is out of date",
        );
        if !unreviewed.is_empty() {
            message.push_str(
                "\nfields whose names look secret-bearing and that the review does not cover \
                 (add each under [secret] or [not_secret], with a reason):",
            );
            for spot in unreviewed {
                let _ = write!(message, "\n  {spot}");
            }
        }
        if !stale.is_empty() {
            message.push_str("\nentries that match no field any more (remove them):");
            for key in stale {
                let _ = write!(message, "\n  {key}");
            }
        }
        bail!(message)
    }
}

/// Every secret-looking field of a generated file, as a review key.
pub fn secret_spots(file: &syn::File) -> BTreeSet<String> {
    let mut spots = BTreeSet::new();
    for (owner, fields) in owners(file) {
        if let Fields::Named(named) = fields {
            for field in &named.named {
                let name = wire_name(field);
                if looks_secret(&name) {
                    spots.insert(format!("{owner}.{name}"));
                }
            }
        }
    }
    spots
}

/// The spots the review must cover: every secret-looking field, and every
/// field an exact `[secret]` key names although its name does not look
/// secret-bearing (e.g. `CommandExecParams.env`, whose values may be
/// credentials).
pub fn reviewed_spots(file: &syn::File, review: &SecretReview) -> BTreeSet<String> {
    let mut spots = secret_spots(file);
    for (owner, fields) in owners(file) {
        if let Fields::Named(named) = fields {
            for field in &named.named {
                let spot = format!("{owner}.{}", wire_name(field));
                if review.secret.contains_key(&spot) {
                    spots.insert(spot);
                }
            }
        }
    }
    spots
}

/// Each struct and enum variant with its fields, keyed as in the review.
fn owners(file: &syn::File) -> Vec<(String, &Fields)> {
    let mut owners = Vec::new();
    for item in &file.items {
        match item {
            Item::Struct(item) => owners.push((item.ident.to_string(), &item.fields)),
            Item::Enum(item) => {
                for variant in &item.variants {
                    owners.push((format!("{}::{}", item.ident, variant.ident), &variant.fields));
                }
            }
            _ => {}
        }
    }
    owners
}

/// Gives every type with a secret field a `Debug` that redacts it (and
/// takes `Debug` out of its derive), and adds the stand-in type they print.
pub fn redact_debug(file: &mut syn::File, review: &SecretReview) {
    let mut impls: Vec<Item> = Vec::new();
    for item in &mut file.items {
        let redacting = match item {
            Item::Struct(item) => {
                let owner = item.ident.to_string();
                has_secret(&owner, &item.fields, review).then(|| {
                    remove_derives(&mut item.attrs, &["Debug"]);
                    struct_debug(&item.ident, &item.fields, review)
                })
            }
            Item::Enum(item) => {
                let any = item.variants.iter().any(|variant| {
                    has_secret(&format!("{}::{}", item.ident, variant.ident), &variant.fields, review)
                });
                any.then(|| {
                    remove_derives(&mut item.attrs, &["Debug"]);
                    enum_debug(item, review)
                })
            }
            _ => None,
        };
        impls.extend(redacting.map(|tokens| parse_quote!(#tokens)));
    }
    if impls.is_empty() {
        return;
    }
    let placeholder = format_ident!("{PLACEHOLDER}");
    file.items.push(parse_quote! {
        /// What `Debug` prints in place of a secret (an API key, a token, ...).
        struct #placeholder;
    });
    file.items.push(parse_quote! {
        impl ::std::fmt::Debug for #placeholder {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("<redacted>")
            }
        }
    });
    file.items.extend(impls);
}

fn has_secret(owner: &str, fields: &Fields, review: &SecretReview) -> bool {
    match fields {
        Fields::Named(named) => named
            .named
            .iter()
            .any(|field| review.is_secret(&format!("{owner}.{}", wire_name(field)))),
        _ => false,
    }
}

/// The expression `Debug` prints for one field, bound by reference as
/// `binding`.
fn shown(owner: &str, field: &syn::Field, binding: &syn::Ident, review: &SecretReview) -> TokenStream {
    if !review.is_secret(&format!("{owner}.{}", wire_name(field))) {
        return quote!(#binding);
    }
    let placeholder = format_ident!("{PLACEHOLDER}");
    if is_option(&field.ty) {
        // `None` says something without giving anything away.
        quote!(&#binding.as_ref().map(|_| #placeholder))
    } else {
        quote!(&#placeholder)
    }
}

/// `.field(..)` calls for named fields, each bound by reference under its
/// own name.
fn field_entries<'a>(owner: &'a str, fields: &'a syn::FieldsNamed, review: &'a SecretReview) -> impl Iterator<Item = TokenStream> + 'a {
    fields.named.iter().filter_map(move |field| {
        let binding = field.ident.as_ref()?;
        let label = binding.to_string().trim_start_matches("r#").to_string();
        let value = shown(owner, field, binding, review);
        Some(quote!(.field(#label, #value)))
    })
}

/// The pattern that binds each named field by reference; a secret that
/// `Debug` never reads is matched as `_`.
fn field_bindings<'a>(owner: &'a str, fields: &'a syn::FieldsNamed, review: &'a SecretReview) -> impl Iterator<Item = TokenStream> + 'a {
    fields.named.iter().filter_map(move |field| {
        let name = field.ident.as_ref()?;
        let unread = review.is_secret(&format!("{owner}.{}", wire_name(field))) && !is_option(&field.ty);
        Some(if unread { quote!(#name: _) } else { quote!(#name) })
    })
}

fn struct_debug(ident: &syn::Ident, fields: &Fields, review: &SecretReview) -> TokenStream {
    let owner = ident.to_string();
    let (bindings, entries): (Vec<_>, Vec<_>) = match fields {
        Fields::Named(named) => (field_bindings(&owner, named, review).collect(), field_entries(&owner, named, review).collect()),
        _ => (Vec::new(), Vec::new()),
    };
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let Self { #(#bindings),* } = self;
                f.debug_struct(#owner) #(#entries)* .finish()
            }
        }
    }
}

fn enum_debug(item: &syn::ItemEnum, review: &SecretReview) -> TokenStream {
    let ident = &item.ident;
    let arms = item.variants.iter().map(|variant| {
        let name = &variant.ident;
        let label = name.to_string();
        let owner = format!("{ident}::{name}");
        match &variant.fields {
            Fields::Named(named) => {
                let bindings = field_bindings(&owner, named, review);
                let entries: Vec<_> = field_entries(&owner, named, review).collect();
                quote!(Self::#name { #(#bindings),* } => f.debug_struct(#label) #(#entries)* .finish())
            }
            Fields::Unnamed(unnamed) => {
                let bindings: Vec<_> = (0..unnamed.unnamed.len()).map(|n| format_ident!("field{n}")).collect();
                quote!(Self::#name(#(#bindings),*) => f.debug_tuple(#label) #(.field(#bindings))* .finish())
            }
            Fields::Unit => quote!(Self::#name => f.write_str(#label)),
        }
    });
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self { #(#arms,)* }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> syn::File {
        parse_quote! {
            #[derive(Clone, Debug, PartialEq)]
            pub struct Login {
                #[serde(rename = "apiKey")]
                pub api_key: ::std::string::String,
                #[serde(rename = "refreshToken")]
                pub refresh_token: ::std::option::Option<::std::string::String>,
                #[serde(rename = "inputTokens")]
                pub input_tokens: i64,
            }
            #[derive(Clone, Debug)]
            pub enum Auth {
                Key { #[serde(rename = "apiKey")] api_key: ::std::string::String, region: ::std::string::String },
                Device,
                Unknown(::std::string::String),
            }
        }
    }

    #[test]
    fn spots_are_secret_looking_wire_names() {
        let spots: Vec<String> = secret_spots(&sample()).into_iter().collect();
        assert_eq!(spots, ["Auth::Key.apiKey", "Login.apiKey", "Login.inputTokens", "Login.refreshToken"]);
    }

    #[test]
    fn an_exact_secret_key_may_name_a_field_that_does_not_look_secret() {
        let review = SecretReview::parse(
            "[secret]\n\"*.apiKey\" = \"API key\"\n\"Login.refreshToken\" = \"token\"\n\"Auth::Key.region\" = \"say it is\"\n\
             [not_secret]\n\"*.inputTokens\" = \"a count\"\n",
        )
        .unwrap();
        let spots = reviewed_spots(&sample(), &review);
        assert!(spots.contains("Auth::Key.region"), "{spots:?}");
        review.check(&spots).unwrap();
        assert!(review.is_secret("Auth::Key.region"));
        // Not a wildcard: `*.region` naming no secret-looking spot stays stale.
        let wildcard = SecretReview::parse("[secret]\n\"*.region\" = \"no\"\n").unwrap();
        assert!(!reviewed_spots(&sample(), &wildcard).contains("Auth::Key.region"));
    }

    #[test]
    fn the_review_must_cover_every_spot_and_nothing_else() {
        let review = SecretReview::parse(
            "[secret]\n\"*.apiKey\" = \"API key\"\n\"Login.refreshToken\" = \"token\"\n\
             [not_secret]\n\"*.inputTokens\" = \"a count\"\n",
        )
        .unwrap();
        review.check(&secret_spots(&sample())).unwrap();

        let partial = SecretReview::parse("[secret]\n\"*.apiKey\" = \"API key\"\n\"Gone.token\" = \"old\"\n").unwrap();
        let error = partial.check(&secret_spots(&sample())).unwrap_err().to_string();
        assert!(error.contains("Login.refreshToken") && error.contains("Login.inputTokens"), "{error}");
        assert!(error.contains("Gone.token"), "{error}");
        assert!(SecretReview::parse("[secret]\n\"A.x\" = \"\"\n").is_err());
        assert!(SecretReview::parse("[secret]\n\"A.x\" = \"k\"\n[not_secret]\n\"A.x\" = \"n\"\n").is_err());
    }

    #[test]
    fn secret_fields_get_a_redacting_debug() {
        let review = SecretReview::parse(
            "[secret]\n\"*.apiKey\" = \"API key\"\n\"Login.refreshToken\" = \"token\"\n",
        )
        .unwrap();
        let mut file = sample();
        redact_debug(&mut file, &review);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("#[derive(Clone, PartialEq)]\npub struct Login"), "{text}");
        assert!(text.contains(".field(\"api_key\", &RedactedSecret)"), "{text}");
        assert!(text.contains(".field(\"refresh_token\", &refresh_token.as_ref().map(|_| RedactedSecret))"), "{text}");
        assert!(text.contains(".field(\"input_tokens\", input_tokens)"), "{text}");
        assert!(text.contains("Self::Unknown(field0) => f.debug_tuple(\"Unknown\").field(field0).finish()"), "{text}");
        assert!(text.contains("Self::Device => f.write_str(\"Device\")"), "{text}");
    }
}
