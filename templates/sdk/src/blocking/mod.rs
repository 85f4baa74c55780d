//! The blocking API, for scripts and programs without an async runtime. It
//! mirrors the async API: the same types, builders and setters, and the
//! calls block until the answer (`send()` instead of `send().await`).
//!
//! ```no_run
//! use openai_codex::blocking::Codex;
//! use openai_codex::Sandbox;
//!
//! let codex = Codex::new()?;
//! let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send()?;
//! let result = thread.run("What is in this folder?")?;
//! println!("{}", result.final_response.unwrap_or_default());
//! codex.close();
//! # Ok::<(), openai_codex::Error>(())
//! ```
//!
//! Each [`Codex`] runs the async API on a tokio [`Runtime`] it owns (a new
//! one with two worker threads, unless [`CodexBuilder::runtime`] or
//! [`Codex::from_async`] gives it one). Do not call the blocking API from
//! inside an async task: blocking there panics; use the async API instead.

mod auth;
mod builders;
mod events;
mod command;

use std::sync::Arc;

pub use auth::*;
pub use builders::*;
pub use events::{TextStream, TurnEvents};
pub use command::CommandHandle;

impl TurnBuilder<'_> {
    /// Starts the turn and runs it to its end: the same as
    /// `.send()?.wait()`. Use [`send`](Self::send) instead for the
    /// [`TurnHandle`], to iterate over its events, steer or interrupt it.
    pub fn run(self) -> Result<TurnResult> {
        self.send()?.wait()
    }
}

use crate::api::{TurnInput, TurnResult};
use crate::client::{Client, ClientBuilder};
use crate::error::{Error, Result};
use crate::handler::ServerRequestHandler;
use crate::methods::ServerNotification;

/// The tokio runtime the blocking API runs the async one on.
pub type Runtime = tokio::runtime::Runtime;

fn new_runtime() -> Result<Arc<Runtime>> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map(Arc::new)
        .map_err(Error::Io)
}

/// The blocking [`crate::Codex`]: a running Codex runtime. Cheap to clone;
/// every clone talks to the same app-server. Dropping the last clone (and
/// the last [`Thread`] and [`TurnHandle`] made from it) shuts the runtime
/// down; [`Codex::close`] does it gracefully.
#[derive(Debug, Clone)]
pub struct Codex {
    inner: crate::Codex,
    runtime: Arc<Runtime>,
}

impl Codex {
    /// Starts the runtime with the default configuration and initializes it;
    /// see [`crate::Codex::new`].
    pub fn new() -> Result<Self> {
        Self::builder().spawn()
    }

    /// Configures the runtime before starting it.
    pub fn builder() -> CodexBuilder {
        CodexBuilder::default()
    }

    /// Wraps an async [`crate::Codex`] whose connection runs on `runtime`
    /// (it was spawned or connected inside `runtime.block_on` or a task of
    /// `runtime`). With [`crate::Codex::from_client`] and
    /// [`ClientBuilder::connect`], this runs the blocking API over any byte
    /// streams:
    ///
    /// ```no_run
    /// # fn example(
    /// #     reader: tokio::io::ReadHalf<tokio::io::DuplexStream>,
    /// #     writer: tokio::io::WriteHalf<tokio::io::DuplexStream>,
    /// # ) -> openai_codex::Result<()> {
    /// use openai_codex::{blocking, Client};
    ///
    /// let runtime = tokio::runtime::Runtime::new()?;
    /// let client = runtime.block_on(Client::builder().connect_io(reader, writer))?;
    /// let codex = blocking::Codex::from_async(openai_codex::Codex::from_client(client), runtime);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_async(codex: crate::Codex, runtime: impl Into<Arc<Runtime>>) -> Self {
        Self { inner: codex, runtime: runtime.into() }
    }

    pub(crate) fn inner(&self) -> &crate::Codex {
        &self.inner
    }

    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// The async [`crate::Codex`] underneath.
    pub fn as_async(&self) -> &crate::Codex {
        &self.inner
    }

    /// The low-level client: every protocol method, typed (async: run them
    /// with [`Codex::block_on`]).
    pub fn client(&self) -> &Client {
        self.inner.client()
    }

    /// What the runtime said about itself, and the versions in play; see
    /// [`crate::Codex::metadata`].
    pub fn metadata(&self) -> crate::Metadata {
        self.inner.metadata()
    }

    /// Runs any async operation of the SDK to completion on this
    /// [`Codex`]'s runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Shuts the runtime down: closes its input, waits for it to exit (up to
    /// the configured grace period), then kills it; see [`crate::Codex::close`].
    pub fn close(&self) {
        self.runtime.block_on(self.inner.close());
    }
}

