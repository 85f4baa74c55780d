//! The openai-codex SDK generator, as a library (the `openai-codex-codegen`
//! binary is a thin CLI over it).
//!
//! # The pipeline
//!
//! [`generate::generate`] runs these steps in order, in memory; each step
//! reads only what the steps before it made:
//!
//! 1. read the inputs: [`pin`] (`schema/runtime.toml`), [`snapshot`]
//!    (`schema/snapshot/`), and the reviewed tables under `templates/`
//!    ([`emit_types::WeakAllowlist`], [`emit_types::SecretReview`],
//!    [`catalog::ResponseTypeTable`], [`api_table::ApiTable`]);
//! 2. [`prepass`]: normalise the schema JSON so typify reads it right;
//! 3. [`emit_types`]: the wire types, with typify, then the syn passes over
//!    them (forward-compatible enums, secrets, docs, ...);
//! 4. [`catalog`]: the method catalog (every request and notification, with
//!    its params and response types), and [`emit_catalog`]: its Rust;
//! 5. [`emit_api`]: the typed client methods and the server-request handler;
//! 6. [`api_table`]: the override table checked against the catalog and the
//!    schema, and [`emit_friendly`]: the friendly builders it describes;
//! 7. [`emit_crate`]: the crate's manifest, root and pin; the files of
//!    `templates/sdk/` are copied as they are;
//! 8. [`emit_forwarding`]: the methods written once in a template and
//!    forwarded to the layers that wrap it (the `ClientBuilder` settings on
//!    both `CodexBuilder`s, the `CodexBuilder` settings on the blocking one,
//!    the login handles' methods on the blocking handles);
//! 9. [`split_types`]: the wire types split into modules by protocol area
//!    (`sdk/src/types/*.rs`, re-exported from `types`);
//! 10. prettyplease formats every Rust file; [`output`] writes `sdk/` (or, for
//!     the drift check, compares it).
//!
//! [`wire_index`] is the one typed index of the wire types that steps 4 to 6
//! ask; [`syntax`] holds the syn helpers the emitters share; [`files`] walks
//! folders; [`timings`] times the phases (`--timings`). [`lib.rs`](self) runs generation and the drift check
//! ([`generate_sdk`], [`check_sdk`]).
//!
//! Around the pipeline: [`runtime`] (installing the pinned runtime; it reads
//! [`pin`]), [`schema_update`] (printing a new snapshot) and
//! [`protocol_diff`] (what changed between two snapshots).
//! [`workspace`] knows where the project's folders are.

pub mod api_table;
pub mod catalog;
pub mod emit_api;
pub mod emit_catalog;
pub mod emit_crate;
pub mod emit_forwarding;
pub mod emit_friendly;
pub mod emit_types;
pub mod files;
pub mod generate;
pub mod output;
pub mod pin;
pub mod prepass;
pub mod protocol_diff;
pub mod runtime;
pub mod schema_update;
pub mod snapshot;
pub mod split_types;
pub mod syntax;
pub mod timings;
pub mod wire_index;
pub mod workspace;

use anyhow::Result;

pub use workspace::Workspace;

/// Regenerates `sdk/`; returns how many files changed, and the wire fields
/// the override table has yet to review.
pub fn generate_sdk(workspace: &Workspace) -> Result<(usize, Vec<String>)> {
    let generation = generate::generate(workspace)?;
    let changed = output::write(&workspace.sdk_dir(), &generation.files)?;
    Ok((changed, generation.unreviewed_fields))
}

/// The drift check: `None` when `sdk/` is exactly what the generator makes,
/// else a report of the differences.
pub fn check_sdk(workspace: &Workspace) -> Result<Option<String>> {
    let generation = generate::generate(workspace)?;
    output::drift(&workspace.sdk_dir(), &generation.files)
}
