//! Steering a running turn with more input, then interrupting one.

use futures::StreamExt;
use openai_codex::types::TurnStatus;
use openai_codex::{Codex, TurnEvent};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;

    let turn = thread.turn("Start a long analysis.").send().await?;
    turn.steer("Actually, keep it to one line.").await?;
    let result = turn.wait().await?;
    println!("steered: {}", result.final_response.unwrap_or_default());

    let mut events = thread.turn("Start another long analysis.").send().await?.events();
    // Once the model is working on it, stop it.
    while let Some(event) = events.next().await {
        if matches!(event?, TurnEvent::ItemStarted(_)) {
            break;
        }
    }
    events.interrupt().await?;
    let result = events.wait().await?;
    println!("interrupted: {}", result.status == TurnStatus::Interrupted);
    Ok(())
}
