//! Signing in with an API key, reading the account, signing out.
//!
//! Reads the key from `OPENAI_API_KEY`. (`login_chatgpt()` and
//! `login_chatgpt_device_code()` start the browser and device-code flows.)

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    codex.login_api_key(std::env::var("OPENAI_API_KEY").expect("OPENAI_API_KEY holds the key")).await?;
    let account = codex.account().await?;
    println!("signed in: {:?}", account.account);
    codex.logout().await?;
    println!("signed out: {}", codex.account().await?.account.is_none());
    Ok(())
}
