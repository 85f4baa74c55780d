//! The low-level typed client: one `codex app-server` (spawned, or running
//! and reached over a WebSocket or Unix socket, see [`crate::transport`]),
//! every protocol method as a typed async call (see the generated `impl
//! Client` blocks), raw requests for what the schema lacks, and notification
//! streams.

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
use crate::transport::{self, Credentials, DaemonCommand, Endpoint, JwtSigner, LineSink, LineSource};
use crate::types::InitializeResponse;

mod settings;

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
/// How long connecting to a running app-server may take unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a `codex app-server daemon` command may take (`start` installs
/// the daemon's copy of the runtime the first time).
const DAEMON_COMMAND_TIMEOUT: Duration = Duration::from_secs(120);

/// A connection to one `codex app-server`. Cheap to clone (all clones share
/// the connection); every method takes `&self`, so requests, streams and
/// server-request handling run concurrently. Dropping the last clone kills
/// a spawned process (or closes the connection to a running app-server);
/// [`Client::close`] shuts it down gracefully.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    connection: Arc<Connection>,
    process: Option<Arc<AppServerProcess>>,
    /// The address of a running app-server this client connected to.
    endpoint: Option<String>,
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
            .field("endpoint", &self.inner.endpoint)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

/// Configures and starts a [`Client`].
#[must_use = "a builder does nothing until `spawn` or `connect`"]
#[derive(Clone)]
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
    credentials: Credentials,
    connect_timeout: Duration,
    start_daemon: bool,
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
            .field("credentials", &self.credentials)
            .field("connect_timeout", &self.connect_timeout)
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
            credentials: Credentials::None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            start_daemon: false,
        }
    }
}

impl ClientBuilder {
    /// Who answers the app-server's requests (approvals, user input, ...).
    /// Default: [`DeclineAll`], which declines everything it can.
    pub fn handler(mut self, handler: impl ServerRequestHandler) -> Self {
        self.handler = Arc::new(handler);
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
        let reader = LineSource(BufReader::new(pipes.stdout));
        let connection = Connection::start(reader, LineSink(pipes.stdin), self.connection_options(), on_eof);
        tokio::select! {
            started = self.initialize(connection, Some(process), None) => match started {
                Ok(client) => self.accept_version(&binary, client).await,
                Err(error) => Err(self.explain_failed_start(&binary, error).await),
            },
            refused = self.refuse_slow_start(&binary) => Err(refused),
        }
    }

    /// Connects to a running app-server and initializes the connection:
    ///
    /// - `ws://HOST:PORT` for one started with `codex app-server --listen
    ///   ws://IP:PORT` (with [`bearer_token`](Self::bearer_token) or
    ///   [`jwt_signer`](Self::jwt_signer) if it was started with `--ws-auth`);
    /// - `unix://PATH` for one started with `--listen unix://PATH` (the same
    ///   as [`connect_unix`](Self::connect_unix)).
    ///
    /// `wss://` is not supported (use an SSH tunnel, see the README). The
    /// app-server's version (from its `initialize` answer) must be the SDK's,
    /// as for [`spawn`](Self::spawn), unless
    /// [`allow_version_mismatch`](Self::allow_version_mismatch).
    ///
    /// Fails with [`Error::Connect`] when nothing answers (or not within the
    /// [`connect_timeout`](Self::connect_timeout)) and with
    /// [`Error::TokenRejected`] when the app-server refuses the credentials.
    /// Once connected, a lost connection fails every pending request and
    /// ends every stream with [`Error::ConnectionLost`].
    ///
    /// ```no_run
    /// # async fn example() -> openai_codex::Result<()> {
    /// let token = std::fs::read_to_string("/run/codex/token")?;
    /// let client = openai_codex::Client::builder()
    ///     .bearer_token(token.trim())
    ///     .connect("ws://127.0.0.1:4500")
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(self, url: impl AsRef<str>) -> Result<Client> {
        let endpoint = Endpoint::parse(url.as_ref())?;
        self.connect_endpoint(endpoint).await
    }

