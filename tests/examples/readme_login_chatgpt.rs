//! The official Python SDK's README, ChatGPT browser login, in Rust
//! (`tests/parity/python/readme_login_chatgpt.py`).

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let mut login = codex.login_chatgpt().await?;
    println!("{}", login.auth_url());
    println!("{}", login.wait(None).await?.is_success());
    Ok(())
}
