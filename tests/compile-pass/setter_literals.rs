//! Plain literals work in numeric and boolean setters, async and blocking.

async fn list(codex: openai_codex::Codex) -> openai_codex::Result<()> {
    codex.thread_list().limit(10).archived(true).send().await?;
    codex.thread_start().ephemeral(false).send().await?;
    codex.thread_resume("thread-1").include_turns(false).send().await?;
    Ok(())
}

fn list_blocking(codex: openai_codex::blocking::Codex) -> openai_codex::Result<()> {
    codex.thread_list().limit(25).archived(false).send()?;
    Ok(())
}

fn main() {
    let _ = list;
    let _ = list_blocking;
}
