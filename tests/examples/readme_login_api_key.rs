//! The official Python SDK's README, API-key login, in Rust
//! (`tests/parity/python/readme_login_api_key.py`).

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    codex.login_api_key("sk-...").await?;
    Ok(())
}
