//! Approval handlers from closures or async fns, one per kind of request
//! ([`Approvals`]), beside the [`ServerRequestHandler`] trait for those who
//! want to answer every kind in one type. Every kind not given keeps its
//! fail-closed default.

use std::future::Future;
use std::sync::Arc;

use crate::handler::{DeclineAll, HandlerError, HandlerFuture, ServerRequestHandler};
use crate::types::{
    ApplyPatchApprovalParams, ApplyPatchApprovalResponse, AttestationGenerateParams, AttestationGenerateResponse,
    ChatgptAuthTokensRefreshParams, ChatgptAuthTokensRefreshResponse, CommandExecutionApprovalDecision,
    CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse, DynamicToolCallParams,
    DynamicToolCallResponse, ExecCommandApprovalParams, ExecCommandApprovalResponse, FileChangeApprovalDecision,
    FileChangeRequestApprovalParams, FileChangeRequestApprovalResponse, McpServerElicitationRequestParams,
    McpServerElicitationRequestResponse, PermissionsRequestApprovalParams, PermissionsRequestApprovalResponse,
    ToolRequestUserInputParams, ToolRequestUserInputResponse,
};

/// A decision on a command or a file change, for the closures of
/// [`Approvals`] (and [`CodexBuilder::on_command_approval`](crate::CodexBuilder::on_command_approval),
/// [`CodexBuilder::on_file_change_approval`](crate::CodexBuilder::on_file_change_approval)).
/// For the decisions only commands have (amending the exec policy or the
/// network policy), answer with a
/// [`CommandExecutionRequestApprovalResponse`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Run the command, or apply the change.
    Accept,
    /// Accept, and accept the same again for the rest of the session.
    AcceptForSession,
    /// Do not run it; the turn goes on.
    Decline,
    /// Do not run it, and stop the turn.
    Cancel,
}

impl From<Decision> for CommandExecutionApprovalDecision {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Accept => Self::Accept,
            Decision::AcceptForSession => Self::AcceptForSession,
            Decision::Decline => Self::Decline,
            Decision::Cancel => Self::Cancel,
        }
    }
}

impl From<Decision> for FileChangeApprovalDecision {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Accept => Self::Accept,
            Decision::AcceptForSession => Self::AcceptForSession,
            Decision::Decline => Self::Decline,
            Decision::Cancel => Self::Cancel,
        }
    }
}

/// What a closure of [`Approvals`] may return for a request whose answer is
/// `R`: the answer itself, a [`Decision`] (for commands and file changes),
/// or either in a `Result` whose error the runtime gets as a JSON-RPC error.
pub trait IntoAnswer<R> {
    /// The answer, or the error to send instead.
    fn into_answer(self) -> Result<R, HandlerError>;
}

macro_rules! answers {
    ($response:ty) => {
        impl IntoAnswer<$response> for $response {
            fn into_answer(self) -> Result<$response, HandlerError> {
                Ok(self)
            }
        }
        impl IntoAnswer<$response> for Result<$response, HandlerError> {
            fn into_answer(self) -> Result<$response, HandlerError> {
                self
            }
        }
    };
    ($response:ty, decision: $wire:ty) => {
        answers!($response);
        impl IntoAnswer<$response> for Decision {
            fn into_answer(self) -> Result<$response, HandlerError> {
                Ok(<$response>::new(<$wire>::from(self)))
            }
        }
        impl IntoAnswer<$response> for Result<Decision, HandlerError> {
            fn into_answer(self) -> Result<$response, HandlerError> {
                self.and_then(IntoAnswer::into_answer)
            }
        }
    };
}

answers!(CommandExecutionRequestApprovalResponse, decision: CommandExecutionApprovalDecision);
answers!(FileChangeRequestApprovalResponse, decision: FileChangeApprovalDecision);
answers!(PermissionsRequestApprovalResponse);
answers!(ToolRequestUserInputResponse);
answers!(McpServerElicitationRequestResponse);

/// One kind's closure, boxed.
type Callback<P, R> = Arc<dyn Fn(P) -> HandlerFuture<'static, R> + Send + Sync>;

fn callback<P, R, F, Fut>(handler: F) -> Callback<P, R>
where
    F: Fn(P) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: IntoAnswer<R>,
    R: Send + 'static,
{
    Arc::new(move |params| {
        let answer = handler(params);
        Box::pin(async move { answer.await.into_answer() })
    })
}

/// A plain (blocking) closure as a callback: it runs on tokio's blocking
/// pool, so it may wait (e.g. for a person to answer). A panic in it is a
/// JSON-RPC error for the runtime.
pub(crate) fn blocking_callback<P, R, F, A>(handler: F) -> impl Fn(P) -> HandlerFuture<'static, R> + Send + Sync + 'static
where
    F: Fn(P) -> A + Send + Sync + 'static,
    A: IntoAnswer<R> + Send + 'static,
    P: Send + 'static,
    R: Send + 'static,
{
    let handler = Arc::new(handler);
    move |params| {
        let handler = Arc::clone(&handler);
        Box::pin(async move {
            match tokio::task::spawn_blocking(move || handler(params)).await {
                Ok(answer) => answer.into_answer(),
                Err(error) => Err(HandlerError::internal(format!("the approval handler failed: {error}"))),
            }
        })
    }
}

