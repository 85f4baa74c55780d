//! The fail-closed answers of the default handler, one per server request.
//!
//! Every [`ServerRequestHandler`](crate::handler::ServerRequestHandler)
//! method that is not overridden answers with the function of the same name
//! here. Each declines, denies or grants nothing, with a body the request's
//! schema accepts; requests that cannot be declined meaningfully (token
//! refresh, attestation) get a JSON-RPC error. Custom handlers may call these
//! for the requests they do not want to decide themselves.
//!
//! When a runtime bump adds a server request, generation of the handler
//! refers to a function here that does not exist yet, and the SDK does not
//! compile until its fail-closed answer is written: a new request can never
//! be answered by accident.

use crate::handler_support::HandlerError;
use crate::types::{
    ApplyPatchApprovalParams, ApplyPatchApprovalResponse, AttestationGenerateParams,
    AttestationGenerateResponse, ChatgptAuthTokensRefreshParams,
    ChatgptAuthTokensRefreshResponse, CommandExecutionApprovalDecision,
    CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse,
    DynamicToolCallOutputContentItem, DynamicToolCallParams, DynamicToolCallResponse,
    ExecCommandApprovalParams,
    ExecCommandApprovalResponse, FileChangeApprovalDecision, FileChangeRequestApprovalParams,
    FileChangeRequestApprovalResponse, GrantedPermissionProfile, McpServerElicitationAction,
    McpServerElicitationRequestParams, McpServerElicitationRequestResponse,
    PermissionGrantScope, PermissionsRequestApprovalParams, PermissionsRequestApprovalResponse,
    ReviewDecision, ToolRequestUserInputParams, ToolRequestUserInputResponse,
};

/// Declines the command.
pub fn item_command_execution_request_approval(
    _params: &CommandExecutionRequestApprovalParams,
) -> Result<CommandExecutionRequestApprovalResponse, HandlerError> {
    Ok(CommandExecutionRequestApprovalResponse::new(CommandExecutionApprovalDecision::Decline))
}

/// Declines the file change.
pub fn item_file_change_request_approval(
    _params: &FileChangeRequestApprovalParams,
) -> Result<FileChangeRequestApprovalResponse, HandlerError> {
    Ok(FileChangeRequestApprovalResponse::new(FileChangeApprovalDecision::Decline))
}

/// Grants none of the requested permissions, for this turn only.
pub fn item_permissions_request_approval(
    _params: &PermissionsRequestApprovalParams,
) -> Result<PermissionsRequestApprovalResponse, HandlerError> {
    let mut response = PermissionsRequestApprovalResponse::new(GrantedPermissionProfile::default());
    response.scope = Some(PermissionGrantScope::Turn);
    Ok(response)
}

/// Answers none of the questions.
pub fn item_tool_request_user_input(
    _params: &ToolRequestUserInputParams,
) -> Result<ToolRequestUserInputResponse, HandlerError> {
    Ok(ToolRequestUserInputResponse::new(Default::default()))
}

/// Declines the MCP server's elicitation.
pub fn mcp_server_elicitation_request(
    _params: &McpServerElicitationRequestParams,
) -> Result<McpServerElicitationRequestResponse, HandlerError> {
    Ok(McpServerElicitationRequestResponse::new(McpServerElicitationAction::Decline))
}

/// Reports the dynamic tool call as failed, with a message for the model
/// naming the tool: this client registered no tools for the thread.
pub fn item_tool_call(
    params: &DynamicToolCallParams,
) -> Result<DynamicToolCallResponse, HandlerError> {
    let tool = match &params.namespace {
        Some(namespace) => format!("{namespace}.{}", params.tool),
        None => params.tool.clone(),
    };
    let message = format!("The tool `{tool}` is not available: this client has no tools for this thread.");
    // Arguments in field order: content_items, success.
    Ok(DynamicToolCallResponse::new(vec![DynamicToolCallOutputContentItem::InputText { text: message }], false))
}

/// A JSON-RPC error: this client holds no ChatGPT tokens to refresh.
pub fn account_chatgpt_auth_tokens_refresh(
    _params: &ChatgptAuthTokensRefreshParams,
) -> Result<ChatgptAuthTokensRefreshResponse, HandlerError> {
    Err(HandlerError::unsupported("account/chatgptAuthTokens/refresh"))
}

/// A JSON-RPC error: this client cannot attest itself.
pub fn attestation_generate(
    _params: &AttestationGenerateParams,
) -> Result<AttestationGenerateResponse, HandlerError> {
    Err(HandlerError::unsupported("attestation/generate"))
}

/// Denies the patch (legacy approval request).
pub fn apply_patch_approval(
    _params: &ApplyPatchApprovalParams,
) -> Result<ApplyPatchApprovalResponse, HandlerError> {
    Ok(ApplyPatchApprovalResponse::new(ReviewDecision::Denied {
        rejection: "declined by the client's default handler".to_owned(),
    }))
}

/// Denies the command (legacy approval request).
pub fn exec_command_approval(
    _params: &ExecCommandApprovalParams,
) -> Result<ExecCommandApprovalResponse, HandlerError> {
    Ok(ExecCommandApprovalResponse::new(ReviewDecision::Denied {
        rejection: "declined by the client's default handler".to_owned(),
    }))
}
