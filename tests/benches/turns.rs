//! Per-turn overhead of the SDK: the same turns against the mock model through
//! the public API (`thread.run`) and through a minimal raw JSON-RPC loop
//! (`raw_rpc`), both on the pinned runtime, interleaved in rounds. Then
//! turns/s with 1 and 8 concurrent threads through the SDK, and the same
//! scenario through the official Python SDK (`bench/python_sdk.py`, run on the
//! same mock and `CODEX_HOME`) when `bench/.venv` exists.
//!
//! Environment: `BENCH_TURNS` (turns per side, default 200, alternating),
//! `BENCH_CONCURRENT_TURNS` (turns per concurrency level, default 40).

mod common;

use std::time::{Duration, Instant};

use openai_codex::{Codex, Sandbox, Thread};
use openai_codex_tests::harness::Harness;
use openai_codex_tests::raw_rpc::RawSession;
use openai_codex_tests::scenario::{codex, within};
use serde_json::{json, Value};

// Strict alternation (one SDK turn, one raw turn) pairs each sample with a
// neighbour measured under the same machine load.
const ROUND: usize = 1;
const WARMUP: usize = 3;
const PROMPT: &str = "Say done.";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let turns: usize = env_or("BENCH_TURNS", 200);
    let concurrent_turns: usize = env_or("BENCH_CONCURRENT_TURNS", 40);
    // Every request gets the mock's default answer, a short text.
    let harness = Harness::start().await;

    let sdk = codex(&harness).await;
    let thread = new_thread(&sdk, &harness).await?;
    let mut raw = RawSession::spawn(raw_command(&harness))?;
    raw.initialize().await?;
    let started = raw
        .request("thread/start", json!({ "cwd": harness.cwd(), "sandbox": "read-only" }))
        .await?;
    let thread_id = started["thread"]["id"].as_str().expect("thread id").to_owned();

    for _ in 0..WARMUP {
        sdk_turn(&thread).await?;
        raw_turn(&mut raw, &thread_id).await?;
    }
    let (mut sdk_times, mut raw_times) = (Vec::new(), Vec::new());
    for round in 0..turns.div_ceil(ROUND) {
        let n = ROUND.min(turns - round * ROUND);
        // Alternate which side goes first in each round.
        for side in [round % 2, 1 - round % 2] {
            for _ in 0..n {
                if side == 0 {
                    sdk_times.push(sdk_turn(&thread).await?);
                } else {
                    raw_times.push(raw_turn(&mut raw, &thread_id).await?);
                }
            }
        }
    }
    let (sdk_mean, raw_mean) = (mean(&sdk_times), mean(&raw_times));
    let (sdk_median, raw_median) = (common::median(&mut sdk_times), common::median(&mut raw_times));
    // Judged on medians: a few turns delayed by other work on this shared
    // machine would otherwise decide a sub-millisecond figure.
    let overhead = sdk_median - raw_median;
    eprintln!("per turn: sdk {sdk_mean:.2} ms (median {sdk_median:.2}), raw {raw_mean:.2} ms (median {raw_median:.2})");
    common::row(
        &format!("per-turn overhead, ms: `thread.run` median − raw JSON-RPC median ({turns} turns each, alternating)"),
        format!("{overhead:.3} ms (SDK {sdk_median:.2} ms/turn)"),
        format!("{raw_median:.2} ms/turn (raw)"),
        sdk_median / raw_median,
        "overhead < 0.5 ms",
        Some(overhead < 0.5),
    );
    common::row(
        "per-turn overhead, % of the turn",
        format!("{:.2} %", overhead / raw_median * 100.0),
        format!("{raw_median:.2} ms/turn (raw)"),
        sdk_median / raw_median,
        "< 1 % (ratio < 1.01)",
        Some(overhead / raw_median < 0.01),
    );
    common::note(&format!(
        "Per-turn means: SDK {sdk_mean:.2} ms, raw {raw_mean:.2} ms (ratio {:.3}). \
         The raw loop also logs every frame (a `Value` clone per frame), so its \
         baseline is if anything slightly slow.",
        sdk_mean / raw_mean
    ));
    raw.shutdown().await;

    // Throughput with concurrent threads on one client.
    let mut rust_rates = Vec::new();
    for concurrency in [1usize, 8] {
        let rate = concurrent_rate(&sdk, &harness, concurrency, concurrent_turns).await?;
        eprintln!("rust: {concurrency} thread(s): {rate:.1} turns/s");
        rust_rates.push((concurrency, rate));
    }
    sdk.close().await;
    python(&harness, concurrent_turns, &rust_rates).await;
    Ok(())
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn mean(samples: &[f64]) -> f64 {
    samples.iter().sum::<f64>() / samples.len() as f64
}

