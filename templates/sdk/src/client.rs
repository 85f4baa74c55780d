//! The low-level typed client: one `codex app-server` process, every protocol
//! method as a typed async call (see the generated `impl Client` blocks), raw
//! requests for what the schema lacks, and notification streams.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::value::RawValue;
use tokio::io::{AsyncRead, AsyncWrite, BufReader};

use crate::error::{Error, Redacted, Result};
use crate::handler::{DeclineAll, ServerRequestHandler};
use crate::methods::ClientMethod;
use crate::process::{AppServerProcess, SpawnOptions};
use crate::router::{Closed, Filter, NotificationStream};
use crate::rpc::{Connection, ConnectionOptions};
use crate::types::InitializeResponse;

/// How long [`Client::close`] waits for the app-server to exit before killing it.
const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How long to wait for an exit status once the app-server's output closed.
const EXIT_STATUS_WAIT: Duration = Duration::from_millis(500);
/// Default per-subscriber notification buffer.
const DEFAULT_EVENT_BUFFER: usize = 8192;
/// A healthy runtime answers `initialize` well within this; after it,
/// `spawn` asks the binary for its version in case it is not a runtime.
const SLOW_START: Duration = Duration::from_secs(3);
/// How long a request waits for its answer unless configured otherwise.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a server-request handler may take unless configured otherwise.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(300);
/// How many outgoing messages may wait to be written before senders wait.
const DEFAULT_OUTGOING_QUEUE: usize = 1024;

/// A connection to one `codex app-server`. Cheap to clone (all clones share
/// the connection); every method takes `&self`, so requests, streams and
/// server-request handling run concurrently. Dropping the last clone kills
/// the process; [`Client::close`] shuts it down gracefully.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    connection: Arc<Connection>,
    process: Option<Arc<AppServerProcess>>,
    initialize: InitializeResponse,
    shutdown_grace: Duration,
}

