//! Plain literals work in numeric and boolean setters, async and blocking.

async fn list(codex: openai_codex::Codex) -> openai_codex::Result<()> {
    codex.thread_list().limit(10).archived(true).send().await?;
    codex.thread_start().ephemeral(false).send().await?;
    codex.thread_resume("thread-1").include_turns(false).send().await?;
    codex.command(["ls"]).tty(true).stdin(false).output_cap(1024).timeout(std::time::Duration::from_secs(5)).run().await?;
    codex.command(vec![String::from("ls")]).output_cap(None).timeout(None).run().await?;
    Ok(())
}

fn list_blocking(codex: openai_codex::blocking::Codex) -> openai_codex::Result<()> {
    codex.thread_list().limit(25).archived(false).send()?;
    codex.command(["true"]).tty(false).output_cap(64).run()?;
    Ok(())
}

fn main() {
    let _ = list;
    let _ = list_blocking;
}
