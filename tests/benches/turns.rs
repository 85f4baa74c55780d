//! Per-turn overhead of the SDK: the same turns against the mock model through
//! the public API (`thread.run`) and through a minimal raw JSON-RPC loop
//! (`raw_rpc`), both on the pinned runtime, interleaved in rounds. Then
//! turns/s with 1, 8 and 32 concurrent threads through the SDK, the raw
//! loop, and the official Python SDK (`bench/python_sdk.py`, run on the
//! same mock and `CODEX_HOME`, when `bench/.venv` exists), round by round,
//! reported as paired ratios with 95% intervals, with the CPU time each
//! client spends per turn (the mock model runs on a thread of its own so
//! that the client's share can be measured). Every sample of every side
//! runs on a fresh app-server with fresh threads, each warmed up with one
//! turn, as the Python SDK's script does; the raw loop starts its threads
//! with the settings the SDK sends. One warm-up round per level is not kept.
//!
//! Environment: `BENCH_TURNS` (turns per side, default 200, alternating),
//! `BENCH_CONCURRENT_TURNS` (turns per sample, default 64, and at least four
//! per thread), `BENCH_RATE_ROUNDS` (samples per side and level, default
//! 15), `BENCH_LEVELS` (concurrency levels, default `1,8,32`).

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
    let concurrent_turns: usize = env_or("BENCH_CONCURRENT_TURNS", 64);
    let rate_rounds: usize = env_or("BENCH_RATE_ROUNDS", 15);
    // Every request gets the mock's default answer, a short text.
    let (harness, mock) = harness_on_own_thread().await;

    let sdk = codex(&harness).await;
    let thread = new_thread(&sdk, &harness).await?;
    let mut raw = raw_session(&harness).await?;
    let thread_id = raw_thread(&mut raw, &harness).await?;

    for _ in 0..WARMUP {
        sdk_turn(&thread).await?;
        raw_turn(&mut raw, &thread_id).await?;
    }
    let (mut sdk_times, mut raw_times) = (Vec::new(), Vec::new());
    // CPU time the client spent on each turn (this process's threads but
    // the mock model's): what the client itself costs, whatever else the
    // machine is doing; and the CPU time of everything a turn runs on (this
    // process, mock included, and the app-servers it started).
    let (mut sdk_cpu, mut raw_cpu) = (Vec::new(), Vec::new());
    let (mut sdk_all, mut raw_all) = (Vec::new(), Vec::new());
    for round in 0..turns.div_ceil(ROUND) {
        let n = ROUND.min(turns - round * ROUND);
        // Alternate which side goes first in each round.
        for side in [round % 2, 1 - round % 2] {
            for _ in 0..n {
                let meter = CpuMeter::start(&mock);
                let (client, all) = if side == 0 {
                    sdk_times.push(sdk_turn(&thread).await?);
                    (&mut sdk_cpu, &mut sdk_all)
                } else {
                    raw_times.push(raw_turn(&mut raw, &thread_id).await?);
                    (&mut raw_cpu, &mut raw_all)
                };
                let used = meter.per_turn(1);
                client.push(used.client_us);
                all.push(used.all_us);
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
    report_cpu(&mut sdk_cpu, &mut raw_cpu, &mut sdk_all, &mut raw_all);
    common::note(&format!(
        "Per-turn means: SDK {sdk_mean:.2} ms, raw {raw_mean:.2} ms (ratio {:.3}). \
         The raw loop also logs every frame (a `Value` clone per frame), so its \
         baseline is if anything slightly slow.",
        sdk_mean / raw_mean
    ));
    raw.shutdown().await;
    sdk.close().await;

    // Throughput with concurrent threads on one client: the SDK, the raw
    // loop and the Python SDK take turns round by round, so each round's
    // three figures share the machine's load of that moment.
    let levels: Vec<usize> = std::env::var("BENCH_LEVELS")
        .ok()
        .map(|levels| levels.split(',').filter_map(|level| level.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 8, 32]);
    let python = common::venv_python();
    for &level in &levels {
        // At least four turns per thread: with fewer, a sample is mostly the
        // wait for the slowest thread's last turn.
        let total = concurrent_turns.max(level * 4) / level * level;
        let (mut sdk_samples, mut raw_samples, mut py_samples) = (Vec::new(), Vec::new(), Vec::new());
        // Round 0 warms all three sides up at this level and is not kept
        // (every side's first round here ran markedly slower).
        for round in 0..=rate_rounds {
            for side in (0..3).map(|i| (i + round) % 3) {
                match side {
                    0 => sdk_samples.push(sdk_round(&harness, &mock, level, total).await?),
                    1 => raw_samples.push(raw_round(&harness, &mock, level, total).await?),
                    _ => {
                        if let Some(python) = &python {
                            py_samples.push(python_rate(python, &harness, level, total).await?);
                        }
                    }
                }
            }
        }
        for samples in [&mut sdk_samples, &mut raw_samples, &mut py_samples] {
            if !samples.is_empty() {
                samples.remove(0); // the warm-up round
            }
        }
        let rates = |samples: &[Sample]| samples.iter().map(|sample| sample.rate).collect::<Vec<_>>();
        let (mut sdk_rates, mut raw_rates, mut py_rates) = (rates(&sdk_samples), rates(&raw_samples), rates(&py_samples));
        eprintln!("{level} thread(s), turns/s by round: sdk {sdk_rates:.1?}, raw {raw_rates:.1?}, python {py_rates:.1?}");
        report_rates(level, total, &mut sdk_rates, &mut raw_rates, &mut py_rates);
        report_round_cpu(level, &sdk_samples, &raw_samples, &py_samples);
        runtime_cpu(level, &sdk_samples, &raw_samples, &py_samples);
    }
    if python.is_none() {
        common::note("Python SDK turns: not run, `bench/.venv` is missing (run `bash bench/setup-python.sh`).");
    }
    Ok(())
}

/// The client's CPU per turn against the raw loop's, and what the SDK adds
/// as a share of all the CPU a turn takes (client, mock and app-server).
/// Where the CPU is what limits turns/s (many concurrent threads on two
/// CPUs), that share is how much lower the SDK's turns/s can be than the raw
/// loop's; CPU time is measured per turn, so its interval is far tighter
/// than one of wall-clock rates.
fn report_cpu(sdk_cpu: &mut [f64], raw_cpu: &mut [f64], sdk_all: &mut [f64], raw_all: &mut [f64]) {
    // Turn i of each side ran next to the other's turn i: pair them.
    let extra: Vec<f64> = sdk_cpu.iter().zip(raw_cpu.iter()).map(|(sdk, raw)| sdk - raw).collect();
    let (extra, (extra_low, extra_high)) = common::median_and_interval(&extra);
    let (sdk_cpu_median, raw_cpu_median) = (common::median(sdk_cpu), common::median(raw_cpu));
    let (sdk_all_median, raw_all_median) = (common::median(sdk_all), common::median(raw_all));
    eprintln!(
        "CPU per turn: client sdk {sdk_cpu_median:.0} µs, raw {raw_cpu_median:.0} µs (paired extra {extra:.0} µs, \
         {extra_low:.0} to {extra_high:.0}); with the app-server sdk {sdk_all_median:.0} µs, raw {raw_all_median:.0} µs"
    );
    common::row(
        "client CPU per turn, µs, one thread, sequential turns (this process's threads but the mock model's; baseline: the raw JSON-RPC loop)",
        format!("{sdk_cpu_median:.0} µs; paired extra {extra:.0} µs (95% CI {extra_low:.0} to {extra_high:.0})"),
        format!("{raw_cpu_median:.0} µs"),
        sdk_cpu_median / raw_cpu_median,
        "reported (no target)",
        None,
    );
    let share = |micros: f64| micros / raw_all_median * 100.0;
    common::row_judged(
        "SDK's extra client CPU per turn, one thread, % of all the CPU a raw turn takes (client + mock + app-server: the turns/s the SDK can lose where the CPU is the limit)",
        format!("{:.2} % (95% CI {:.2} to {:.2} %)", share(extra), share(extra_low), share(extra_high)),
        format!("{raw_all_median:.0} µs of CPU per raw turn (SDK turn: {sdk_all_median:.0} µs)"),
        sdk_all_median / raw_all_median,
        "< 1 % (so ≥ 0.99× the raw loop's turns/s where the CPU is the limit)",
        (share(extra_low), share(extra_high)),
        common::Goal::AtMost(1.0),
    );
}

/// The client's CPU per turn in the concurrent rounds, paired round by
/// round: what the SDK adds over the raw loop as a share of all the CPU a
/// raw turn takes (where the CPU is the limit, as with many threads on two
/// CPUs, that is the share of turns/s it can cost), and the SDK's client CPU
/// against the Python SDK's.
fn report_round_cpu(level: usize, sdk: &[Sample], raw: &[Sample], python: &[Sample]) {
    let client = |samples: &[Sample]| samples.iter().map(|sample| sample.client_us).collect::<Vec<_>>();
    let sdk_client = common::median(&mut client(sdk));
    let shares: Vec<f64> = sdk
        .iter()
        .zip(raw)
        .filter_map(|(sdk, raw)| Some((sdk.client_us - raw.client_us) / raw.all_us? * 100.0))
        .collect();
    if !shares.is_empty() {
        let (share, (low, high)) = common::median_and_interval(&shares);
        let raw_client = common::median(&mut client(raw));
        let raw_all = common::median(&mut raw.iter().filter_map(|sample| sample.all_us).collect::<Vec<_>>());
        eprintln!("{level} thread(s): client CPU sdk {sdk_client:.0} µs, raw {raw_client:.0} µs; extra {share:.2} % ({low:.2} to {high:.2})");
        common::row_judged(
            &format!("SDK's extra client CPU per turn, {level} concurrent thread(s), % of all the CPU a raw turn takes (baseline: the raw JSON-RPC loop, paired by round)"),
            format!("{share:.2} % (95% CI {low:.2} to {high:.2} %); client {sdk_client:.0} µs/turn"),
            format!("client {raw_client:.0} µs/turn; all {raw_all:.0} µs/turn"),
            sdk_client / raw_client,
            "< 1 % (so ≥ 0.99× the raw loop's turns/s where the CPU is the limit)",
            (low, high),
            common::Goal::AtMost(1.0),
        );
    }
    let ratios: Vec<f64> = sdk.iter().zip(python).map(|(sdk, python)| sdk.client_us / python.client_us).collect();
    if !ratios.is_empty() {
        let (ratio, (low, high)) = common::median_and_interval(&ratios);
        let py_median = common::median(&mut client(python));
        common::row_judged(
            &format!("client CPU per turn, µs, {level} concurrent thread(s): Rust SDK (baseline: Python SDK, its process's CPU over the timed turns, paired by round)"),
            format!("{sdk_client:.0} µs; paired ratio {ratio:.3} (95% CI {low:.3}–{high:.3})"),
            format!("{py_median:.0} µs"),
            ratio,
            "≤ the Python SDK's (ratio ≤ 1)",
            (low, high),
            common::Goal::AtMost(1.0),
        );
    }
}

/// The app-server's CPU per turn under each client, paired by round: the
/// runtime's own work, which decides turns/s where the CPU is the limit.
/// (A client cannot make the runtime's work cheaper, but how it paces its
/// requests can change it.)
fn runtime_cpu(level: usize, sdk: &[Sample], raw: &[Sample], python: &[Sample]) {
    let runtime = |samples: &[Sample]| samples.iter().map(|sample| sample.runtime_us).collect::<Vec<_>>();
    let sdk_median = common::median(&mut runtime(sdk));
    for (name, baseline) in [("the raw JSON-RPC loop", raw), ("the Python SDK", python)] {
        if baseline.is_empty() {
            continue;
        }
        let ratios: Vec<f64> = sdk.iter().zip(baseline).map(|(sdk, base)| sdk.runtime_us / base.runtime_us).collect();
        let (ratio, (low, high)) = common::median_and_interval(&ratios);
        let base_median = common::median(&mut runtime(baseline));
        eprintln!("{level} thread(s): app-server CPU per turn: sdk {sdk_median:.0} µs, {name} {base_median:.0} µs; ratio {ratio:.3} ({low:.3} to {high:.3})");
        common::row(
            &format!("app-server CPU per turn, µs, {level} concurrent thread(s), under the Rust SDK (baseline: under {name}, paired by round)"),
            format!("{sdk_median:.0} µs; paired ratio {ratio:.3} (95% CI {low:.3}–{high:.3})"),
            format!("{base_median:.0} µs"),
            ratio,
            "reported (no target)",
            None,
        );
    }
}

/// One row per baseline: the SDK's median turns/s, and the median of the
/// per-round ratios with its 95% interval (paired, so load drift cancels).
fn report_rates(level: usize, total: usize, sdk: &mut [f64], raw: &mut [f64], python: &mut [f64]) {
    let rounds = sdk.len();
    let against = |name: &str, baseline: &mut [f64], target: &str, floor: f64| {
        if baseline.is_empty() {
            return;
        }
        let ratios: Vec<f64> = sdk.iter().zip(baseline.iter()).map(|(s, b)| s / b).collect();
        let (ratio, interval) = common::median_and_interval(&ratios);
        let sdk_median = common::median(&mut sdk.to_vec());
        let base_median = common::median(baseline);
        eprintln!("{level} thread(s): sdk {sdk_median:.1} turns/s, {name} {base_median:.1}; ratio {ratio:.3} {interval:?}");
        common::row_judged(
            &format!("turns/s, {level} concurrent thread(s), {total} turns × {rounds} rounds: Rust SDK (baseline: {name})"),
            format!("{sdk_median:.1} turns/s; paired ratio {ratio:.3} (95% CI {:.3}–{:.3})", interval.0, interval.1),
            format!("{base_median:.1} turns/s"),
            ratio,
            target,
            interval,
            common::Goal::AtLeast(floor),
        );
    };
    against("raw JSON-RPC loop", raw, "≥ 0.99× the raw loop", 0.99);
    against("Python SDK", python, "≥ the Python SDK (ratio ≥ 1)", 1.0);
}

/// One sample of a side at one concurrency level: turns/s, and the CPU per
/// turn over its timed turns, of the client alone and (when known) of
/// everything a turn runs on.
struct Sample {
    rate: f64,
    client_us: f64,
    all_us: Option<f64>,
    /// The app-server's CPU per turn: the runtime's work for this client.
    runtime_us: f64,
}

/// CPU per turn, in microseconds.
struct PerTurn {
    client_us: f64,
    all_us: f64,
    runtime_us: f64,
}

/// The thread the mock model runs on (the harness is started on a runtime
/// of its own there), so its CPU time can be told apart from the client's:
/// both live in this process.
struct MockThread {
    schedstat: std::path::PathBuf,
}

impl MockThread {
    fn cpu_ns(&self) -> u64 {
        std::fs::read_to_string(&self.schedstat)
            .ok()
            .and_then(|stat| stat.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
}

/// The harness, with the mock model's tasks on a one-thread runtime of
/// their own.
async fn harness_on_own_thread() -> (Harness, MockThread) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the mock model");
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("mock-model".into())
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .expect("the mock model's thread");
    handle
        .spawn(async {
            // Runs on the mock's thread: `/proc/thread-self` is that thread.
            let task = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self (Linux)");
            let schedstat = std::path::Path::new("/proc").join(task).join("schedstat");
            (Harness::start().await, MockThread { schedstat })
        })
        .await
        .expect("the harness starts")
}

/// CPU counters at the start of some turns.
struct CpuMeter<'a> {
    mock: &'a MockThread,
    own: u64,
    mock_own: u64,
    children: u64,
}

impl<'a> CpuMeter<'a> {
    fn start(mock: &'a MockThread) -> Self {
        // This process's own counter last (and first in `per_turn`), so
        // reading the others is not counted as the client's work.
        let (children, mock_own) = (children_cpu_ns(), mock.cpu_ns());
        Self { mock, own: process_cpu_ns(), mock_own, children }
    }

    /// CPU per turn since `start`, over `turns` turns: of the client (this
    /// process but the mock) and of everything (this process and the
    /// app-servers it started).
    fn per_turn(&self, turns: usize) -> PerTurn {
        let own = process_cpu_ns().saturating_sub(self.own);
        let mock = self.mock.cpu_ns().saturating_sub(self.mock_own);
        let children = children_cpu_ns().saturating_sub(self.children);
        let per_turn = |ns: u64| ns as f64 / 1e3 / turns as f64;
        PerTurn {
            client_us: per_turn(own.saturating_sub(mock)),
            all_us: per_turn(own + children),
            runtime_us: per_turn(children),
        }
    }
}

/// CPU time of every thread of this process so far, in nanoseconds
/// (`/proc/self/task/*/schedstat`; Linux).
fn process_cpu_ns() -> u64 {
    threads_cpu_ns("self")
}

/// CPU time so far of every living process this one started (the
/// app-servers) and of their descendants, in nanoseconds (Linux).
fn children_cpu_ns() -> u64 {
    let mut total = 0;
    let mut pending = child_pids("self");
    while let Some(pid) = pending.pop() {
        total += threads_cpu_ns(&pid);
        pending.extend(child_pids(&pid));
    }
    total
}

/// The CPU time of every thread of process `pid` (`self` or a number).
fn threads_cpu_ns(pid: &str) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// The processes that the threads of `pid` started.
fn child_pids(pid: &str) -> Vec<String> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return Vec::new() };
    tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("children")).ok())
        .flat_map(|children| children.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
        .collect()
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

/// The raw loop's app-server, initialized as the SDK initializes it (the
/// same capabilities), so both ask the runtime for the same work.
async fn raw_session(harness: &Harness) -> anyhow::Result<RawSession> {
    let mut raw = RawSession::spawn(raw_command(harness))?;
    raw.request(
        "initialize",
        json!({
            "clientInfo": { "name": "openai_codex_bench", "title": null, "version": "0.0.0" },
            "capabilities": { "experimentalApi": true },
        }),
    )
    .await?;
    raw.notify("initialized", None).await?;
    Ok(raw)
}

/// A raw thread with the settings `thread_start()` sends by default (the
/// auto-review approval mode) and the same sandbox and folder as the SDK's
/// threads: a thread with other settings costs the runtime other work per
/// turn, and the comparison would not be of the client alone.
async fn raw_thread(raw: &mut RawSession, harness: &Harness) -> anyhow::Result<String> {
    let started = raw
        .request(
            "thread/start",
            json!({
                "approvalPolicy": "on-request",
                "approvalsReviewer": "auto_review",
                "cwd": harness.cwd(),
                "sandbox": "read-only",
            }),
        )
        .await?;
    Ok(started["thread"]["id"].as_str().expect("thread id").to_owned())
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

/// One sample of the SDK's turns/s, set up as the Python SDK's script sets
/// up each of its samples: a fresh app-server and `level` fresh threads,
/// each warmed up with one turn (none of that timed), then `total` turns.
/// Threads that outlive a sample would carry their history into the next
/// one: each turn sends the whole conversation, so long-lived threads make
/// later turns slower, and the Python side's threads are always new.
async fn sdk_round(harness: &Harness, mock: &MockThread, level: usize, total: usize) -> anyhow::Result<Sample> {
    let sdk = codex(harness).await;
    let mut threads = Vec::new();
    for _ in 0..level {
        threads.push(new_thread(&sdk, harness).await?);
    }
    sdk_rate(&threads, level).await?; // warm-up: one turn per thread
    let meter = CpuMeter::start(mock);
    let rate = sdk_rate(&threads, total).await;
    let used = meter.per_turn(total);
    sdk.close().await;
    Ok(Sample { rate: rate?, client_us: used.client_us, all_us: Some(used.all_us), runtime_us: used.runtime_us })
}

/// The same for the raw loop.
async fn raw_round(harness: &Harness, mock: &MockThread, level: usize, total: usize) -> anyhow::Result<Sample> {
    let mut raw = raw_session(harness).await?;
    let mut threads = Vec::new();
    for _ in 0..level {
        threads.push(raw_thread(&mut raw, harness).await?);
    }
    raw_rate(&mut raw, &threads, level).await?; // warm-up: one turn per thread
    let meter = CpuMeter::start(mock);
    let rate = raw_rate(&mut raw, &threads, total).await;
    let used = meter.per_turn(total);
    raw.shutdown().await;
    Ok(Sample { rate: rate?, client_us: used.client_us, all_us: Some(used.all_us), runtime_us: used.runtime_us })
}

/// `total` turns spread over `threads`, all running at once; turns per
/// second of wall time.
async fn sdk_rate(threads: &[Thread], total: usize) -> anyhow::Result<f64> {
    let per_thread = total / threads.len();
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
    Ok((per_thread * threads.len()) as f64 / started.elapsed().as_secs_f64())
}

/// The same through raw JSON-RPC: a turn is started on each thread, and
/// each `turn/completed` starts that thread's next turn.
async fn raw_rate(raw: &mut RawSession, threads: &[String], total: usize) -> anyhow::Result<f64> {
    let per_thread = total / threads.len();
    let mut left: std::collections::HashMap<String, usize> = threads.iter().map(|id| (id.clone(), per_thread)).collect();
    let input = json!([{ "type": "text", "text": PROMPT, "text_elements": [] }]);
    let started = Instant::now();
    for id in threads {
        raw.send_request("turn/start", json!({ "threadId": id, "input": input })).await?;
    }
    for _ in 0..per_thread * threads.len() {
        let completed = raw.wait_for_notification("turn/completed", Duration::from_secs(60)).await?;
        anyhow::ensure!(completed["turn"]["status"] == "completed", "{completed}");
        let id = completed["threadId"].as_str().expect("thread id").to_owned();
        let count = left.get_mut(&id).expect("one of ours");
        *count -= 1;
        if *count > 0 {
            raw.send_request("turn/start", json!({ "threadId": id, "input": input })).await?;
        }
    }
    Ok((per_thread * threads.len()) as f64 / started.elapsed().as_secs_f64())
}

/// `bench/python_sdk.py turns` at one concurrency level on the same mock,
/// home and runtime binary (its start-up and warm-up are not timed); the
/// script measures its own process's CPU over the timed turns.
async fn python_rate(python: &std::path::Path, harness: &Harness, level: usize, total: usize) -> anyhow::Result<Sample> {
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
        .arg("--concurrency")
        .arg(level.to_string())
        .env("CODEX_HOME", harness.home.path())
        .stderr(std::process::Stdio::inherit());
    for name in openai_codex_tests::codex_home::SCRUBBED_ENV {
        command.env_remove(name);
    }
    let output = command.output().await?;
    let result = common::last_json(&output.stdout).filter(|_| output.status.success());
    let figure = |name: &str| result.as_ref().and_then(|result| result[name][level.to_string()].as_f64());
    match (figure("turns_per_s"), figure("client_cpu_us_per_turn"), figure("runtime_cpu_us_per_turn")) {
        (Some(rate), Some(client_us), Some(runtime_us)) => Ok(Sample { rate, client_us, all_us: None, runtime_us }),
        _ => anyhow::bail!("the Python SDK script failed ({}): {}", output.status, String::from_utf8_lossy(&output.stdout)),
    }
}
