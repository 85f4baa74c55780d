//! Peak memory while streaming one turn of 100,000 agent-message deltas
//! through `thread.turn(..).send()`, consuming every event.
//!
//! The mock model runs in a child process (this binary again, with
//! `BENCH_MOCK_CHILD=1`), so its 100,000 scripted events do not count in this
//! process's RSS. Figures: `VmHWM` (peak RSS) after the turn against `VmRSS`
//! before it (after a warm-up turn), both from `/proc/self/status`.
//!
//! Environment: `BENCH_DELTAS` (default 100000).

mod common;

use std::io::BufRead as _;
use std::process::{Command, Stdio};

use futures::StreamExt as _;
use openai_codex::methods::ServerNotification;
use openai_codex::{Client, Codex, Sandbox};
use openai_codex_tests::codex_home::{runtime_bin, CodexHome, SCRUBBED_ENV};
use openai_codex_tests::mock_model::{Answer, Matcher, MockModel};
use serde_json::json;

const BIG_PROMPT: &str = "Stream many deltas.";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let deltas: usize = std::env::var("BENCH_DELTAS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    if std::env::var_os("BENCH_MOCK_CHILD").is_some() {
        return serve_mock(deltas).await;
    }
    let mut child = Command::new(std::env::current_exe()?)
        .env("BENCH_MOCK_CHILD", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut url)?;
    let home = CodexHome::new(url.trim())?;
    let cwd = tempfile::tempdir()?;
    let mut builder = Client::builder()
        .codex_bin(runtime_bin())
        .env("CODEX_HOME", home.path())
        .cwd(cwd.path());
    for name in SCRUBBED_ENV {
        builder = builder.env_remove(*name);
    }
    let codex = Codex::from_client(builder.spawn().await?);
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).cwd(cwd.path()).send().await?;
    thread.run("Warm up.").await?;

    let before = status_kb("VmRSS:");
    let before_peak = status_kb("VmHWM:");
    let mut handle = thread.turn(BIG_PROMPT).send().await?;
    let (mut received, mut text_len) = (0usize, 0usize);
    while let Some(event) = handle.next().await {
        if let ServerNotification::ItemAgentMessageDelta(delta) = event? {
            received += 1;
            text_len += delta.delta.len();
        }
    }
    let peak = status_kb("VmHWM:");
    codex.close().await;
    drop(child.stdin.take());
    let _ = child.wait();

    let mb = |kb: u64| kb as f64 / 1024.0;
    eprintln!("rss before {:.1} MB (peak so far {:.1}), peak after {:.1} MB; {received} deltas, {text_len} bytes", mb(before), mb(before_peak), mb(peak));
    anyhow::ensure!(received == deltas, "received {received} of {deltas} deltas");
    common::row(
        &format!("peak RSS streaming {deltas} deltas (`thread.turn(..).send()`), MB (baseline: RSS before the turn)"),
        format!("{:.1} MB (+{:.1} MB)", mb(peak), mb(peak.saturating_sub(before))),
        format!("{:.1} MB", mb(before)),
        peak as f64 / before as f64,
        "reported (no target)",
        None,
    );
    common::note(&format!(
        "Memory: {received} delta events received ({text_len} bytes of text); the \
         peak RSS before the turn (start-up, warm-up turn) was {:.1} MB. The mock \
         runs in a child process and is not counted.",
        mb(before_peak)
    ));
    Ok(())
}

/// The child: a mock answering the big prompt with `deltas` text deltas
/// (anything else gets the default short answer); prints its URL, serves
/// until stdin closes.
async fn serve_mock(deltas: usize) -> anyhow::Result<()> {
    let mock = MockModel::start().await?;
    let mut events = vec![
        json!({ "type": "response.created", "response": { "id": "resp_big" } }),
        json!({ "type": "response.output_item.added", "output_index": 0, "item": {
            "type": "message", "role": "assistant", "id": "msg_big", "status": "in_progress", "content": [] } }),
    ];
    let mut text = String::new();
    for i in 0..deltas {
        let delta = format!("w{} ", i % 1000);
        text.push_str(&delta);
        events.push(json!({ "type": "response.output_text.delta", "item_id": "msg_big", "content_index": 0, "delta": delta }));
    }
    events.push(json!({ "type": "response.output_item.done", "output_index": 0, "item": {
        "type": "message", "role": "assistant", "id": "msg_big", "status": "completed",
        "content": [{ "type": "output_text", "text": text, "annotations": [] }] } }));
    events.push(json!({ "type": "response.completed", "response": { "id": "resp_big", "usage": {
        "input_tokens": 10, "input_tokens_details": { "cached_tokens": 0 }, "output_tokens": deltas,
        "output_tokens_details": { "reasoning_tokens": 0 }, "total_tokens": deltas + 10 } } }));
    mock.push_when(Matcher::user_text_contains(BIG_PROMPT), Answer::events(events));
    println!("{}", mock.url());
    tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
    Ok(())
}

/// A `kB` field of `/proc/self/status`.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
