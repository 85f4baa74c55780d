//! [`Codex`]: the entry point of the friendly API.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::client::{Client, ClientBuilder};
use crate::error::Result;
use crate::handler::ServerRequestHandler;

/// A running Codex runtime. Cheap to clone; every clone talks to the same
/// app-server. Dropping the last clone shuts the runtime down;
/// [`Codex::close`] does it gracefully.
///
/// ```no_run
/// # async fn example() -> openai_codex::Result<()> {
/// use openai_codex::{Codex, Sandbox};
///
/// let codex = Codex::new().await?;
/// let thread = codex.thread_start().sandbox(Sandbox::WorkspaceWrite).send().await?;
/// let result = thread.run("List the files in this folder.").await?;
/// println!("{}", result.final_response.unwrap_or_default());
/// codex.close().await;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Codex {
    client: Client,
}

impl Codex {
    /// Starts the runtime with the default configuration (see
    /// [`crate::runtime`] for where the binary comes from) and initializes it.
    pub async fn new() -> Result<Self> {
        Self::builder().spawn().await
    }

    /// Configures the runtime before starting it.
    pub fn builder() -> CodexBuilder {
        CodexBuilder::default()
    }

    /// Wraps an already connected low-level client.
    pub fn from_client(client: Client) -> Self {
        Self { client }
    }

    /// The low-level client: every protocol method, typed.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// What the runtime said about itself, and the versions in play.
    pub fn metadata(&self) -> Metadata {
        let init = self.client.initialize_response();
        Metadata {
            user_agent: init.user_agent.clone(),
            codex_home: init.codex_home.to_string(),
            platform_family: init.platform_family.clone(),
            platform_os: init.platform_os.clone(),
            runtime_version: crate::runtime::VERSION,
            sdk_version: env!("CARGO_PKG_VERSION"),
        }
    }

    /// Shuts the runtime down: closes its input, waits for it to exit (up to
    /// the configured grace period), then kills it.
    pub async fn close(&self) {
        self.client.close().await;
    }
}

/// What [`Codex::metadata`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Metadata {
    /// The runtime's user agent string.
    pub user_agent: String,
    /// The runtime's `CODEX_HOME`.
    pub codex_home: String,
    /// `unix` or `windows`.
    pub platform_family: String,
    /// `linux`, `macos`, `windows`, ...
    pub platform_os: String,
    /// The runtime version this SDK was generated from.
    pub runtime_version: &'static str,
    /// This SDK's version (the same number).
    pub sdk_version: &'static str,
}

/// Configures a [`Codex`]: where the runtime is, its environment and config,
/// who answers its approval requests. Finish with [`CodexBuilder::spawn`].
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `.spawn()`"]
pub struct CodexBuilder {
    client: ClientBuilder,
}

impl CodexBuilder {
    /// Uses this `codex` binary.
    pub fn codex_bin(self, path: impl Into<PathBuf>) -> Self {
        Self { client: self.client.codex_bin(path) }
    }

    /// Sets an environment variable of the runtime (e.g. `CODEX_HOME`).
    pub fn env(self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        Self { client: self.client.env(key, value) }
    }

    /// Removes an environment variable of the runtime.
    pub fn env_remove(self, key: impl Into<OsString>) -> Self {
        Self { client: self.client.env_remove(key) }
    }

    /// The runtime's working folder.
    pub fn cwd(self, cwd: impl Into<PathBuf>) -> Self {
        Self { client: self.client.cwd(cwd) }
    }

    /// Overrides a runtime config value (`-c key=value`, value in TOML).
    pub fn config(self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        Self { client: self.client.config(key, value) }
    }

    /// How this program introduces itself to the runtime.
    pub fn client_info(self, name: impl Into<String>, version: impl Into<String>) -> Self {
        Self { client: self.client.client_info(name, version) }
    }

    /// Who answers the runtime's approval and input requests (default: decline all).
    pub fn approval_handler(self, handler: impl ServerRequestHandler) -> Self {
        Self { client: self.client.handler(handler) }
    }

    /// Opts in to the runtime's experimental API.
    pub fn experimental_api(self, enabled: bool) -> Self {
        Self { client: self.client.experimental_api(enabled) }
    }

    /// Installs the pinned runtime (with pip) if no binary is found.
    pub fn install_if_missing(self, install: bool) -> Self {
        Self { client: self.client.install_if_missing(install) }
    }

    /// Accepts a runtime of another version than [`crate::runtime::VERSION`].
    pub fn allow_version_mismatch(self, allow: bool) -> Self {
        Self { client: self.client.allow_version_mismatch(allow) }
    }

    /// Fails requests that get no answer within `timeout` (default 120 s;
    /// `None` for no limit). See [`ClientBuilder::request_timeout`].
    pub fn request_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        Self { client: self.client.request_timeout(timeout) }
    }

    /// How long the approval handler may take before a request is answered
    /// fail-closed (default 5 minutes; `None` for no limit). See
    /// [`ClientBuilder::handler_timeout`].
    pub fn handler_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        Self { client: self.client.handler_timeout(timeout) }
    }

    /// The runtime's own log filter (its `RUST_LOG`); by default it gets none.
    /// See [`ClientBuilder::runtime_log`].
    pub fn runtime_log(self, filter: impl Into<String>) -> Self {
        Self { client: self.client.runtime_log(filter) }
    }

    /// Any other low-level setting.
    pub fn with_client(self, edit: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        Self { client: edit(self.client) }
    }

    /// Starts the runtime and initializes it.
    pub async fn spawn(self) -> Result<Codex> {
        Ok(Codex { client: self.client.spawn().await? })
    }
}
