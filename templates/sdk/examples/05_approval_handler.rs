//! An approval handler: with `ApprovalMode::AskHandler` the runtime asks this
//! program before a command runs outside the sandbox; it approves unless the
//! command deletes something. (The crate README shows this same program.)
//! Every kind of request without a closure (file changes, permissions, user
//! input, elicitations) keeps its fail-closed default, and in the other
//! approval modes the handler is never asked.

use openai_codex::{ApprovalMode, Codex, Decision, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::builder()
        .on_command_approval(|request| async move {
            let command = request.command.unwrap_or_default();
            let deletes = command.split_whitespace().any(|word| word == "rm");
            let decision = if deletes { Decision::Decline } else { Decision::Accept };
            println!("approval asked for `{command}`: {decision:?}");
            decision
        })
        .spawn()
        .await?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).approval_mode(ApprovalMode::AskHandler).send().await?;
    let result = thread.run("Write notes.txt, asking to leave the sandbox.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    Ok(())
}