/// The blocking [`crate::CodexBuilder`]: the same settings, and
/// [`CodexBuilder::spawn`] blocks until the runtime is initialized.
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `.spawn()`"]
pub struct CodexBuilder {
    inner: crate::CodexBuilder,
    runtime: Option<Arc<Runtime>>,
}

impl From<crate::CodexBuilder> for CodexBuilder {
    /// The blocking builder with the async builder's settings.
    fn from(inner: crate::CodexBuilder) -> Self {
        Self { inner, runtime: None }
    }
}

impl CodexBuilder {
    fn map(self, edit: impl FnOnce(crate::CodexBuilder) -> crate::CodexBuilder) -> Self {
        Self { inner: edit(self.inner), runtime: self.runtime }
    }

    /// Who answers the runtime's approval and input requests (default:
    /// decline all). The handler runs on the blocking [`Codex`]'s runtime.
    pub fn approval_handler(self, handler: impl ServerRequestHandler) -> Self {
        self.map(|inner| inner.approval_handler(handler))
    }

    /// Decides command approvals with a plain closure:
    /// `.on_command_approval(|_| Decision::Accept)`. It runs on the tokio
    /// blocking pool, so it may wait (e.g. for a person). Every kind of
    /// request without a closure keeps its fail-closed default; see
    /// [`crate::CodexBuilder::on_command_approval`].
    pub fn on_command_approval<F, A>(self, handler: F) -> Self
    where
        F: Fn(crate::types::CommandExecutionRequestApprovalParams) -> A + Send + Sync + 'static,
        A: crate::IntoAnswer<crate::types::CommandExecutionRequestApprovalResponse> + Send + 'static,
    {
        self.map(|inner| inner.map_approvals(|approvals| approvals.set_blocking_command(handler)))
    }

    /// Decides file change approvals with a plain closure; see
    /// [`CodexBuilder::on_command_approval`].
    pub fn on_file_change_approval<F, A>(self, handler: F) -> Self
    where
        F: Fn(crate::types::FileChangeRequestApprovalParams) -> A + Send + Sync + 'static,
        A: crate::IntoAnswer<crate::types::FileChangeRequestApprovalResponse> + Send + 'static,
    {
        self.map(|inner| inner.map_approvals(|approvals| approvals.set_blocking_file_change(handler)))
    }

    /// Answers permission requests with a plain closure; see
    /// [`CodexBuilder::on_command_approval`].
    pub fn on_permissions_request<F, A>(self, handler: F) -> Self
    where
        F: Fn(crate::types::PermissionsRequestApprovalParams) -> A + Send + Sync + 'static,
        A: crate::IntoAnswer<crate::types::PermissionsRequestApprovalResponse> + Send + 'static,
    {
        self.map(|inner| inner.map_approvals(|approvals| approvals.set_blocking_permissions(handler)))
    }

    /// Answers a tool's questions to the user with a plain closure; see
    /// [`CodexBuilder::on_command_approval`].
    pub fn on_user_input<F, A>(self, handler: F) -> Self
    where
        F: Fn(crate::types::ToolRequestUserInputParams) -> A + Send + Sync + 'static,
        A: crate::IntoAnswer<crate::types::ToolRequestUserInputResponse> + Send + 'static,
    {
        self.map(|inner| inner.map_approvals(|approvals| approvals.set_blocking_user_input(handler)))
    }

