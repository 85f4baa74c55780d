//! Code review with the blocking API: the agent reviews the current
//! branch against `main`; the review is a turn, and its commands run in the
//! thread's sandbox.

use openai_codex::blocking::Codex;
use openai_codex::{ReviewTarget, Sandbox};

fn main() -> openai_codex::Result<()> {
    let codex = Codex::new()?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send()?;
    let result = thread.review(ReviewTarget::base_branch("main")).run()?;
    println!("{}", result.review().unwrap_or("(no review)"));
    codex.close();
    Ok(())
}
