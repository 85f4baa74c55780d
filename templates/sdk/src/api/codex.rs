//! [`Codex`]: the entry point of the friendly API.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::api::approvals::IntoAnswer;
use crate::api::{Approvals, EffectiveSettings, TurnPolicy};
use crate::client::{Client, ClientBuilder};
use crate::error::Result;
use crate::handler::ServerRequestHandler;
use crate::types::{
    ApprovalsReviewer, AskForApproval, CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse,
    FileChangeRequestApprovalParams, FileChangeRequestApprovalResponse, McpServerElicitationRequestParams,
    McpServerElicitationRequestResponse, PermissionsRequestApprovalParams, PermissionsRequestApprovalResponse,
    ToolRequestUserInputParams, ToolRequestUserInputResponse,
};
use crate::transport::{Origin, Target};

mod settings;

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
    turn_policy: TurnPolicy,
    handler: HandlerNotice,
    /// How it was made, for [`Codex::reconnect`] (`None` from a client).
    origin: Option<Arc<Origin>>,
}

/// Whether an approval handler was installed, and whether the warning that
/// a thread's mode never asks it was given.
#[derive(Clone, Debug, Default)]
struct HandlerNotice {
    installed: bool,
    warned: Arc<AtomicBool>,
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

    /// Wraps an already connected low-level client (with the default
    /// [`TurnPolicy`]; see [`Codex::with_turn_policy`]).
    pub fn from_client(client: Client) -> Self {
        Self { client, turn_policy: TurnPolicy::default(), handler: HandlerNotice::default(), origin: None }
    }

    /// This `Codex` with another [`TurnPolicy`] for its turns (clones made
    /// before keep theirs; the connection is shared).
    #[must_use]
    pub fn with_turn_policy(mut self, policy: TurnPolicy) -> Self {
        self.turn_policy = policy;
        self
    }

    /// The [`TurnPolicy`] of this client's turns (a turn builder may
    /// override it for one turn).
    pub fn turn_policy(&self) -> TurnPolicy {
        self.turn_policy
    }

