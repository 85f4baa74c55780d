//! Numeric and boolean setters take their own type: nonsense does not compile.

use openai_codex::Codex;

async fn list(codex: Codex) -> openai_codex::Result<()> {
    codex.thread_list().limit(true).archived(1).send().await?;
    codex.thread_start().ephemeral("yes").send().await?;
    Ok(())
}

fn main() {
    drop(list);
}
