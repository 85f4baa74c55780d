//! The blocking builders take the same typed presets.

use openai_codex::blocking::Codex;

fn start(codex: Codex) -> openai_codex::Result<()> {
    codex.thread_resume("thread-1").sandbox("workspace-write").approval_mode("on-request").send()?;
    Ok(())
}

fn main() {
    drop(start);
}
