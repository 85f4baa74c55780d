//! `openai-codex-codegen` (run it as `cargo codegen`): generates the
//! openai-codex SDK from the pinned Codex runtime's JSON Schema.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use openai_codex_codegen::pin::Pin;
use openai_codex_codegen::api_table::ApiTable;
use openai_codex_codegen::protocol_diff::{self, Surface, WorkspaceTables};
use openai_codex_codegen::schema_update::{self, UpdateOptions};
use openai_codex_codegen::snapshot::Snapshot;
use openai_codex_codegen::{generate, generate_sdk, output, runtime, snapshot, Workspace};

/// Generates the openai-codex Rust SDK (`sdk/`) from the JSON Schema that the
/// pinned Codex runtime prints, and keeps that runtime at hand.
#[derive(Debug, Parser)]
#[command(name = "cargo codegen", version)]
struct Cli {
    /// The project root (default: the workspace this generator was built in).
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate sdk/ from schema/ and templates/ (offline, deterministic).
    Generate {
        /// Print the time of each phase of the run (to stderr).
        #[arg(long)]
        timings: bool,
    },
    /// Exit non-zero, with a diff, if sdk/ differs from what `generate` writes.
    ///
    /// Files in sdk/ that the generator would not write count as drift too.
    Check {
        /// Print the time of each phase of the run (to stderr).
        #[arg(long)]
        timings: bool,
    },
    /// Manage the pinned Codex runtime.
    #[command(subcommand)]
    Runtime(RuntimeCommand),
    /// Manage the schema snapshot.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Report what changed in the protocol between two schema snapshots
    /// (methods and their params and responses, notifications, server
    /// requests, types, fields at any depth, union variants, enum values),
    /// each change classified by direction (sent, received) and by its effect
    /// on the wire and on the generated Rust API, and what templates/api.toml
    /// must review.
    Diff {
        /// The older snapshot folder (default: schema/snapshot as committed, from git HEAD).
        old: Option<PathBuf>,
        /// The newer snapshot folder (default: schema/snapshot in the working tree).
        new: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Which protocol surface to compare (default: what the SDK is
        /// generated from, as schema/runtime.toml says).
        #[arg(long, value_enum, default_value_t = Surface::Sdk)]
        surface: Surface,
    },
}

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Plain text for a terminal.
    Text,
    /// Markdown for a pull request description.
    Markdown,
    /// JSON for tools.
    Json,
}

