//! Streaming a turn: print the answer as it is written. (`events()` instead
//! of `text_stream()` gives typed item events too, and the result last.)

use futures::StreamExt;
use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    let mut text = thread.turn("Tell me a very short story.").send().await?.text_stream();
    while let Some(piece) = text.next().await {
        print!("{}", piece?);
    }
    println!();
    Ok(())
}
