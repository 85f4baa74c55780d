//! Connect to an app-server that checks signed JWTs (HS256, with issuer,
//! audience and expiry), and run one turn. The SDK signs a fresh,
//! short-lived token for each connection from the shared secret.
//!
//! Start the app-server (the secret must be at least 32 bytes):
//!
//! ```text
//! head -c 48 /dev/urandom | base64 > ~/.codex-secret && chmod 600 ~/.codex-secret
//! codex app-server --listen ws://127.0.0.1:4500 \
//!     --ws-auth signed-bearer-token --ws-shared-secret-file ~/.codex-secret \
//!     --ws-issuer my-program --ws-audience codex-app-server
//! ```
//!
//! Then run with `CODEX_APP_SERVER_URL=ws://127.0.0.1:4500
//! CODEX_APP_SERVER_SECRET_FILE=~/.codex-secret cargo run -p openai-codex
//! --example 14_websocket_jwt`.

use std::time::Duration;

use openai_codex::{Codex, JwtSigner, Sandbox};

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let url = std::env::var("CODEX_APP_SERVER_URL").unwrap_or_else(|_| "ws://127.0.0.1:4500".to_owned());
    let secret_file = std::env::var("CODEX_APP_SERVER_SECRET_FILE").expect("set CODEX_APP_SERVER_SECRET_FILE");
    let issuer = std::env::var("CODEX_APP_SERVER_ISSUER").unwrap_or_else(|_| "my-program".to_owned());
    let audience = std::env::var("CODEX_APP_SERVER_AUDIENCE").unwrap_or_else(|_| "codex-app-server".to_owned());

    // Read the secret as the app-server does (surrounding whitespace dropped).
    let signer = JwtSigner::from_secret_file(secret_file, issuer, audience)?.lifetime(Duration::from_secs(60));
    let codex = Codex::builder().jwt_signer(signer).connect(&url).await?;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send().await?;
    let result = thread.run("Say hello in one short sentence.").await?;
    println!("{}", result.final_response.unwrap_or_default());
    codex.close().await;
    Ok(())
}
