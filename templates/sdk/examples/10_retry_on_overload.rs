//! Retrying what the service refused because it was overloaded, with
//! backoff; other errors are returned at once.

use openai_codex::{retry_on_overload, Codex};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    let result = retry_on_overload(|| thread.run("Say hello.")).await?;
    println!("{}", result.final_response.unwrap_or_default());
    Ok(())
}
