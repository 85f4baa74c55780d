//! Sandbox presets: the same request under each of the three access levels.

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    for sandbox in [Sandbox::ReadOnly, Sandbox::WorkspaceWrite, Sandbox::FullAccess] {
        let thread = codex.thread_start().sandbox(sandbox).send().await?;
        let result = thread.run("Create a file named note.txt here.").await?;
        println!("{sandbox:?}: {}", result.final_response.unwrap_or_default());
    }
    Ok(())
}