/// Answers the runtime's requests with one closure (or async fn) per kind
/// of request; every kind not given is answered by the fallback handler,
/// by default [`DeclineAll`] (decline, deny, or a JSON-RPC error: fail
/// closed). Each closure takes the request's params and returns a future of
/// the answer (see [`IntoAnswer`]: for commands and file changes a
/// [`Decision`] will do).
///
/// Set it on a client with [`ClientBuilder::handler`](crate::ClientBuilder::handler),
/// or use the same-named one-line setters of [`CodexBuilder`](crate::CodexBuilder):
///
/// ```no_run
/// # async fn example() -> openai_codex::Result<()> {
/// use openai_codex::{Codex, Decision};
///
/// let codex = Codex::builder()
///     .on_command_approval(|request| async move {
///         if request.command.unwrap_or_default().contains("rm ") { Decision::Decline } else { Decision::Accept }
///     })
///     .spawn()
///     .await?;
/// # Ok(())
/// # }
/// ```
///
/// Approval requests reach it only on threads and turns in
/// [`ApprovalMode::AskHandler`](crate::ApprovalMode::AskHandler).
#[derive(Clone)]
#[must_use]
pub struct Approvals {
    command: Option<Callback<CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse>>,
    file_change: Option<Callback<FileChangeRequestApprovalParams, FileChangeRequestApprovalResponse>>,
    permissions: Option<Callback<PermissionsRequestApprovalParams, PermissionsRequestApprovalResponse>>,
    user_input: Option<Callback<ToolRequestUserInputParams, ToolRequestUserInputResponse>>,
    elicitation: Option<Callback<McpServerElicitationRequestParams, McpServerElicitationRequestResponse>>,
    fallback: Arc<dyn ServerRequestHandler>,
}

impl Default for Approvals {
    fn default() -> Self {
        Self {
            command: None,
            file_change: None,
            permissions: None,
            user_input: None,
            elicitation: None,
            fallback: Arc::new(DeclineAll),
        }
    }
}

impl std::fmt::Debug for Approvals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Approvals")
            .field("command", &self.command.is_some())
            .field("file_change", &self.file_change.is_some())
            .field("permissions", &self.permissions.is_some())
            .field("user_input", &self.user_input.is_some())
            .field("elicitation", &self.elicitation.is_some())
            .finish_non_exhaustive()
    }
}

impl Approvals {
    /// No closure yet: every request gets its fail-closed default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decides `item/commandExecution/requestApproval`: a command that asks
    /// to run outside the sandbox. Return a [`Decision`] (or a
    /// [`CommandExecutionRequestApprovalResponse`]).
    pub fn on_command_approval<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(CommandExecutionRequestApprovalParams) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoAnswer<CommandExecutionRequestApprovalResponse>,
    {
        self.command = Some(callback(handler));
        self
    }

    /// Decides `item/fileChange/requestApproval`: a file change that asks
    /// for approval. Return a [`Decision`] (or a
    /// [`FileChangeRequestApprovalResponse`]).
    pub fn on_file_change_approval<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(FileChangeRequestApprovalParams) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoAnswer<FileChangeRequestApprovalResponse>,
    {
        self.file_change = Some(callback(handler));
        self
    }

    /// Answers `item/permissions/requestApproval`: the agent asks for more
    /// permissions; return the ones granted.
    pub fn on_permissions_request<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(PermissionsRequestApprovalParams) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoAnswer<PermissionsRequestApprovalResponse>,
    {
        self.permissions = Some(callback(handler));
        self
    }

    /// Answers `item/tool/requestUserInput`: a tool asks the user questions.
    pub fn on_user_input<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(ToolRequestUserInputParams) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoAnswer<ToolRequestUserInputResponse>,
    {
        self.user_input = Some(callback(handler));
        self
    }

    /// Answers `mcpServer/elicitation/request`: an MCP server asks the user
    /// for input.
    pub fn on_elicitation<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(McpServerElicitationRequestParams) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoAnswer<McpServerElicitationRequestResponse>,
    {
        self.elicitation = Some(callback(handler));
        self
    }

    /// Who answers the kinds without a closure, and every other request
    /// (tool calls, token refresh, legacy approvals, unknown requests).
    /// Default: [`DeclineAll`].
    pub fn fallback(mut self, handler: impl ServerRequestHandler) -> Self {
        self.fallback = Arc::new(handler);
        self
    }