    /// Answers MCP elicitations with a plain closure; see
    /// [`CodexBuilder::on_command_approval`].
    pub fn on_elicitation<F, A>(self, handler: F) -> Self
    where
        F: Fn(crate::types::McpServerElicitationRequestParams) -> A + Send + Sync + 'static,
        A: crate::IntoAnswer<crate::types::McpServerElicitationRequestResponse> + Send + 'static,
    {
        self.map(|inner| inner.map_approvals(|approvals| approvals.set_blocking_elicitation(handler)))
    }

    /// Edits the low-level [`ClientBuilder`] underneath; see
    /// [`crate::CodexBuilder::with_client`].
    pub fn with_client(self, edit: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        self.map(|inner| inner.with_client(edit))
    }

    /// Edits the async [`crate::CodexBuilder`] underneath (for its approval
    /// closures, which are async there, or a builder made elsewhere).
    pub fn with_async(self, edit: impl FnOnce(crate::CodexBuilder) -> crate::CodexBuilder) -> Self {
        self.map(edit)
    }

    /// Runs the SDK on this tokio runtime instead of a new one (two worker
    /// threads). It must have I/O and time enabled.
    pub fn runtime(self, runtime: impl Into<Arc<Runtime>>) -> Self {
        Self { inner: self.inner, runtime: Some(runtime.into()) }
    }

    /// Starts the runtime and initializes it; see [`crate::CodexBuilder::spawn`].
    pub fn spawn(self) -> Result<Codex> {
        self.start(|inner| Box::pin(inner.spawn()))
    }

    /// Connects to a running app-server (`ws://HOST:PORT` or `unix://PATH`);
    /// see [`crate::CodexBuilder::connect`].
    pub fn connect(self, url: impl AsRef<str>) -> Result<Codex> {
        let url = url.as_ref().to_owned();
        self.start(move |inner| Box::pin(inner.connect(url)))
    }

    /// Connects to an app-server on a Unix socket; see
    /// [`crate::CodexBuilder::connect_unix`].
    pub fn connect_unix(self, path: impl AsRef<std::path::Path>) -> Result<Codex> {
        let path = path.as_ref().to_owned();
        self.start(move |inner| Box::pin(inner.connect_unix(path)))
    }

    /// Connects to the local app-server daemon; see
    /// [`crate::CodexBuilder::connect_daemon`].
    pub fn connect_daemon(self) -> Result<Codex> {
        self.start(|inner| Box::pin(inner.connect_daemon()))
    }


    fn start(
        self,
        open: impl FnOnce(crate::CodexBuilder) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<crate::Codex>> + Send>>,
    ) -> Result<Codex> {
        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => new_runtime()?,
        };
        let inner = runtime.block_on(open(self.inner))?;
        Ok(Codex { inner, runtime })
    }
}

/// The blocking [`crate::Thread`]: a conversation with the agent. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Thread {
    inner: crate::Thread,
    codex: Codex,
}

impl Thread {
    /// Wraps an async thread (used by the generated builders).
    pub(crate) fn from_async(inner: crate::Thread, runtime: &Arc<Runtime>) -> Self {
        let codex = Codex::from_async(inner.codex().clone(), Arc::clone(runtime));
        Self { inner, codex }
    }

