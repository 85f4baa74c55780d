//! The blocking command builder takes the same typed preset.

use openai_codex::blocking::Codex;

fn start(codex: Codex) -> openai_codex::Result<()> {
    codex.command(["ls"]).sandbox("danger-full-access").run()?;
    Ok(())
}

fn main() {
    drop(start);
}
