//! Use the local app-server daemon (`codex app-server daemon`), starting it
//! if it is not running, and run one turn. Several programs (an editor, a
//! script) can share one daemon; each sees its own threads' events.
//!
//! The daemon belongs to a `CODEX_HOME` (the default one, or the variable's)
//! and keeps running after this program ends; stop it with `codex
//! app-server daemon stop`. Run with `cargo run -p openai-codex --example
//! 16_daemon`.

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::builder().start_daemon_if_missing(true).connect_daemon().await?;
    eprintln!("connected to {}", codex.client().endpoint().unwrap_or("the daemon"));
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send().await?;
    let result = thread.run("Say hello in one short sentence.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    codex.close().await;
    Ok(())
}
