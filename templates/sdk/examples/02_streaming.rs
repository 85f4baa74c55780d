//! Streaming a turn: print the answer as it is written, then the usage.

use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    let mut turn = thread.turn("Tell me a very short story.").send().await?;
    while let Some(event) = turn.next().await {
        if let ServerNotification::ItemAgentMessageDelta(delta) = event? {
            print!("{}", delta.delta);
        }
    }
    println!();
    codex.close().await;
    Ok(())
}