#[derive(Debug, Subcommand)]
enum RuntimeCommand {
    /// Install the pinned runtime (the wheel with pip, or the npm build with
    /// npm; checksum verified before unpacking: sha256 for a wheel, sha512
    /// integrity for an npm build) and print the path of its `codex` binary.
    /// Does nothing if it is already installed.
    Install {
        /// Install here instead of .runtime/ in the project root.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the newest runtime version on npm and on PyPI beside the pinned
    /// one; exit 1 when either is newer than the pin (for a scheduled CI job).
    Latest,
}

#[derive(Debug, Subcommand)]
enum SchemaCommand {
    /// Print the JSON Schema with the runtime and store it, normalised, in
    /// schema/snapshot/; then regenerate sdk/.
    ///
    /// With --version, look up that version's wheels (pip) and npm builds (npm),
    /// install it, and rewrite schema/runtime.toml. With --codex-bin too, the
    /// given binary (which must report that version) prints the schema.
    Update {
        /// Move to this runtime version (default: the pinned one).
        #[arg(long, value_name = "X")]
        version: Option<String>,
        /// Use this codex binary instead of installing the pinned one (it must
        /// report the target version).
        #[arg(long, value_name = "PATH")]
        codex_bin: Option<PathBuf>,
        /// Write the snapshot into this folder instead (pin and sdk/ are left alone).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let workspace = cli.root.map(Workspace::at).unwrap_or_else(Workspace::this);
    match run(&workspace, cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs `work`, and with `--timings` prints the time of each of its phases.
fn timed<T>(timings: bool, work: impl FnOnce() -> T) -> T {
    if !timings {
        return work();
    }
    let (out, timings) = openai_codex_codegen::timings::record(work);
    eprintln!("{timings}");
    out
}

fn run(workspace: &Workspace, command: Command) -> Result<ExitCode> {
    match command {
        Command::Generate { timings } => {
            let (changed, unreviewed) = timed(timings, || generate_sdk(workspace))?;
            eprintln!("sdk/ regenerated ({changed} files changed)");
            report_unreviewed(&unreviewed);
        }
        Command::Check { timings } => {
            // One generation run serves both the review list and the drift check.
            let (generation, drift) = timed(timings, || -> Result<_> {
                let generation = generate::generate(workspace)?;
                let drift = output::drift(&workspace.sdk_dir(), &generation.files)?;
                Ok((generation, drift))
            })?;
            report_unreviewed(&generation.unreviewed_fields);
            if let Some(report) = drift {
                print!("{report}");
                eprintln!(
                    "sdk/ is not what the generator makes. Change the generator or templates, \
                     not sdk/; then run `{}` and commit the result.",
                    generate::COMMAND
                );
                return Ok(ExitCode::FAILURE);
            }
            eprintln!("sdk/ is up to date");
        }
        Command::Runtime(RuntimeCommand::Install { dir }) => {
            let pin = Pin::load(&workspace.pin_path())?;
            let dir = dir.unwrap_or_else(|| workspace.runtime_dir());
            let installed = runtime::install_pinned(&pin, &dir)?;
            if !installed.freshly_installed {
                eprintln!("codex {} is already installed and verified", pin.version);
            }
            println!("{}", installed.codex.display());
        }
        Command::Runtime(RuntimeCommand::Latest) => return latest_runtime(workspace),
        Command::Diff { old, new, format, surface } => {
            let committed = match &old {
                Some(_) => None,
                None => Some(snapshot::committed(workspace)?),
            };
            let old_dir = old.unwrap_or_else(|| committed.as_ref().expect("extracted above").path().to_owned());
            let new_dir = new.unwrap_or_else(|| workspace.snapshot_dir());
            // The override table must parse: its review list is part of the report.
            ApiTable::load(&workspace.templates_dir().join("api.toml"))?;
            let tables = WorkspaceTables::load(workspace)?;
            let report = protocol_diff::diff(&Snapshot::load(&old_dir)?, &Snapshot::load(&new_dir)?, &tables.options(surface))?;
            let text = match format {
                Format::Text => report.to_text(),
                Format::Markdown => report.to_markdown(),
                Format::Json => report.to_json(),
            };
            print!("{text}");
        }
        Command::Schema(SchemaCommand::Update { version, codex_bin, out }) => {
            let writes_project = out.is_none();
            let previous = Snapshot::load(&workspace.snapshot_dir()).ok();
            let options = UpdateOptions { version, codex_bin, out };
            let report = schema_update::update(workspace, &options)?;
            eprintln!(
                "schema snapshot of codex {} written to {}",
                report.pin.version,
                report.snapshot_dir.display()
            );
            if report.pin_changed {
                eprintln!("schema/runtime.toml now pins {}", report.pin.version);
            }
            if let Some(previous) = previous.filter(|_| writes_project) {
                let current = Snapshot::load(&workspace.snapshot_dir())?;
                let tables = WorkspaceTables::load(workspace)?;
                match protocol_diff::diff(&previous, &current, &tables.options(Surface::Sdk)) {
                    Ok(changes) => print!("{}", changes.to_text()),
                    // The snapshot is written; the report is a convenience.
                    Err(error) => eprintln!("warning: no protocol diff: {error:#}"),
                }
            }
            if writes_project {
                let (changed, unreviewed) = generate_sdk(workspace)?;
                eprintln!("sdk/ regenerated ({changed} files changed)");
                report_unreviewed(&unreviewed);
                if report.pin_changed {
                    refresh_lock_file(workspace);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Lists the wire fields of wrapped methods that templates/api.toml has not
/// reviewed: after a runtime bump, each needs an `expose` or `hidden` entry.
fn report_unreviewed(fields: &[String]) {
    if fields.is_empty() {
        return;
    }
    eprintln!("review: wire fields that templates/api.toml neither exposes nor hides:");
    for field in fields {
        eprintln!("  {field}");
    }
}

/// `runtime latest`: the newest version on each registry against the pin.
fn latest_runtime(workspace: &Workspace) -> Result<ExitCode> {
    let pin = Pin::load(&workspace.pin_path())?;
    println!("pinned: {}", pin.version);
    let mut newer = false;
    let registries = [
        ("npm", &pin.npm_package, runtime::latest_on_npm(&pin.npm_package)),
        ("PyPI", &pin.package, runtime::latest_on_pypi(&pin.package)),
    ];
    let mut answered = 0;
    for (registry, package, latest) in registries {
        match latest {
            Ok(latest) => {
                answered += 1;
                let is_newer = runtime::version_cmp(&latest, &pin.version).is_gt();
                newer |= is_newer;
                let note = if is_newer { " (newer than the pin)" } else { "" };
                println!("{registry} {package}: {latest}{note}");
            }
            Err(error) => println!("{registry} {package}: could not be asked: {error:#}"),
        }
    }
    if answered == 0 {
        anyhow::bail!("neither registry answered");
    }
    if newer {
        eprintln!("a newer runtime is published: bump with `cargo codegen schema update --version X`");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Records the SDK's new version in `Cargo.lock` (the crate version is the
/// runtime's), so `cargo test --locked` works right after a bump. Only the
/// workspace's own entries change; nothing is fetched.
fn refresh_lock_file(workspace: &Workspace) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["update", "--offline", "--workspace", "--quiet"])
        .current_dir(workspace.root())
        .status();
    match status {
        Ok(status) if status.success() => eprintln!("Cargo.lock records the SDK's new version"),
        _ => eprintln!("warning: could not update Cargo.lock; run `cargo update --offline --workspace`"),
    }
}