impl Drop for ClientInner {
    fn drop(&mut self) {
        // Closing stdin lets the app-server exit; the process handle, dropped
        // right after, kills it if it has not (and tokio reaps it).
        self.connection.close_output();
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("pid", &self.process_id())
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// Configures and starts a [`Client`].
#[must_use = "a builder does nothing until `spawn` or `connect`"]
pub struct ClientBuilder {
    codex_bin: Option<PathBuf>,
    args: Vec<OsString>,
    env: Vec<(OsString, Option<OsString>)>,
    cwd: Option<PathBuf>,
    client_name: String,
    client_title: Option<String>,
    client_version: String,
    handler: Arc<dyn ServerRequestHandler>,
    allow_version_mismatch: bool,
    install_if_missing: bool,
    experimental_api: bool,
    request_timeout: Option<Duration>,
    handler_timeout: Option<Duration>,
    outgoing_queue: usize,
    runtime_log: Option<String>,
    event_buffer: usize,
    shutdown_grace: Duration,
}

impl std::fmt::Debug for ClientBuilder {
    // Env values may hold secrets (API keys): show only their names.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: Vec<_> = self.env.iter().map(|(key, _)| key).collect();
        f.debug_struct("ClientBuilder")
            .field("codex_bin", &self.codex_bin)
            .field("env_keys", &env)
            .field("cwd", &self.cwd)
            .field("client_name", &self.client_name)
            .field("allow_version_mismatch", &self.allow_version_mismatch)
            .field("install_if_missing", &self.install_if_missing)
            .field("experimental_api", &self.experimental_api)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            codex_bin: None,
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            client_name: "openai-codex-rust".to_owned(),
            client_title: None,
            client_version: env!("CARGO_PKG_VERSION").to_owned(),
            handler: Arc::new(DeclineAll),
            allow_version_mismatch: false,
            install_if_missing: false,
            experimental_api: true,
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT),
            handler_timeout: Some(DEFAULT_HANDLER_TIMEOUT),
            outgoing_queue: DEFAULT_OUTGOING_QUEUE,
            runtime_log: None,
            event_buffer: DEFAULT_EVENT_BUFFER,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }
}

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

    /// Who answers the app-server's requests (approvals, user input, ...).
    /// Default: [`DeclineAll`], which declines everything it can.
    pub fn handler(mut self, handler: impl ServerRequestHandler) -> Self {
        self.handler = Arc::new(handler);
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

    /// How long the [`handler`](Self::handler) may take to answer one of
    /// the app-server's requests (default [`DEFAULT_HANDLER_TIMEOUT`], 5
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

    /// Finds the runtime, starts `codex app-server`, initializes the
    /// connection and checks the runtime's version.
    ///
    /// The version comes from `initialize`'s answer (its `userAgent` is
    /// `<client>/<runtime version> (...)`), so start-up costs one process,
    /// not two. Only when the start fails, or takes longer than a healthy
    /// runtime ever does, is the binary asked for `--version`, to say
    /// whether it is a Codex runtime at all ([`Error::NotCodexRuntime`]) or
    /// one of another version ([`Error::VersionMismatch`]).
    pub async fn spawn(self) -> Result<Client> {
        let binary = self.locate_binary().await?;
        let options = SpawnOptions {
            binary: binary.clone(),
            args: self.args.clone(),
            env: self.env.clone(),
            cwd: self.cwd.clone(),
            runtime_log: self.runtime_log.clone(),
        };
        let (process, pipes) = AppServerProcess::spawn(&options)?;
        let process = Arc::new(process);
        let watched = Arc::downgrade(&process);
        let on_eof = move || exit_report(watched);
        let connection = Connection::start(BufReader::new(pipes.stdout), pipes.stdin, self.connection_options(), on_eof);
        tokio::select! {
            started = self.initialize(connection, Some(process)) => match started {
                Ok(client) => self.accept_version(&binary, client).await,
                Err(error) => Err(self.explain_failed_start(&binary, error).await),
            },
            refused = self.refuse_slow_start(&binary) => Err(refused),
        }
    }

    /// Speaks the protocol over any byte streams instead of a spawned process
    /// (for tests, or an app-server reached another way), and initializes.
    pub async fn connect<R, W>(self, reader: R, writer: W) -> Result<Client>
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let on_eof = || async {
            Closed {
                status: "the transport closed".to_owned(),
                stderr_tail: Vec::new(),
            }
        };
        let connection = Connection::start(BufReader::new(reader), writer, self.connection_options(), on_eof);
        self.initialize(connection, None).await
    }

    fn connection_options(&self) -> ConnectionOptions {
        ConnectionOptions {
            handler: Arc::clone(&self.handler),
            buffer: self.event_buffer,
            request_timeout: self.request_timeout,
            handler_timeout: self.handler_timeout,
            outgoing_queue: self.outgoing_queue,
        }
    }

    async fn locate_binary(&self) -> Result<PathBuf> {
        let explicit = self.codex_bin.clone();
        let install = self.install_if_missing;
        // Installing runs pip: keep it off the async workers.
        tokio::task::spawn_blocking(move || crate::runtime::locate(explicit.as_deref(), install))
            .await
            .map_err(|error| Error::Io(std::io::Error::other(error)))?
    }

    /// Keeps a client whose runtime reported the pinned version (or any
    /// version, when mismatches are allowed); closes it otherwise.
    async fn accept_version(&self, binary: &Path, client: Client) -> Result<Client> {
        let found = match client.runtime_version() {
            Some(version) => version.to_owned(),
            // A runtime whose user agent has another shape: ask the binary.
            None => crate::process::probe_version(binary).await?,
        };
        match self.version_verdict(binary, found) {
            Ok(()) => Ok(client),
            Err(mismatch) => {
                client.close().await;
                Err(mismatch)
            }
        }
    }

    fn version_verdict(&self, binary: &Path, found: String) -> Result<()> {
        if found == crate::runtime::VERSION {
            return Ok(());
        }
        if self.allow_version_mismatch {
            tracing::warn!(binary = %binary.display(), found, expected = crate::runtime::VERSION, "using a codex runtime of another version");
            return Ok(());
        }
        Err(Error::VersionMismatch {
            binary: binary.to_owned(),
            expected: crate::runtime::VERSION.to_owned(),
            found,
        })
    }

    /// A start that failed may be the binary's fault: one that is not a
    /// Codex runtime, or one of another version, gets that error instead of
    /// the protocol failure it caused.
    async fn explain_failed_start(&self, binary: &Path, error: Error) -> Error {
        match crate::process::probe_version(binary).await {
            Err(not_codex @ Error::NotCodexRuntime { .. }) => not_codex,
            Ok(found) => self.version_verdict(binary, found).err().unwrap_or(error),
            Err(_) => error,
        }
    }

    /// Resolves only when the start takes longer than a healthy runtime's
    /// and the binary then turns out not to be the runtime wanted (a program
    /// that ignores its input would otherwise hold `spawn` for the whole
    /// request timeout). Pending forever otherwise.
    async fn refuse_slow_start(&self, binary: &Path) -> Error {
        tokio::time::sleep(SLOW_START).await;
        match crate::process::probe_version(binary).await {
            Err(not_codex @ Error::NotCodexRuntime { .. }) => return not_codex,
            Ok(found) => {
                if let Err(mismatch) = self.version_verdict(binary, found) {
                    return mismatch;
                }
            }
            Err(_) => {}
        }
        std::future::pending().await
    }

    /// `initialize`, then the `initialized` notification.
    async fn initialize(&self, connection: Arc<Connection>, process: Option<Arc<AppServerProcess>>) -> Result<Client> {
        let params = serde_json::json!({
            "clientInfo": {
                "name": self.client_name,
                "title": self.client_title,
                "version": self.client_version,
            },
            "capabilities": { "experimentalApi": self.experimental_api },
        });
        let params = serde_json::value::to_raw_value(&params)
            .map_err(|source| Error::Encode { method: "initialize".into(), source })?;
        let raw = connection.request("initialize", Some(&params)).await?;
        let initialize = decode_response("initialize", &raw)?;
        connection.notify("initialized", None).await?;
        Ok(Client {
            inner: Arc::new(ClientInner {
                connection,
                process,
                initialize,
                shutdown_grace: self.shutdown_grace,
            }),
        })
    }
}

