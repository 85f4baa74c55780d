//! Connect to an app-server that runs already, over a WebSocket with a
//! capability token, and run one turn.
//!
//! Start the app-server (loopback only; reach it from another machine
//! through an SSH tunnel, see the README):
//!
//! ```text
//! head -c 32 /dev/urandom | base64 > ~/.codex-token && chmod 600 ~/.codex-token
//! codex app-server --listen ws://127.0.0.1:4500 \
//!     --ws-auth capability-token --ws-token-file ~/.codex-token
//! ```
//!
//! Then run with `CODEX_APP_SERVER_URL=ws://127.0.0.1:4500
//! CODEX_APP_SERVER_TOKEN_FILE=~/.codex-token cargo run -p openai-codex
//! --example 13_websocket_token`.

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let url = std::env::var("CODEX_APP_SERVER_URL").unwrap_or_else(|_| "ws://127.0.0.1:4500".to_owned());
    let token_file = std::env::var("CODEX_APP_SERVER_TOKEN_FILE").expect("set CODEX_APP_SERVER_TOKEN_FILE");
    // The app-server compares the token with its file's content, trimmed.
    let token = std::fs::read_to_string(token_file)?;

    let codex = Codex::builder().bearer_token(token.trim()).connect(&url).await?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send().await?;
    let result = thread.run("Say hello in one short sentence.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    // Disconnects; the app-server keeps running for its other clients.
    codex.close().await;
    Ok(())
}
