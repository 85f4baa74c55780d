//! A turn's sandbox sticks: after a read-only turn, later turns of the
//! thread stay read-only until a turn sets another sandbox.

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().sandbox(Sandbox::WorkspaceWrite).send().await?;
    let locked = thread.turn("Look, don't touch.").sandbox(Sandbox::ReadOnly).run().await?;
    println!("read-only turn: {}", locked.final_response.unwrap_or_default());
    let still_locked = thread.run("Still read-only?").await?;
    println!("next turn: {}", still_locked.final_response.unwrap_or_default());
    let unlocked = thread.turn("Now you may write.").sandbox(Sandbox::WorkspaceWrite).run().await?;
    println!("workspace-write turn: {}", unlocked.final_response.unwrap_or_default());
    Ok(())
}