/// What the reader reports when the process's output closes: its exit
/// status (waiting briefly for it) and the end of its stderr. Holds the
/// process weakly, so a dropped client is not kept alive by its reader.
async fn exit_report(process: Weak<AppServerProcess>) -> Closed {
    match process.upgrade() {
        Some(process) => {
            let status = process
                .exit_status(EXIT_STATUS_WAIT)
                .await
                .unwrap_or_else(|| "it closed its output but is still running".to_owned());
            // Its last stderr lines may still be in the pipe: let the drain
            // read them before they are reported.
            process.stderr.settled(EXIT_STATUS_WAIT).await;
            Closed { status, stderr_tail: process.stderr.lines() }
        }
        None => Closed {
            status: "the client was dropped".to_owned(),
            stderr_tail: Vec::new(),
        },
    }
}

/// The version in a runtime's user agent, `<client>/<version> (<platform>) ...`
/// (the client name may itself contain `/` or spaces; the version is the
/// part after the last `/` before ` (`).
fn version_from_user_agent(user_agent: &str) -> Option<&str> {
    let head = user_agent.split_once(" (").map_or(user_agent, |(head, _)| head);
    let (_, version) = head.rsplit_once('/')?;
    let looks_like_version = version.starts_with(|c: char| c.is_ascii_digit())
        && version.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    looks_like_version.then_some(version)
}

fn decode_response<T: DeserializeOwned>(method: &str, raw: &RawValue) -> Result<T> {
    serde_json::from_str(raw.get()).map_err(|source| Error::Decode {
        what: format!("the response to `{method}`"),
        raw: Redacted::new(raw.get()),
        source,
    })
}

fn encode_params<P: Serialize + ?Sized>(method: &str, params: &P) -> Result<Option<Box<RawValue>>> {
    let raw = serde_json::value::to_raw_value(params)
        .map_err(|source| Error::Encode { method: method.to_owned(), source })?;
    // `()` and `None` mean "no params": leave the field out.
    Ok((raw.get() != "null").then_some(raw))
}

impl Client {
    /// A builder to configure the runtime, its environment and the handler.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Starts the runtime with the default configuration.
    pub async fn spawn() -> Result<Client> {
        Self::builder().spawn().await
    }

    /// Sends a request of the typed method `M`.
    pub async fn request<M: ClientMethod>(&self, params: M::Params) -> Result<M::Response> {
        let raw = self.request_typed(M::METHOD, &params).await?;
        decode_response(M::METHOD, &raw)
    }

