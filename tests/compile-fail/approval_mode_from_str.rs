//! An approval mode is an `ApprovalMode`, never a string.

use openai_codex::Codex;

async fn start(codex: Codex) -> openai_codex::Result<()> {
    codex.thread_start().approval_mode("never").send().await?;
    Ok(())
}

fn main() {
    drop(start);
}
