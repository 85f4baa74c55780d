//! The blocking builders' numeric setters take their own type too.

use openai_codex::blocking::Codex;

fn list(codex: Codex) -> openai_codex::Result<()> {
    codex.thread_list().limit(-1i64).send()?;
    Ok(())
}

fn main() {
    drop(list);
}
