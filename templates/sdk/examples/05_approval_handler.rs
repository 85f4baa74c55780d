//! An approval handler: with `ApprovalMode::AskHandler` the runtime asks this
//! program before a command runs outside the sandbox; it approves unless the
//! command deletes something. (The crate README shows this same program.)
//! In the other approval modes the handler is never asked for approvals, and
//! without a handler every request is declined (fail closed).

use openai_codex::handler::{HandlerFuture, ServerRequestHandler};
use openai_codex::types::{
    CommandExecutionApprovalDecision, CommandExecutionRequestApprovalParams,
    CommandExecutionRequestApprovalResponse,
};
use openai_codex::{ApprovalMode, Codex, Sandbox};

struct NoDeletes;

impl ServerRequestHandler for NoDeletes {
    fn item_command_execution_request_approval(
        &self,
        params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        Box::pin(async move {
            let command = params.command.unwrap_or_default();
            let deletes = command.split_whitespace().any(|word| word == "rm");
            let decision = if deletes {
                CommandExecutionApprovalDecision::Decline
            } else {
                CommandExecutionApprovalDecision::Accept
            };
            println!("approval asked for `{command}`: {decision:?}");
            Ok(CommandExecutionRequestApprovalResponse { decision })
        })
    }
}

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::builder().approval_handler(NoDeletes).spawn().await?;
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .approval_mode(ApprovalMode::AskHandler)
        .send()
        .await?;
    let result = thread.run("Write notes.txt, asking to leave the sandbox.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    codex.close().await;
    Ok(())
}