    /// Whether no closure is set (every request goes to the fallback).
    pub fn is_empty(&self) -> bool {
        self.command.is_none()
            && self.file_change.is_none()
            && self.permissions.is_none()
            && self.user_input.is_none()
            && self.elicitation.is_none()
    }
}

impl ServerRequestHandler for Approvals {
    fn item_command_execution_request_approval(
        &self,
        params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        match &self.command {
            Some(handler) => handler(params),
            None => self.fallback.item_command_execution_request_approval(params),
        }
    }

    fn item_file_change_request_approval(
        &self,
        params: FileChangeRequestApprovalParams,
    ) -> HandlerFuture<'_, FileChangeRequestApprovalResponse> {
        match &self.file_change {
            Some(handler) => handler(params),
            None => self.fallback.item_file_change_request_approval(params),
        }
    }

    fn item_permissions_request_approval(
        &self,
        params: PermissionsRequestApprovalParams,
    ) -> HandlerFuture<'_, PermissionsRequestApprovalResponse> {
        match &self.permissions {
            Some(handler) => handler(params),
            None => self.fallback.item_permissions_request_approval(params),
        }
    }

    fn item_tool_request_user_input(
        &self,
        params: ToolRequestUserInputParams,
    ) -> HandlerFuture<'_, ToolRequestUserInputResponse> {
        match &self.user_input {
            Some(handler) => handler(params),
            None => self.fallback.item_tool_request_user_input(params),
        }
    }

    fn mcp_server_elicitation_request(
        &self,
        params: McpServerElicitationRequestParams,
    ) -> HandlerFuture<'_, McpServerElicitationRequestResponse> {
        match &self.elicitation {
            Some(handler) => handler(params),
            None => self.fallback.mcp_server_elicitation_request(params),
        }
    }

    fn item_tool_call(&self, params: DynamicToolCallParams) -> HandlerFuture<'_, DynamicToolCallResponse> {
        self.fallback.item_tool_call(params)
    }

    fn account_chatgpt_auth_tokens_refresh(
        &self,
        params: ChatgptAuthTokensRefreshParams,
    ) -> HandlerFuture<'_, ChatgptAuthTokensRefreshResponse> {
        self.fallback.account_chatgpt_auth_tokens_refresh(params)
    }

    fn attestation_generate(&self, params: AttestationGenerateParams) -> HandlerFuture<'_, AttestationGenerateResponse> {
        self.fallback.attestation_generate(params)
    }

    fn apply_patch_approval(&self, params: ApplyPatchApprovalParams) -> HandlerFuture<'_, ApplyPatchApprovalResponse> {
        self.fallback.apply_patch_approval(params)
    }

    fn exec_command_approval(&self, params: ExecCommandApprovalParams) -> HandlerFuture<'_, ExecCommandApprovalResponse> {
        self.fallback.exec_command_approval(params)
    }

    fn unknown(&self, method: String, params: Option<serde_json::Value>) -> HandlerFuture<'_, serde_json::Value> {
        self.fallback.unknown(method, params)
    }
}

/// The blocking setters: plain closures, run on tokio's blocking pool.
impl Approvals {
    pub(crate) fn set_blocking_command<F, A>(mut self, handler: F) -> Self
    where
        F: Fn(CommandExecutionRequestApprovalParams) -> A + Send + Sync + 'static,
        A: IntoAnswer<CommandExecutionRequestApprovalResponse> + Send + 'static,
    {
        self.command = Some(Arc::new(blocking_callback(handler)));
        self
    }

    pub(crate) fn set_blocking_file_change<F, A>(mut self, handler: F) -> Self
    where
        F: Fn(FileChangeRequestApprovalParams) -> A + Send + Sync + 'static,
        A: IntoAnswer<FileChangeRequestApprovalResponse> + Send + 'static,
    {
        self.file_change = Some(Arc::new(blocking_callback(handler)));
        self
    }

    pub(crate) fn set_blocking_permissions<F, A>(mut self, handler: F) -> Self
    where
        F: Fn(PermissionsRequestApprovalParams) -> A + Send + Sync + 'static,
        A: IntoAnswer<PermissionsRequestApprovalResponse> + Send + 'static,
    {
        self.permissions = Some(Arc::new(blocking_callback(handler)));
        self
    }

    pub(crate) fn set_blocking_user_input<F, A>(mut self, handler: F) -> Self
    where
        F: Fn(ToolRequestUserInputParams) -> A + Send + Sync + 'static,
        A: IntoAnswer<ToolRequestUserInputResponse> + Send + 'static,
    {
        self.user_input = Some(Arc::new(blocking_callback(handler)));
        self
    }

    pub(crate) fn set_blocking_elicitation<F, A>(mut self, handler: F) -> Self
    where
        F: Fn(McpServerElicitationRequestParams) -> A + Send + Sync + 'static,
        A: IntoAnswer<McpServerElicitationRequestResponse> + Send + 'static,
    {
        self.elicitation = Some(Arc::new(blocking_callback(handler)));
        self
    }
}
