//! The seed's headline (a turn-level sandbox override), in the official
//! Python SDK's "Change sandbox access" program, in Rust
//! (`tests/parity/python/seed_headline.py`).

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().sandbox(Sandbox::WorkspaceWrite).send().await?;
    thread.run("Make the requested changes.").await?;
    let review = thread.turn("Review the diff only.").sandbox(Sandbox::ReadOnly).run().await?;
    println!("{}", review.final_response.unwrap_or_default());
    Ok(())
}
