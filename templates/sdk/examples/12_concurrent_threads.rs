//! Concurrent threads: several turns at once on one runtime; each result
//! holds only its own answer.

use futures::future::try_join_all;
use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = &Codex::new().await?;
    let runs = ["alpha", "beta", "gamma", "delta"].map(|question| async move {
        let result = codex.thread_start().send().await?.run(format!("Answer for {question}")).await?;
        Ok::<_, openai_codex::Error>((question, result.final_response.unwrap_or_default()))
    });
    for (question, answer) in try_join_all(runs).await? {
        println!("{question}: {answer}");
    }
    Ok(())
}
