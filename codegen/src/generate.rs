//! `cargo codegen generate`: the whole pipeline, from the snapshot to the
//! files of `sdk/`, in memory.
//!
//! load schema ([`Snapshot`]) → pre-pass ([`prepass`]) → wire types
//! ([`emit_types`]) → method catalog ([`Catalog`], [`emit_catalog`]) → typed
//! API ([`crate::emit_api`]) → crate files ([`emit_crate`]) and templates →
//! [`output`](crate::output).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::catalog::{Catalog, ResponseTypeTable};
use crate::emit_api::{emit_client_methods, emit_handler};
use crate::emit_catalog::emit_catalog;
use crate::emit_forwarding::{emit_forwarding, FORWARDINGS};
use crate::emit_friendly::{emit_blocking_builders, emit_builders};
use crate::api_table::{ApiTable, StableFields};
use crate::emit_crate;
use crate::emit_types::{self, SecretReview, WeakAllowlist};
use crate::pin::Pin;
use crate::prepass;
use crate::snapshot::Snapshot;
use crate::split_types;
use crate::files::{relative_to, slash_path, walk};
use crate::timings::phase;
use crate::wire_index::WireIndex;
use crate::workspace::Workspace;

/// The command that regenerates `sdk/`, named in every file header.
pub const COMMAND: &str = "cargo codegen generate";

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to `sdk/`.
    pub path: PathBuf,
    /// Full contents, header included.
    pub contents: String,
}

/// What a generation run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// Every file of `sdk/`, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Stable wire fields of wrapped methods that `templates/api.toml` neither
    /// exposes nor hides (`method: field`), for review after a bump.
    pub unreviewed_fields: Vec<String>,
}

/// Generates every file of `sdk/` from the workspace's snapshot, pin and templates.
pub fn generate(workspace: &Workspace) -> Result<Generation> {
    let pin = phase("read pin", || Pin::load(&workspace.pin_path()))?;
    let snapshot = phase("read snapshot (JSON)", || Snapshot::load(&workspace.snapshot_dir()))?;
    let templates = workspace.templates_dir();
    let (weak, secrets, response_types, table) = phase("read tables", || -> Result<_> {
        Ok((
            WeakAllowlist::load(&templates.join("weak_types.toml"))?,
            SecretReview::load(&templates.join("secret_fields.toml"))?,
            ResponseTypeTable::load(&templates.join("response_types.toml"))?,
            ApiTable::load(&templates.join("api.toml"))?,
        ))
    })?;

    let schema = phase("pre-pass", || prepass::wire_schema(&snapshot))?;
    let types = emit_types::emit_types(&schema, &weak, &secrets)?;
    // The index and the plans borrow the types; they end before the types
    // are split (moved) into their files.
    let (unreviewed_fields, emitted) = {
        let index = phase("wire index", || WireIndex::of(&types));
        let catalog =
            phase("catalog", || Catalog::from_snapshot(&snapshot, &schema, &response_types, index.type_names()))?;
        let wrapped = phase("api table check", || table.plans(&catalog, &index, &StableFields::new(&snapshot.v2_bundle)))?;
        let unreviewed_fields: Vec<String> = wrapped
            .iter()
            .flat_map(|entry| {
                entry
                    .unreviewed_fields()
                    .into_iter()
                    .map(move |field| format!("{}: {field}", entry.wire))
            })
            .collect();

        let emitted = phase("emit (catalog, api, builders, crate)", || -> Result<_> {
            Ok([
                ("src/lib.rs", emit_crate::lib_rs(&pin)),
                ("src/methods.rs", emit_catalog(&catalog)),
                ("src/client_methods.rs", emit_client_methods(&catalog)?),
                ("src/handler.rs", emit_handler(&catalog)?),
                ("src/runtime/pin.rs", emit_crate::pin_rs(&pin)),
                ("src/api/builders.rs", emit_builders(&wrapped)?),
                ("src/blocking/builders.rs", emit_blocking_builders(&wrapped)?),
            ])
        })?;
        (unreviewed_fields, emitted)
    };
    let header = Header::new(&pin);
    let split = phase("split types", || split_types::split(types));
    let mut files = vec![
        header.toml("Cargo.toml", emit_crate::cargo_toml(&pin)),
        header.rust("src/types.rs", &split.root),
    ];
    files.extend(split.areas.iter().map(|(area, file)| header.rust(&format!("src/types/{area}.rs"), file)));
    files.extend(emitted.iter().map(|(path, file)| header.rust(path, file)));
    files.extend(phase("templates", || template_files(&templates.join("sdk"), &header))?);
    files.extend(phase("forwarding", || forwarding_files(&templates.join("sdk"), &header))?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generation {
        files,
        unreviewed_fields,
    })
}

/// Writes the "generated, do not edit" header on each file.
struct Header {
    version: String,
}

impl Header {
    fn new(pin: &Pin) -> Self {
        Self {
            version: pin.version.clone(),
        }
    }

    fn line(&self, comment: &str, source: Option<&str>) -> String {
        let from = match source {
            Some(template) => format!("codex {} schema and {template}", self.version),
            None => format!("codex {} schema", self.version),
        };
        format!("{comment} @generated by `{COMMAND}` from {from}. Do not edit.\n")
    }

    fn rust(&self, path: &str, file: &syn::File) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: format!("{}\n{}", self.line("//", None), phase("prettyplease", || prettyplease::unparse(file))),
        }
    }

    fn toml(&self, path: &str, text: String) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: format!("{}\n{text}", self.line("#", None)),
        }
    }

    fn template(&self, path: PathBuf, template: &str, text: &str) -> GeneratedFile {
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or_default();
        let header = match extension {
            "rs" => self.line("//", Some(template)),
            // An HTML comment: invisible when the Markdown is rendered.
            "md" => format!("<!--{} -->\n", self.line("", Some(template)).trim_end()),
            _ => self.line("#", Some(template)),
        };
        GeneratedFile {
            contents: format!("{header}\n{text}"),
            path,
        }
    }
}

/// Every file under `templates/sdk/` is copied to the same place in `sdk/`,
/// with the header naming the template to edit instead.
fn template_files(dir: &Path, header: &Header) -> Result<Vec<GeneratedFile>> {
    let mut files = Vec::new();
    for path in walk(dir)? {
        let relative = relative_to(&path, dir)?;
        let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let template = format!("templates/sdk/{}", slash_path(&relative));
        files.push(header.template(relative, &template, &text));
    }
    Ok(files)
}

/// The forwarding modules ([`crate::emit_forwarding`]), one per source
/// template; a template at the same path would be overwritten, so it is an error.
fn forwarding_files(dir: &Path, header: &Header) -> Result<Vec<GeneratedFile>> {
    let mut files = Vec::new();
    for forwarding in FORWARDINGS {
        let source = dir.join(forwarding.source);
        let text = fs::read_to_string(&source).with_context(|| {
            format!(
                "reading templates/sdk/{}, whose methods are forwarded (see codegen/src/emit_forwarding.rs)",
                forwarding.source
            )
        })?;
        let output = forwarding.output();
        if dir.join(&output).exists() {
            bail!("templates/sdk/{output} is generated (the forwarding methods of templates/sdk/{}); delete the template", forwarding.source);
        }
        files.push(header.rust(&output, &emit_forwarding(forwarding, &text)?));
    }
    Ok(files)
}
