//! The settings of a [`ClientBuilder`]: how the app-server is found,
//! started or reached, and how the connection behaves.
//!
//! Every setter here is written once: the generator (`cargo codegen
//! generate`, step `emit_forwarding`) gives [`CodexBuilder`](crate::CodexBuilder)
//! and [`blocking::CodexBuilder`](crate::blocking::CodexBuilder) the same
//! setter, with the same signature and docs, forwarding to this one (the
//! generated `forward` module below). Adding a client option is one edit:
//! a `pub fn name(mut self, ...) -> Self` here. What must not be forwarded
//! (the [`handler`](ClientBuilder::handler), `spawn`, the `connect_*`
//! methods) lives in `client.rs`.

use super::*;

mod forward;

impl ClientBuilder {
    /// Uses this `codex` binary (default: see [`crate::runtime`] for the search order).
    pub fn codex_bin(mut self, path: impl Into<PathBuf>) -> Self {
        self.codex_bin = Some(path.into());
        self
    }

    /// Overrides one runtime config value (`codex app-server -c key=value`);
    /// `value` is TOML, e.g. `config("model", "\"o3\"")`.
    pub fn config(mut self, key: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.args.push("-c".into());
        self.args.push(format!("{}={}", key.as_ref(), value.as_ref()).into());
        self
    }

    /// Adds a raw argument after `codex app-server`.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Sets an environment variable for the app-server (e.g. `CODEX_HOME`).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// Removes an environment variable for the app-server.
    pub fn env_remove(mut self, key: impl Into<OsString>) -> Self {
        self.env.push((key.into(), None));
        self
    }

    /// The app-server's working directory.
    pub fn cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    /// How this client introduces itself in `initialize` (`clientInfo`).
    pub fn client_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.client_name = name.into();
        self.client_version = version.into();
        self
    }

    /// A human-readable title for `clientInfo`.
    pub fn client_title(mut self, title: impl Into<String>) -> Self {
        self.client_title = Some(title.into());
        self
    }

    /// Accepts a binary whose version differs from [`crate::runtime::VERSION`].
    pub fn allow_version_mismatch(mut self, allow: bool) -> Self {
        self.allow_version_mismatch = allow;
        self
    }

    /// Installs the pinned runtime (with pip) if no binary is found.
    pub fn install_if_missing(mut self, install: bool) -> Self {
        self.install_if_missing = install;
        self
    }

    /// Whether to ask the app-server for its experimental API
    /// (`capabilities.experimentalApi`). Default `true`, as the official SDKs
    /// do: only then does the runtime send notifications such as
    /// `thread/settings/updated` and accept experimental methods and fields.
    /// Pass `false` to opt out.
    pub fn experimental_api(mut self, enabled: bool) -> Self {
        self.experimental_api = enabled;
        self
    }

    /// Fails requests that get no answer within `timeout` with
    /// [`Error::Timeout`] (default [`DEFAULT_REQUEST_TIMEOUT`], 120 s; `None`
    /// waits as long as the app-server lives). The time includes waiting for
    /// room in the outgoing queue; a request still queued when it runs out is
    /// withdrawn and never sent (`Timeout { sent: false }`). Requests fail at
    /// once when the app-server exits, whatever this says.
    ///
    /// Turns are not requests: `turn/start` answers at once, and how long a
    /// turn may run is the turn's own setting.
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.request_timeout = timeout.into();
        self
    }

    /// How long the [`handler`](Self::handler) (on a `CodexBuilder`: the
    /// approval handler and closures) may take to answer one of the
    /// app-server's requests (default [`DEFAULT_HANDLER_TIMEOUT`], 5
    /// minutes; `None` for no limit). When it runs out, the request gets the
    /// fail-closed answer of [`DeclineAll`] (decline or cancel for approvals,
    /// a JSON-RPC error otherwise), so the runtime is never left waiting.
    /// Calls of [tools written in Rust](crate::Tool) have their own limit
    /// ([`Tool::timeout`](crate::Tool::timeout)).
    pub fn handler_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.handler_timeout = timeout.into();
        self
    }

    /// How many outgoing messages may wait to be written to the app-server
    /// (default 1024). When the queue is full, callers wait for room (within
    /// their request timeout) instead of the queue growing without bound.
    pub fn outgoing_queue(mut self, messages: usize) -> Self {
        self.outgoing_queue = messages.max(1);
        self
    }

    /// The runtime's own log filter (its `RUST_LOG`, e.g. `"info"` or
    /// `"codex_core=debug"`). By default the runtime gets no `RUST_LOG`, even
    /// if this program has one. Its log lines arrive on stderr and are
    /// re-emitted with target `openai_codex::app_server` at trace level,
    /// without terminal colours and with secrets masked.
    pub fn runtime_log(mut self, filter: impl Into<String>) -> Self {
        self.runtime_log = Some(filter.into());
        self
    }

    /// How many notifications each stream buffers before it starts dropping
    /// events for itself (it then yields [`Error::Lagged`]). Default 8192.
    pub fn event_buffer(mut self, events: usize) -> Self {
        self.event_buffer = events;
        self
    }

    /// How long [`Client::close`] waits for the process before killing it.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Sends this capability token (`Authorization: Bearer ...`) when
    /// connecting to an app-server started with `--ws-auth capability-token
    /// --ws-token-file FILE`: the token is the file's content. The token
    /// never appears in `Debug` output or logs. Replaces a
    /// [`jwt_signer`](Self::jwt_signer).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Credentials::Bearer(Arc::from(token.into()));
        self
    }

    /// Signs a fresh HS256 JWT for each connection to an app-server started
    /// with `--ws-auth signed-bearer-token` (see [`JwtSigner`]). Replaces a
    /// [`bearer_token`](Self::bearer_token).
    pub fn jwt_signer(mut self, signer: JwtSigner) -> Self {
        self.credentials = Credentials::Jwt(signer);
        self
    }

    /// How long [`connect`](Self::connect) (and the other `connect_*`
    /// methods) may take to open the socket and finish the WebSocket
    /// handshake (default [`DEFAULT_CONNECT_TIMEOUT`], 10 s). `initialize`
    /// then has the [`request_timeout`](Self::request_timeout).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Whether [`connect_daemon`](Self::connect_daemon) starts the local
    /// daemon (`codex app-server daemon start`) when none is running
    /// (default `false`: it fails with [`Error::Connect`] instead).
    pub fn start_daemon_if_missing(mut self, start: bool) -> Self {
        self.start_daemon = start;
        self
    }

}
