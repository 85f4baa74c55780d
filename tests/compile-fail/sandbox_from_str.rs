//! A sandbox is a `Sandbox` preset, never a string: a typo cannot widen access.

use openai_codex::Codex;

async fn start(codex: Codex) -> openai_codex::Result<()> {
    let thread = codex.thread_start().sandbox("read-only").send().await?;
    thread.turn("hi").sandbox("danger-full-access").send().await?;
    Ok(())
}

fn main() {
    drop(start);
}
