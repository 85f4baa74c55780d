//! Connect to an app-server listening on a Unix socket, and run one turn.
//! Only processes that can open the socket's file can connect: no token is
//! needed, the file's permissions are the access control.
//!
//! Start the app-server with `codex app-server --listen
//! unix:///run/user/$UID/codex.sock`, then run with
//! `CODEX_APP_SERVER_SOCKET=/run/user/$UID/codex.sock cargo run -p
//! openai-codex --example 15_unix_socket`.

use openai_codex::{Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let socket = std::env::var("CODEX_APP_SERVER_SOCKET").expect("set CODEX_APP_SERVER_SOCKET");

    let codex = Codex::builder().connect_unix(&socket).await?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send().await?;
    let result = thread.run("Say hello in one short sentence.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    codex.close().await;
    Ok(())
}
