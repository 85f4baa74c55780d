//! An approval handler: approve commands that only list files, decline the rest.
//! Without a handler, every request is declined (fail closed).

use openai_codex::handler::{HandlerFuture, ServerRequestHandler};
use openai_codex::types::{
    ApprovalsReviewer, AskForApproval, CommandExecutionApprovalDecision,
    CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse,
};
use openai_codex::{Codex, Sandbox};

struct ListingOnly;

impl ServerRequestHandler for ListingOnly {
    fn item_command_execution_request_approval(
        &self,
        params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        Box::pin(async move {
            let command = params.command.unwrap_or_default();
            let decision = if command.contains(" ls") || command.starts_with("ls") {
                CommandExecutionApprovalDecision::Accept
            } else {
                CommandExecutionApprovalDecision::Decline
            };
            println!("approval asked for `{command}`: {decision:?}");
            Ok(CommandExecutionRequestApprovalResponse { decision })
        })
    }
}

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::builder().approval_handler(ListingOnly).spawn().await?;
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        // Ask the user (this handler) instead of a reviewer model.
        .with_params(|params| {
            params.approval_policy = Some(AskForApproval::OnRequest);
            params.approvals_reviewer = Some(ApprovalsReviewer::User);
        })
        .send()
        .await?;
    let result = thread.run("Write a file outside the sandbox.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    codex.close().await;
    Ok(())
}
