//! Tools written in Rust: the model calls your own async functions. Each
//! tool's input schema comes from its argument type (converted to OpenAI's
//! strict subset), its arguments arrive as that type, and what it returns
//! becomes the call's output for the model. A `ToolNamespace` groups tools
//! under one name. Whatever goes wrong in a tool (arguments that do not
//! decode, an error, a panic, its time limit) is told to the model as a
//! failed call; the program goes on.

use std::collections::HashMap;
use std::sync::Arc;

use openai_codex::types::ThreadItem;
use openai_codex::{Codex, Tool, ToolNamespace, ToolOutput, Toolset};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[derive(Deserialize, JsonSchema)]
struct WeatherArgs {
    /// The city to look up.
    city: String,
    /// The unit of the answer (celsius when not given).
    unit: Option<Unit>,
}

#[derive(Deserialize, JsonSchema)]
struct NoteArgs {
    /// The note's name.
    name: String,
}

/// A tool function: an `async fn` of the argument type.
async fn weather(args: WeatherArgs) -> String {
    let celsius = 18.0;
    match args.unit.unwrap_or(Unit::Celsius) {
        Unit::Celsius => format!("{celsius} °C and sunny in {}", args.city),
        Unit::Fahrenheit => format!("{} °F and sunny in {}", celsius * 9.0 / 5.0 + 32.0, args.city),
    }
}

#[tokio::main]
async fn main() -> openai_codex::Result<()> {
    // A tool over some state of the program: a closure returning a future.
    let notes = Arc::new(HashMap::from([("groceries".to_owned(), "milk, bread, apples".to_owned())]));
    let read_note = Tool::new("read", "Reads one of the user's notes.", move |args: NoteArgs| {
        let notes = Arc::clone(&notes);
        async move {
            match notes.get(&args.name) {
                Some(text) => ToolOutput::text(text.clone()),
                None => ToolOutput::failure(format!("there is no note named {:?}", args.name)),
            }
        }
    })?;
    let tools = Toolset::new()
        .tool(Tool::new("get_weather", "The current weather of a city.", weather)?)
        .namespace(ToolNamespace::new("notes", "The user's notes.").tool(read_note));

    let codex = Codex::new().await?;
    let thread = codex.thread_start().tools(tools).send().await?;
    let result = thread.run("What is the weather in Paris, and what is on my grocery list?").await?;
    for item in &result.items {
        if let ThreadItem::DynamicToolCall { tool, namespace, success, .. } = item {
            let name = match namespace {
                Some(namespace) => format!("{namespace}.{tool}"),
                None => tool.clone(),
            };
            let outcome = if *success == Some(true) { "ok" } else { "failed" };
            println!("called {name}: {outcome}");
        }
    }
    println!("{}", result.final_response.unwrap_or_default());
    codex.close().await;
    Ok(())
}