    /// Warns once when an approval handler is installed but `settings` never
    /// send approvals to it.
    pub(crate) fn check_handler_reachable(&self, thread_id: &str, settings: &EffectiveSettings) {
        let asks_handler = settings.approval_policy != AskForApproval::Never
            && settings.approvals_reviewer == ApprovalsReviewer::User;
        if self.handler.installed && !asks_handler && !self.handler.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                thread = thread_id,
                approval_policy = ?settings.approval_policy,
                approvals_reviewer = ?settings.approvals_reviewer,
                "an approval handler is installed, but this thread's approval mode never asks it; \
                 use ApprovalMode::AskHandler to have it decide approvals"
            );
        }
    }

    /// How this `Codex` was made, if by a builder.
    pub(crate) fn origin(&self) -> Option<&Arc<Origin>> {
        self.origin.as_ref()
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
/// who answers its approval requests. Finish with [`CodexBuilder::spawn`] to
/// start a runtime, or with [`CodexBuilder::connect`] (or `connect_unix`,
/// `connect_daemon`) to use one that runs already.
#[derive(Debug, Default, Clone)]
#[must_use = "a builder does nothing until `.spawn()` or `.connect(..)`"]
pub struct CodexBuilder {
    client: ClientBuilder,
    turn_policy: TurnPolicy,
    handler_installed: bool,
    /// The closures per kind of request, and the trait handler behind them.
    approvals: Approvals,
}

impl CodexBuilder {
    /// Who answers the runtime's approval and input requests (default: decline all).
    ///
    /// Approval requests reach it only on threads and turns in
    /// [`ApprovalMode::AskHandler`](crate::ApprovalMode::AskHandler); in the
    /// other modes (including the default, `AutoReview`) it is never asked
    /// for approvals, and the SDK logs a warning once.
    ///
    /// The closures of [`on_command_approval`](Self::on_command_approval)
    /// and its siblings take precedence for their kind; this handler
    /// answers the rest.
    pub fn approval_handler(self, handler: impl ServerRequestHandler) -> Self {
        Self { approvals: self.approvals.fallback(handler), handler_installed: true, ..self }
    }

    /// Decides command approvals with a closure or async fn (see
    /// [`Approvals::on_command_approval`]): `.on_command_approval(|_| async { Decision::Accept })`.
    /// Every kind of request without a closure keeps its fail-closed default
    /// (or goes to the [`approval_handler`](Self::approval_handler)).
    pub fn on_command_approval<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(CommandExecutionRequestApprovalParams) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future + Send + 'static,
        Fut::Output: IntoAnswer<CommandExecutionRequestApprovalResponse>,
    {
        Self { approvals: self.approvals.on_command_approval(handler), handler_installed: true, ..self }
    }

    /// Decides file change approvals with a closure or async fn; see
    /// [`Approvals::on_file_change_approval`].
    pub fn on_file_change_approval<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(FileChangeRequestApprovalParams) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future + Send + 'static,
        Fut::Output: IntoAnswer<FileChangeRequestApprovalResponse>,
    {
        Self { approvals: self.approvals.on_file_change_approval(handler), handler_installed: true, ..self }
    }

    /// Answers permission requests with a closure or async fn; see
    /// [`Approvals::on_permissions_request`].
    pub fn on_permissions_request<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(PermissionsRequestApprovalParams) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future + Send + 'static,
        Fut::Output: IntoAnswer<PermissionsRequestApprovalResponse>,
    {
        Self { approvals: self.approvals.on_permissions_request(handler), handler_installed: true, ..self }
    }

    /// Answers a tool's questions to the user with a closure or async fn;
    /// see [`Approvals::on_user_input`].
    pub fn on_user_input<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(ToolRequestUserInputParams) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future + Send + 'static,
        Fut::Output: IntoAnswer<ToolRequestUserInputResponse>,
    {
        Self { approvals: self.approvals.on_user_input(handler), handler_installed: true, ..self }
    }

    /// Answers MCP elicitations with a closure or async fn; see
    /// [`Approvals::on_elicitation`].
    pub fn on_elicitation<F, Fut>(self, handler: F) -> Self
    where
        F: Fn(McpServerElicitationRequestParams) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future + Send + 'static,
        Fut::Output: IntoAnswer<McpServerElicitationRequestResponse>,
    {
        Self { approvals: self.approvals.on_elicitation(handler), handler_installed: true, ..self }
    }

    /// Edits the closures per kind (used by the blocking builder).
    pub(crate) fn map_approvals(self, edit: impl FnOnce(Approvals) -> Approvals) -> Self {
        Self { approvals: edit(self.approvals), handler_installed: true, ..self }
    }

    /// Edits the low-level [`ClientBuilder`] underneath. Each of its
    /// settings has a same-named setter here too; this is for several at
    /// once, or a builder made elsewhere.
    pub fn with_client(self, edit: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Self {
        Self { client: edit(self.client), ..self }
    }

    /// Starts the runtime and initializes it.
    pub async fn spawn(self) -> Result<Codex> {
        let origin = Origin::new(&self, Target::Spawn);
        let (client, turn_policy, handler_installed) = self.into_parts();
        Ok(Self::finish(client.spawn().await?, turn_policy, handler_installed, origin))
    }

    /// Connects to a running app-server at `ws://HOST:PORT` or `unix://PATH`
    /// instead of starting one, and initializes it; see
    /// [`ClientBuilder::connect`].
    ///
    /// ```no_run
    /// # async fn example() -> openai_codex::Result<()> {
    /// use openai_codex::{Codex, JwtSigner};
    ///
    /// let signer = JwtSigner::from_secret_file("/run/codex/secret", "my-program", "codex")?;
    /// let codex = Codex::builder().jwt_signer(signer).connect("ws://127.0.0.1:4500").await?;
    /// let thread = codex.thread_start().send().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(self, url: impl AsRef<str>) -> Result<Codex> {
        let origin = Origin::new(&self, Target::Url(url.as_ref().to_owned()));
        let (client, turn_policy, handler_installed) = self.into_parts();
        Ok(Self::finish(client.connect(url).await?, turn_policy, handler_installed, origin))
    }

    /// Connects to an app-server listening on a Unix socket; see
    /// [`ClientBuilder::connect_unix`].
    pub async fn connect_unix(self, path: impl AsRef<std::path::Path>) -> Result<Codex> {
        let origin = Origin::new(&self, Target::Unix(path.as_ref().to_owned()));
        let (client, turn_policy, handler_installed) = self.into_parts();
        Ok(Self::finish(client.connect_unix(path).await?, turn_policy, handler_installed, origin))
    }

    /// Connects to the local app-server daemon (started first if
    /// [`start_daemon_if_missing`](Self::start_daemon_if_missing)); see
    /// [`ClientBuilder::connect_daemon`].
    pub async fn connect_daemon(self) -> Result<Codex> {
        let origin = Origin::new(&self, Target::Daemon);
        let (client, turn_policy, handler_installed) = self.into_parts();
        Ok(Self::finish(client.connect_daemon().await?, turn_policy, handler_installed, origin))
    }

    /// The client builder with the approval handlers installed (when any
    /// were given), and the settings the `Codex` keeps.
    fn into_parts(self) -> (ClientBuilder, TurnPolicy, bool) {
        let client = if self.handler_installed { self.client.handler(self.approvals) } else { self.client };
        (client, self.turn_policy, self.handler_installed)
    }

    fn finish(client: Client, turn_policy: TurnPolicy, handler_installed: bool, origin: Arc<Origin>) -> Codex {
        let handler = HandlerNotice { installed: handler_installed, warned: Arc::default() };
        Codex { client, turn_policy, handler, origin: Some(origin) }
    }
}
