//! Structured output: the answer follows a JSON Schema derived from a Rust
//! type, and comes back as that type. The schema is converted to OpenAI's
//! strict subset (every field required, `Option` as a union with null) before
//! it is sent; a type strict mode cannot express (a `HashMap`, a
//! `serde_json::Value`) is refused before anything is sent.

use openai_codex::Codex;
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Debug, Deserialize, JsonSchema)]
struct Weather {
    /// The city the forecast is for.
    city: String,
    celsius: f64,
    conditions: Vec<String>,
    /// A weather warning, if there is one.
    warning: Option<String>,
}

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    let codex = Codex::new().await?;
    let thread = codex.thread_start().send().await?;
    let weather: Weather = thread.run_structured("What is the weather in Paris?").await?;
    println!("{}: {} °C, {}", weather.city, weather.celsius, weather.conditions.join(", "));
    if let Some(warning) = weather.warning {
        println!("warning: {warning}");
    }
    Ok(())
}
