//! The official Python SDK's README, device-code login, in Rust
//! (`tests/parity/python/readme_login_device_code.py`).

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let mut login = codex.login_chatgpt_device_code().await?;
    println!("{} {}", login.verification_url(), login.user_code());
    login.wait(None).await?;
    Ok(())
}
