//! Spread threads over several app-servers: one program, N app-servers (on
//! this machine or, through SSH tunnels, on others), turns running on all
//! of them at once.
//!
//! Start a few app-servers (`codex app-server --listen ws://127.0.0.1:4501`,
//! `...:4502`, ...), then run with
//! `CODEX_APP_SERVER_URLS=ws://127.0.0.1:4501,ws://127.0.0.1:4502 cargo run
//! -p openai-codex --example 17_app_server_pool`.

use openai_codex::{AppServerPool, Codex, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let urls = std::env::var("CODEX_APP_SERVER_URLS").expect("set CODEX_APP_SERVER_URLS (comma-separated)");
    let pool = AppServerPool::connect_all(Codex::builder(), urls.split(',').map(str::trim)).await?;

    // Each new thread goes to the next app-server in turn; its turns stay there.
    let mut turns = Vec::new();
    for task in ["Name a prime number.", "Name a colour.", "Name a planet.", "Name a tree."] {
        let thread = pool.thread_start().sandbox(Sandbox::ReadOnly).send().await?;
        turns.push(tokio::spawn(async move {
            let server = thread.codex().client().endpoint().unwrap_or_default().to_owned();
            (task, server, thread.run(task).await)
        }));
    }
    for turn in turns {
        let (task, server, result) = turn.await.expect("the turn task ran");
        println!("{task} {} (on {server})", result?.final_response.unwrap_or_default());
    }
    pool.close().await;
    Ok(())
}
