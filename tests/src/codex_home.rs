//! Temporary `CODEX_HOME` folders that point the runtime at a
//! [`MockModel`](crate::mock_model::MockModel), and the path of the pinned
//! runtime binary.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use openai_codex_tests::codex_home::CodexHome;
//! use openai_codex_tests::mock_model::MockModel;
//!
//! let mock = MockModel::start().await?;
//! let home = CodexHome::builder(&mock.url())
//!     .approval_policy("on-request")
//!     .build()?;
//! let child = home.app_server_command().spawn()?;
//! # drop(child); Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tempfile::TempDir;

/// Environment variables that could make the runtime reach a real service or
/// read the user's setup; [`CodexHome::app_server_command`] removes them.
pub const SCRUBBED_ENV: &[&str] = &[
    "OPENAI_API_KEY",
    "CODEX_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORGANIZATION",
    "OPENAI_PROJECT",
    "CODEX_SANDBOX",
    "CODEX_SANDBOX_NETWORK_DISABLED",
];

/// A temporary `CODEX_HOME` with a `config.toml` whose model provider is the
/// mock. The folder is deleted on drop.
#[derive(Debug)]
pub struct CodexHome {
    dir: TempDir,
}

impl CodexHome {
    /// A home for a mock at `model_url` (as [`MockModel::url`] gives it,
    /// ending in `/v1`), with no extra configuration.
    ///
    /// [`MockModel::url`]: crate::mock_model::MockModel::url
    pub fn new(model_url: &str) -> std::io::Result<Self> {
        Self::builder(model_url).build()
    }

    /// Starts configuring a home for a mock at `model_url`.
    pub fn builder(model_url: &str) -> CodexHomeBuilder {
        CodexHomeBuilder {
            model_url: model_url.to_owned(),
            top_level: Vec::new(),
            extra: Vec::new(),
            features: BTreeMap::new(),
            provider: Vec::new(),
            hermetic: true,
        }
    }

    /// The folder to pass as `CODEX_HOME`.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The `config.toml` inside the home.
    pub fn config_path(&self) -> PathBuf {
        self.path().join("config.toml")
    }

    /// `codex app-server` (the [`runtime_bin`]) with `CODEX_HOME` set to this
    /// home, credentials and base-URL variables removed, stdin/stdout piped,
    /// stderr discarded, and `kill_on_drop` set. Callers should still kill
    /// and wait for the child when done.
    pub fn app_server_command(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(runtime_bin());
        command
            .arg("app-server")
            .env("CODEX_HOME", self.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true);
        for name in SCRUBBED_ENV {
            command.env_remove(name);
        }
        command
    }
}

/// Options for a [`CodexHome`]'s `config.toml`.
///
/// By default the home is *hermetic*: besides the model provider, it points
/// `chatgpt_base_url` at the mock too (so ChatGPT-backend calls, such as the
/// featured-plugins lookup, land there as 404s, see
/// [`MockModel::other_requests`](crate::mock_model::MockModel::other_requests))
/// and turns off the `plugins` feature (whose startup sync clones from
/// github.com). Then the runtime contacts nothing but `127.0.0.1`.
#[derive(Debug, Clone)]
pub struct CodexHomeBuilder {
    model_url: String,
    top_level: Vec<String>,
    extra: Vec<String>,
    features: BTreeMap<String, bool>,
    provider: Vec<String>,
    hermetic: bool,
}

impl CodexHomeBuilder {
    /// The default `sandbox_mode`: `"read-only"`, `"workspace-write"` or
    /// `"danger-full-access"`.
    pub fn sandbox_mode(self, mode: &str) -> Self {
        self.top_level_key("sandbox_mode", mode)
    }

    /// The default `approval_policy`: `"untrusted"`, `"on-request"` or
    /// `"never"`.
    pub fn approval_policy(self, policy: &str) -> Self {
        self.top_level_key("approval_policy", policy)
    }

    /// Sets `[features] <name> = <enabled>` (overrides the hermetic
    /// defaults).
    pub fn feature(mut self, name: &str, enabled: bool) -> Self {
        self.features.insert(name.to_owned(), enabled);
        self
    }

    /// Whether to keep the runtime away from every service but the mock
    /// (default true; see the type's docs).
    pub fn hermetic(mut self, hermetic: bool) -> Self {
        self.hermetic = hermetic;
        self
    }

    /// Adds raw TOML lines. They go after the top-level keys and before the
    /// `[features]` and `[model_providers.mock]` tables, so they may set
    /// top-level keys or open tables of their own (but not `[features]`: use
    /// [`CodexHomeBuilder::feature`]).
    pub fn extra_config(mut self, toml: impl Into<String>) -> Self {
        self.extra.push(toml.into());
        self
    }

    fn top_level_key(mut self, key: &str, value: &str) -> Self {
        self.top_level
            .push(format!("{key} = {}", toml_string(value)));
        self
    }

    /// Adds a raw TOML line (`key = value`) to the mock's
    /// `[model_providers.mock]` table, e.g. `requires_openai_auth = true`.
    pub fn provider_setting(mut self, line: impl Into<String>) -> Self {
        self.provider.push(line.into());
        self
    }