    /// Connects to an app-server listening on a Unix socket (`codex
    /// app-server --listen unix://PATH`) and initializes the connection.
    /// See [`connect`](Self::connect) for the version check and failures.
    pub async fn connect_unix(self, path: impl AsRef<Path>) -> Result<Client> {
        self.connect_endpoint(Endpoint::Unix(path.as_ref().to_owned())).await
    }

    /// Connects to the local app-server daemon of the `CODEX_HOME` in this
    /// builder's [`env`](Self::env) (or this program's): asks `codex
    /// app-server daemon version` (with the [`codex_bin`](Self::codex_bin)
    /// binary) for its socket and version, starts it first if
    /// [`start_daemon_if_missing`](Self::start_daemon_if_missing), checks
    /// the version (unless [`allow_version_mismatch`](Self::allow_version_mismatch)),
    /// and connects to its socket.
    ///
    /// The daemon outlives this client: [`Client::close`] only disconnects;
    /// stop the daemon with `codex app-server daemon stop`.
    pub async fn connect_daemon(self) -> Result<Client> {
        let info = self.daemon_info().await?;
        if let Some(found) = &info.app_server_version {
            self.check_found_version(&format!("the app-server daemon ({})", info.socket_path.display()), found)?;
        }
        self.connect_endpoint(Endpoint::Unix(info.socket_path)).await
    }

    /// The local daemon, started if it is not running and that was asked.
    async fn daemon_info(&self) -> Result<transport::DaemonInfo> {
        let binary = self.locate_binary().await?;
        let command = DaemonCommand {
            binary: &binary,
            env: &self.env,
            config_args: &self.args,
            timeout: DAEMON_COMMAND_TIMEOUT,
        };
        if let Some(info) = transport::daemon_info(&command).await? {
            return Ok(info);
        }
        if !self.start_daemon {
            return Err(Error::Connect {
                endpoint: "the local app-server daemon".to_owned(),
                reason: "no daemon is running for this CODEX_HOME; start it with `codex app-server daemon start`, \
                         or use `start_daemon_if_missing(true)`"
                    .to_owned(),
            });
        }
        self.check_version(&binary).await?;
        tracing::debug!("starting the local app-server daemon");
        transport::start_daemon(&command).await
    }

    async fn connect_endpoint(self, endpoint: Endpoint) -> Result<Client> {
        let websocket = transport::connect_websocket(&endpoint, &self.credentials, self.connect_timeout).await?;
        let name = endpoint.to_string();
        let end = websocket.end;
        let reported = name.clone();
        let on_eof = move || async move {
            Closed { status: end.get(), stderr_tail: Vec::new(), endpoint: Some(reported) }
        };
        let connection = Connection::start(websocket.source, websocket.sink, self.connection_options(), on_eof);
        let client = self.initialize(connection, None, Some(name.clone())).await?;
        if let Some(found) = client.runtime_version().map(str::to_owned) {
            self.keep_if_version_fits(&client, &format!("the app-server at {name}"), &found).await?;
        }
        Ok(client)
    }

