//! Quickstart: start the runtime, start a thread, run one turn, print the answer.
//! (The runtime shuts down when `codex` is dropped; `codex.close().await`
//! does it gracefully before that.)
//!
//! Run with `cargo run -p openai-codex --example 01_quickstart`.

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send().await?;
    let result = thread.run("Say hello in one short sentence.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    Ok(())
}
