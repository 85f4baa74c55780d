//! Commands and reviews take the same typed values: a sandbox is a
//! `Sandbox` preset (not a string, not the wire policy), a review target a
//! `ReviewTarget` (not a bare branch name).

use openai_codex::types::SandboxPolicy;
use openai_codex::Codex;

async fn start(codex: Codex) -> openai_codex::Result<()> {
    codex.command(["ls"]).sandbox("read-only").run().await?;
    codex.command(["ls"]).sandbox(SandboxPolicy::DangerFullAccess).run().await?;
    let thread = codex.thread_start().send().await?;
    thread.review("main").run().await?;
    Ok(())
}

fn main() {
    drop(start);
}