    /// Sends a request of the typed method `M`, waiting at most `timeout`
    /// for the answer (`None`: no limit) instead of the client's request
    /// timeout: for requests answered only when something ends, such as
    /// `command/exec` (answered when the command exits).
    pub async fn request_within<M: ClientMethod>(&self, params: M::Params, timeout: Option<Duration>) -> Result<M::Response> {
        let params = encode_params(M::METHOD, &params)?;
        let raw = self.inner.connection.request_within(M::METHOD, params.as_deref(), timeout).await?;
        decode_response(M::METHOD, &raw)
    }

    async fn request_typed<P: Serialize + ?Sized>(&self, method: &str, params: &P) -> Result<Box<RawValue>> {
        let params = encode_params(method, params)?;
        self.inner.connection.request(method, params.as_deref()).await
    }

    /// Sends any request as raw JSON: the escape hatch for methods this SDK
    /// does not know (e.g. experimental ones).
    pub async fn request_raw(&self, method: &str, params: serde_json::Value) -> Result<serde_json::Value> {
        let raw = self.request_typed(method, &params).await?;
        decode_response(method, &raw)
    }

    /// Sends any notification as raw JSON (waiting while the outgoing
    /// queue is full).
    pub async fn notify_raw(&self, method: &str, params: serde_json::Value) -> Result<()> {
        let params = encode_params(method, &params)?;
        self.inner.connection.notify(method, params.as_deref()).await
    }

    /// Every notification from now on.
    pub fn notifications(&self) -> NotificationStream {
        self.inner.connection.subscribe(Filter::All)
    }

    /// Notifications about one thread (its turns and items included).
    pub fn thread_notifications(&self, thread_id: impl Into<String>) -> NotificationStream {
        self.inner.connection.subscribe(Filter::Thread(thread_id.into()))
    }

    /// Notifications about one turn.
    pub fn turn_notifications(&self, turn_id: impl Into<String>) -> NotificationStream {
        self.inner.connection.subscribe(Filter::Turn(turn_id.into()))
    }

    /// The tools registered with this connection, by thread.
    pub(crate) fn tools(&self) -> &Arc<crate::api::tools::ToolRegistry> {
        self.inner.connection.tools()
    }

    /// The output of one `command/exec` process (`command/exec/outputDelta`).
    pub(crate) fn process_notifications(&self, process_id: impl Into<String>) -> NotificationStream {
        self.inner.connection.subscribe(Filter::Process(process_id.into()))
    }

    /// What the app-server said in answer to `initialize`.
    pub fn initialize_response(&self) -> &InitializeResponse {
        &self.inner.initialize
    }

    /// The runtime version the app-server reported in its user agent
    /// (`<client>/<version> (...)`), if it has that shape.
    pub fn runtime_version(&self) -> Option<&str> {
        version_from_user_agent(&self.inner.initialize.user_agent)
    }

    /// The app-server's process id (none for [`ClientBuilder::connect`]).
    pub fn process_id(&self) -> Option<u32> {
        self.inner.process.as_ref().and_then(|process| process.pid)
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.inner.connection.is_closed()
    }

    /// Shuts down: closes the app-server's input, waits for it to exit (up to
    /// the configured grace period), then kills it. Pending requests and
    /// streams end with [`Error::ProcessExited`].
    pub async fn close(&self) {
        self.inner.connection.close_output();
        if let Some(process) = &self.inner.process {
            process.shutdown(self.inner.shutdown_grace).await;
        }
    }

    /// Kills the app-server at once (what a crash looks like to the client).
    pub async fn kill(&self) {
        if let Some(process) = &self.inner.process {
            process.kill().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::version_from_user_agent;

    #[test]
    fn the_runtime_version_is_read_from_the_user_agent() {
        let real = "my_app/0.169.0 (Debian 12.0.0; x86_64) xterm (my_app; 1.2.3)";
        assert_eq!(version_from_user_agent(real), Some("0.169.0"));
        assert_eq!(version_from_user_agent("a/b name/0.170.0-alpha.2 (x)"), Some("0.170.0-alpha.2"));
        assert_eq!(version_from_user_agent("fake_codex/0.169.0"), Some("0.169.0"));
        assert_eq!(version_from_user_agent("no version here"), None);
        assert_eq!(version_from_user_agent("name/ (x)"), None);
        assert_eq!(version_from_user_agent("name/latest (x)"), None);
    }
}
