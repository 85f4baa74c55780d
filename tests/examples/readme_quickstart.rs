//! The official Python SDK's README, Quickstart, in Rust
//! (`tests/parity/python/readme_quickstart.py`).

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    let result = thread.run("Explain this repository in three bullets.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    Ok(())
}