async fn new_thread(codex: &Codex, harness: &Harness) -> anyhow::Result<Thread> {
    Ok(codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .cwd(harness.cwd())
        .send()
        .await?)
}

fn raw_command(harness: &Harness) -> tokio::process::Command {
    let mut command = harness.home.app_server_command();
    command.current_dir(harness.cwd());
    command
}

/// One turn through the public API; milliseconds.
async fn sdk_turn(thread: &Thread) -> anyhow::Result<f64> {
    let started = Instant::now();
    let result = within("an SDK turn", thread.run(PROMPT)).await?;
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(result.final_response.is_some(), "the turn has an answer");
    Ok(elapsed)
}

/// One turn through raw JSON-RPC: `turn/start`, then wait for
/// `turn/completed`; milliseconds.
async fn raw_turn(raw: &mut RawSession, thread_id: &str) -> anyhow::Result<f64> {
    let started = Instant::now();
    let input = json!([{ "type": "text", "text": PROMPT, "text_elements": [] }]);
    raw.request("turn/start", json!({ "threadId": thread_id, "input": input }))
        .await?;
    let completed: Value = raw
        .wait_for_notification("turn/completed", Duration::from_secs(60))
        .await?;
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(completed["turn"]["status"] == "completed", "{completed}");
    Ok(elapsed)
}

/// `total` turns spread over `concurrency` fresh threads of one client,
/// all running at once; turns per second of wall time.
async fn concurrent_rate(
    codex: &Codex,
    harness: &Harness,
    concurrency: usize,
    total: usize,
) -> anyhow::Result<f64> {
    let mut threads = Vec::new();
    for _ in 0..concurrency {
        let thread = new_thread(codex, harness).await?;
        sdk_turn(&thread).await?; // warm-up
        threads.push(thread);
    }
    let per_thread = total / concurrency;
    let started = Instant::now();
    let runs = threads.iter().map(|thread| async move {
        for _ in 0..per_thread {
            sdk_turn(thread).await?;
        }
        anyhow::Ok(())
    });
    for outcome in futures::future::join_all(runs).await {
        outcome?;
    }
    Ok((per_thread * concurrency) as f64 / started.elapsed().as_secs_f64())
}

/// Runs `bench/python_sdk.py turns` on the same mock, home and runtime binary,
/// and reports its turns/s against the Rust figures.
async fn python(harness: &Harness, total: usize, rust_rates: &[(usize, f64)]) {
    let Some(python) = common::venv_python() else {
        common::note("Python SDK turns: not run, `bench/.venv` is missing (run `bash bench/setup-python.sh`).");
        return;
    };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/python_sdk.py");
    let mut command = tokio::process::Command::new(python);
    command
        .arg(script)
        .arg("turns")
        .arg("--codex-bin")
        .arg(openai_codex_tests::codex_home::runtime_bin())
        .arg("--cwd")
        .arg(harness.cwd())
        .arg("--turns")
        .arg(total.to_string())
        .env("CODEX_HOME", harness.home.path())
        .stderr(std::process::Stdio::inherit());
    for name in openai_codex_tests::codex_home::SCRUBBED_ENV {
        command.env_remove(name);
    }
    let output = match command.output().await {
        Ok(output) => output,
        Err(error) => {
            common::note(&format!("Python SDK turns: not run: {error}"));
            return;
        }
    };
    let Some(result) = common::last_json(&output.stdout).filter(|_| output.status.success()) else {
        common::note(&format!(
            "Python SDK turns: the script failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default()
        ));
        return;
    };
    for (concurrency, rust) in rust_rates {
        let Some(py) = result["turns_per_s"][concurrency.to_string()].as_f64() else {
            continue;
        };
        common::row(
            &format!("turns/s, {concurrency} concurrent thread(s): Rust SDK (baseline: Python SDK)"),
            format!("{rust:.1} turns/s"),
            format!("{py:.1} turns/s"),
            rust / py,
            // The issue asks for the ratio; a turn is almost all runtime time,
            // so both SDKs land within noise of each other.
            "reported (no target)",
            None,
        );
    }
    if let Some(mean) = result["mean_ms_per_turn"].as_f64() {
        common::note(&format!("Python SDK: mean {mean:.2} ms per sequential turn."));
    }
}
