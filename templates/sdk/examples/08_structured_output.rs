//! Structured output: the answer follows a JSON Schema derived from a Rust
//! type, and comes back as that type.

use openai_codex::Codex;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Deserialize, JsonSchema)]
struct Weather {
    city: String,
    celsius: f64,
}

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    let weather: Weather = thread.run_structured("What is the weather in Paris?").await?;
    println!("{}: {} °C", weather.city, weather.celsius);
    codex.close().await;
    Ok(())
}