    pub(crate) fn inner(&self) -> &crate::Thread {
        &self.inner
    }

    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.codex.runtime
    }

    /// The thread's id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// What the runtime said about the thread when this handle was made.
    pub fn info(&self) -> &crate::ThreadInfo {
        self.inner.info()
    }

    /// The runtime this thread lives in.
    pub fn codex(&self) -> &Codex {
        &self.codex
    }

    /// The settings the thread's next turn runs with; see [`crate::Thread::settings`].
    pub fn settings(&self) -> Option<crate::EffectiveSettings> {
        self.inner.settings()
    }

    /// The async [`crate::Thread`] underneath.
    pub fn as_async(&self) -> &crate::Thread {
        &self.inner
    }

    /// Runs one turn to its end and returns its result; see
    /// [`crate::Thread::run`]. For options (sandbox, model, ...) use
    /// [`Thread::turn`].
    pub fn run(&self, input: impl Into<TurnInput>) -> Result<TurnResult> {
        self.runtime().block_on(self.inner.run(input))
    }

    /// Runs one turn whose final answer must follow `T`'s JSON Schema, and
    /// parses the answer; see [`crate::Thread::run_structured`].
    pub fn run_structured<T: schemars::JsonSchema + serde::de::DeserializeOwned>(
        &self,
        input: impl Into<TurnInput>,
    ) -> Result<T> {
        self.runtime().block_on(self.inner.run_structured(input))
    }

    /// Like [`Thread::run_structured`], with a schema of your own; see
    /// [`crate::Thread::run_structured_with`].
    pub fn run_structured_with<T: serde::de::DeserializeOwned>(
        &self,
        input: impl Into<TurnInput>,
        schema: crate::OutputSchema,
    ) -> Result<T> {
        self.runtime().block_on(self.inner.run_structured_with(input, schema))
    }

    /// Reads the thread as the runtime has it now, optionally with its
    /// turns; see [`crate::Thread::read`].
    pub fn read(&self, include_turns: bool) -> Result<crate::ThreadInfo> {
        self.runtime().block_on(self.inner.read(include_turns))
    }

    /// Gives the thread a name.
    pub fn set_name(&self, name: impl Into<String>) -> Result<()> {
        self.runtime().block_on(self.inner.set_name(name))
    }

    /// Starts compacting the thread's history; see [`crate::Thread::compact`].
    pub fn compact(&self) -> Result<()> {
        self.runtime().block_on(self.inner.compact())
    }
}

/// The blocking [`crate::TurnHandle`]: a running turn. As an [`Iterator`] it
/// yields this turn's notifications (and ends after `turn/completed`);
/// [`TurnHandle::wait`] collects them into a [`TurnResult`].
#[derive(Debug)]
pub struct TurnHandle {
    inner: crate::TurnHandle,
    thread: Thread,
}

impl TurnHandle {
    /// Wraps an async turn handle (used by the generated builders).
    pub(crate) fn from_async(inner: crate::TurnHandle, runtime: &Arc<Runtime>) -> Self {
        let thread = Thread::from_async(inner.thread().clone(), runtime);
        Self { inner, thread }
    }

    fn runtime(&self) -> &Arc<Runtime> {
        self.thread.runtime()
    }

    /// The turn's id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// The thread the turn runs in.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// The async [`crate::TurnHandle`] underneath.
    pub fn as_async(&self) -> &crate::TurnHandle {
        &self.inner
    }

    /// The policy this turn runs under; see [`crate::TurnHandle::policy`].
    pub fn policy(&self) -> crate::TurnPolicy {
        self.inner.policy()
    }

    /// The runtime's `error` notifications seen so far; see [`crate::TurnHandle::errors`].
    pub fn errors(&self) -> &[crate::types::ErrorNotification] {
        self.inner.errors()
    }

    /// Adds input to the running turn; see [`crate::TurnHandle::steer`].
    pub fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        self.runtime().block_on(self.inner.steer(input))
    }

    /// Asks the runtime to stop the turn; it then ends as interrupted.
    pub fn interrupt(&self) -> Result<()> {
        self.runtime().block_on(self.inner.interrupt())
    }

    /// Waits for the turn to end and returns its result; a failed turn is
    /// [`Error::TurnFailed`]. See [`crate::TurnHandle::wait`].
    pub fn wait(self) -> Result<TurnResult> {
        self.thread.codex.runtime.block_on(self.inner.wait())
    }

    /// Same as [`TurnHandle::wait`].
    pub fn run(self) -> Result<TurnResult> {
        self.wait()
    }
}

impl Iterator for TurnHandle {
    type Item = Result<ServerNotification>;

    /// Blocks until the turn's next notification; `None` after `turn/completed`.
    fn next(&mut self) -> Option<Self::Item> {
        use futures::StreamExt;
        self.thread.codex.runtime.block_on(self.inner.next())
    }
}
