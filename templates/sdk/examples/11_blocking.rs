//! The blocking API: the same calls, no async runtime needed. (Its
//! `TurnHandle::text_stream()` is an `Iterator` of the answer's pieces.)

use openai_codex::blocking::Codex;
use openai_codex::Sandbox;

fn main() -> openai_codex::Result<()> {
    let codex = Codex::new()?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send()?;
    let result = thread.run("Say hello.")?;
    println!("{}", result.final_response.unwrap_or_default());
    Ok(())
}