    /// Speaks the protocol (one JSON message per line) over any byte
    /// streams instead of a spawned process (for tests, or an app-server
    /// reached another way, such as `codex app-server proxy` run over SSH),
    /// and initializes.
    pub async fn connect_io<R, W>(self, reader: R, writer: W) -> Result<Client>
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let on_eof = || async {
            Closed {
                status: "the transport closed".to_owned(),
                stderr_tail: Vec::new(),
                endpoint: None,
            }
        };
        let connection = Connection::start(LineSource(BufReader::new(reader)), LineSink(writer), self.connection_options(), on_eof);
        self.initialize(connection, None, None).await
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
        self.keep_if_version_fits(&client, &binary.display().to_string(), &found).await?;
        Ok(client)
    }

    /// [`check_found_version`](Self::check_found_version), closing the
    /// client it was read from when the version is refused.
    async fn keep_if_version_fits(&self, client: &Client, what: &str, found: &str) -> Result<()> {
        let verdict = self.check_found_version(what, found);
        if verdict.is_err() {
            client.close().await;
        }
        verdict
    }

    async fn check_version(&self, binary: &Path) -> Result<()> {
        let found = crate::process::probe_version(binary).await?;
        self.check_found_version(&binary.display().to_string(), &found)
    }

    /// Accepts `found` if it is the SDK's version or mismatches are allowed.
    fn check_found_version(&self, what: &str, found: &str) -> Result<()> {
        if found == crate::runtime::VERSION {
            return Ok(());
        }
        if self.allow_version_mismatch {
            tracing::warn!(runtime = what, found, expected = crate::runtime::VERSION, "using a codex runtime of another version");
            return Ok(());
        }
        Err(Error::VersionMismatch {
            binary: PathBuf::from(what),
            expected: crate::runtime::VERSION.to_owned(),
            found: found.to_owned(),
        })
    }

    /// A start that failed may be the binary's fault: one that is not a
    /// Codex runtime, or one of another version, gets that error instead of
    /// the protocol failure it caused.
    async fn explain_failed_start(&self, binary: &Path, error: Error) -> Error {
        self.binary_problem(binary).await.unwrap_or(error)
    }

    /// Resolves only when the start takes longer than a healthy runtime's
    /// and the binary then turns out not to be the runtime wanted (a program
    /// that ignores its input would otherwise hold `spawn` for the whole
    /// request timeout). Pending forever otherwise.
    async fn refuse_slow_start(&self, binary: &Path) -> Error {
        tokio::time::sleep(SLOW_START).await;
        match self.binary_problem(binary).await {
            Some(problem) => problem,
            None => std::future::pending().await,
        }
    }

    /// What `codex --version` says is wrong with the binary: not a Codex
    /// runtime, or a version this client refuses. `None` when it is fine (or
    /// cannot be asked, which the caller's own error then reports).
    async fn binary_problem(&self, binary: &Path) -> Option<Error> {
        match crate::process::probe_version(binary).await {
            Err(not_codex @ Error::NotCodexRuntime { .. }) => Some(not_codex),
            Ok(found) => self.check_found_version(&binary.display().to_string(), &found).err(),
            Err(_) => None,
        }
    }

    /// `initialize`, then the `initialized` notification.
    async fn initialize(&self, connection: Arc<Connection>, process: Option<Arc<AppServerProcess>>, endpoint: Option<String>) -> Result<Client> {
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
                endpoint,
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
            Closed { status, stderr_tail: process.stderr.lines(), endpoint: None }
        }
        None => Closed {
            status: "the client was dropped".to_owned(),
            stderr_tail: Vec::new(),
            endpoint: None,
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

    /// The app-server's process id (only for a spawned one).
    pub fn process_id(&self) -> Option<u32> {
        self.inner.process.as_ref().and_then(|process| process.pid)
    }

    /// The address of the running app-server this client connected to
    /// (`ws://...` or `unix://...`; never with credentials), or `None` for
    /// a spawned one.
    pub fn endpoint(&self) -> Option<&str> {
        self.inner.endpoint.as_deref()
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.inner.connection.is_closed()
    }

    /// Shuts down: closes the app-server's input, waits for it to exit (up to
    /// the configured grace period), then kills it. Pending requests and
    /// streams end with [`Error::ProcessExited`].
    ///
    /// For a running app-server this client [connected](ClientBuilder::connect)
    /// to, it closes the connection (waiting up to the grace period for the
    /// app-server to close its side) and leaves the app-server running;
    /// pending requests and streams end with [`Error::ConnectionLost`].
    pub async fn close(&self) {
        self.inner.connection.close_output();
        if let Some(process) = &self.inner.process {
            process.shutdown(self.inner.shutdown_grace).await;
        } else if self.inner.endpoint.is_some() {
            // Every stream ends when the connection does.
            let mut events = self.inner.connection.subscribe(Filter::All);
            let drained = async { while futures::StreamExt::next(&mut events).await.is_some() {} };
            let _ = tokio::time::timeout(self.inner.shutdown_grace, drained).await;
        }
    }

    /// Kills the app-server at once (what a crash looks like to the client).
    /// Does nothing for a running app-server this client connected to.
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
