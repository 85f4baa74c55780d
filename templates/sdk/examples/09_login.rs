//! Signing in with an API key, reading the account, signing out.
//!
//! Reads the key from `OPENAI_API_KEY`. (`login_chatgpt()` and
//! `login_chatgpt_device_code()` start the browser and device-code flows.)

use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let Ok(key) = std::env::var("OPENAI_API_KEY") else {
        eprintln!("set OPENAI_API_KEY to the key to sign in with");
        std::process::exit(2);
    };
    let codex = Codex::new().await?;
    codex.login_api_key(key).await?;
    let account = codex.account().await?;
    println!("signed in: {:?}", account.account);
    codex.logout().await?;
    println!("signed out: {}", codex.account().await?.account.is_none());
    codex.close().await;
    Ok(())
}
