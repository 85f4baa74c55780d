//! Concurrent threads: several turns at once on one runtime; each result
//! holds only its own answer.

use futures::future::try_join_all;
use openai_codex::Codex;

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let questions = ["alpha", "beta", "gamma", "delta"];
    let runs = questions.iter().map(|question| {
        let codex = codex.clone();
        async move {
            let thread = codex.thread_start().send().await?;
            let result = thread.run(format!("Answer for {question}")).await?;
            Ok::<_, openai_codex::Error>((question, result.final_response.unwrap_or_default()))
        }
    });
    for (question, answer) in try_join_all(runs).await? {
        println!("{question}: {answer}");
    }
    codex.close().await;
    Ok(())
}