    /// The `config.toml` text this builder writes.
    pub fn config_toml(&self) -> String {
        let mut toml = String::new();
        toml.push_str("model = \"mock-model\"\nmodel_provider = \"mock\"\n");
        if self.hermetic {
            let chatgpt = format!("{}/chatgpt/", self.model_url);
            let _ = writeln!(toml, "chatgpt_base_url = {}", toml_string(&chatgpt));
        }
        for line in self.top_level.iter().chain(&self.extra) {
            let _ = writeln!(toml, "{line}");
        }
        let features = self.features();
        if !features.is_empty() {
            toml.push_str("\n[features]\n");
            for (name, enabled) in features {
                let _ = writeln!(toml, "{name} = {enabled}");
            }
        }
        let _ = write!(
            toml,
            "\n[model_providers.mock]\n\
             name = \"mock\"\n\
             base_url = {}\n\
             wire_api = \"responses\"\n\
             request_max_retries = 0\n\
             stream_max_retries = 0\n",
            toml_string(&self.model_url),
        );
        for line in &self.provider {
            let _ = writeln!(toml, "{line}");
        }
        toml
    }

    /// The hermetic defaults, then the explicit settings.
    fn features(&self) -> BTreeMap<String, bool> {
        let mut features = BTreeMap::new();
        if self.hermetic {
            features.insert("plugins".to_owned(), false);
        }
        features.extend(self.features.clone());
        features
    }

    /// Creates the temporary folder and writes `config.toml` into it.
    pub fn build(&self) -> std::io::Result<CodexHome> {
        let dir = tempfile::Builder::new().prefix("codex-home-").tempdir()?;
        std::fs::write(dir.path().join("config.toml"), self.config_toml())?;
        Ok(CodexHome { dir })
    }
}

/// A TOML basic string (JSON string escaping is valid TOML).
fn toml_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// The runtime version the workspace pins (the SDK's runtime version).
pub fn runtime_version() -> String {
    openai_codex::runtime::VERSION.to_owned()
}

/// Where the pinned runtime lives for tests: `<workspace>/.runtime/`, the
/// folder `cargo codegen runtime install` uses too.
pub fn workspace_runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .join(".runtime")
}

/// The `codex` binary tests run: `CODEX_BIN` if set, else the pinned runtime
/// in [`workspace_runtime_dir`], installed (with pip, checksum-verified) on
/// first use if it is missing.
///
/// # Panics
/// If `CODEX_BIN` names a missing file or a codex of another version than
/// the pinned one (see [`check_codex_bin`]), or the pinned runtime cannot be
/// installed; the message says how to get it. Tests never skip silently.
pub fn runtime_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("CODEX_BIN").filter(|bin| !bin.is_empty()) {
        // Checked once per test process: `codex --version` takes a moment.
        static CHECKED: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
        return CHECKED
            .get_or_init(|| check_codex_bin(Path::new(&bin)))
            .clone()
            .unwrap_or_else(|message| panic!("{message}"));
    }
    static INSTALLED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(install_pinned_runtime).clone()
}

/// Checks that `bin` (the value of `CODEX_BIN`) is a codex binary of the
/// pinned version: `bin --version` must print `codex-cli <pinned version>`.
///
/// # Errors
/// A message naming the variable, the path, what it printed and the
/// version wanted, when it is not a file, does not run, or is another version.
pub fn check_codex_bin(bin: &Path) -> Result<PathBuf, String> {
    let wanted = openai_codex::runtime::VERSION;
    let fix = format!("unset CODEX_BIN to use the pinned runtime (installed on first use), or point it at a codex {wanted} binary");
    if !bin.is_file() {
        return Err(format!("CODEX_BIN is set to {}, which is not a file; {fix}", bin.display()));
    }
    let output = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .map_err(|error| format!("CODEX_BIN is set to {}, which does not run ({error}); {fix}", bin.display()))?;
    let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if printed != format!("codex-cli {wanted}") {
        return Err(format!(
            "CODEX_BIN is set to {}, which is not the pinned runtime: `--version` printed {printed:?}, \
             the tests need `codex-cli {wanted}`; {fix}",
            bin.display()
        ));
    }
    Ok(bin.to_owned())
}

/// Installs the pinned runtime into [`workspace_runtime_dir`] unless a
/// verified install is already there (concurrent callers wait for each other).
///
/// # Panics
/// If it cannot be installed: the message says why and how to get it.
pub fn install_pinned_runtime() -> PathBuf {
    let dir = workspace_runtime_dir();
    openai_codex::runtime::install_into(&dir).unwrap_or_else(|error| {
        panic!(
            "the pinned Codex runtime {} could not be installed into {}: {error}\n\
             Tests need it. Install it with `cargo codegen runtime install` \
             (needs Python 3 with pip and access to PyPI), or set CODEX_BIN to a codex {} binary.",
            runtime_version(),
            dir.display(),
            runtime_version()
        )
    })
}
