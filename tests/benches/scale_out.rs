//! Scale-out (issue 16): turns/s with the same total concurrency spread over
//! 4 app-servers (an `AppServerPool` of `ws://` loopback app-servers, each
//! with its own `CODEX_HOME`) against 1 app-server over `ws://`, all on one
//! mock model. And, for the transport's own cost, 1 app-server over `ws://`
//! against 1 spawned over stdio. Configurations alternate in rounds, so each
//! figure is the median of rounds measured under the same machine load.
//!
//! Environment: `BENCH_SCALE_TURNS` (turns per round, default 80),
//! `BENCH_SCALE_CONCURRENCY` (threads running at once, default 8; a multiple
//! of 4), `BENCH_SCALE_ROUNDS` (default 3).

mod common;

use std::time::Instant;

use openai_codex::{AppServerPool, Codex, Sandbox, Thread};
use openai_codex_tests::codex_home::{CodexHome, SCRUBBED_ENV};
use openai_codex_tests::harness::Harness;
use openai_codex_tests::listen::{ListeningServer, WsAuth};
use openai_codex_tests::scenario::within;

const PROMPT: &str = "Say done.";
const SERVERS: usize = 4;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let turns = env_or("BENCH_SCALE_TURNS", 80);
    let concurrency = env_or("BENCH_SCALE_CONCURRENCY", 8).max(SERVERS) / SERVERS * SERVERS;
    let rounds = env_or("BENCH_SCALE_ROUNDS", 3);
    // Every request gets the mock's default answer, a short text.
    let harness = Harness::start().await;
    let mut homes = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..SERVERS {
        let home = CodexHome::new(&harness.mock.url())?;
        servers.push(ListeningServer::ws(&home, harness.cwd(), WsAuth::None).await);
        homes.push(home);
    }
    let urls: Vec<&str> = servers.iter().map(ListeningServer::url).collect();
    let four = AppServerPool::connect_all(Codex::builder(), urls.iter().copied()).await?;
    let one = AppServerPool::connect_all(Codex::builder(), [urls[0]]).await?;
    let mut stdio_builder = Codex::builder()
        .codex_bin(openai_codex_tests::codex_home::runtime_bin())
        .env("CODEX_HOME", harness.home.path())
        .cwd(harness.cwd());
    for name in SCRUBBED_ENV {
        stdio_builder = stdio_builder.env_remove(*name);
    }
    let stdio = AppServerPool::new([stdio_builder.spawn().await?])?;

    let configurations = [("4 app-servers, ws", &four), ("1 app-server, ws", &one), ("1 app-server, stdio", &stdio)];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); configurations.len()];
    // Threads made once per configuration (and warmed up), reused by every round.
    let mut threads = Vec::new();
    for (_, pool) in &configurations {
        threads.push(warm_threads(pool, &harness, concurrency).await?);
    }
    for round in 0..rounds {
        // Rotate the order so no configuration always runs first.
        for offset in 0..configurations.len() {
            let index = (round + offset) % configurations.len();
            let rate = run(&threads[index], turns).await?;
            eprintln!("round {round}: {}: {rate:.1} turns/s", configurations[index].0);
            rates[index].push(rate);
        }
    }
    let medians: Vec<f64> = rates.iter_mut().map(|samples| common::median(samples)).collect();
    common::row(
        &format!("turns/s, {concurrency} concurrent threads: {SERVERS} app-servers over ws:// (baseline: 1 app-server over ws://)"),
        format!("{:.1} turns/s", medians[0]),
        format!("{:.1} turns/s", medians[1]),
        medians[0] / medians[1],
        "reported (no target)",
        None,
    );
    common::row(
        &format!("turns/s, {concurrency} concurrent threads, 1 app-server: over ws:// (baseline: spawned, over stdio)"),
        format!("{:.1} turns/s", medians[1]),
        format!("{:.1} turns/s", medians[2]),
        medians[1] / medians[2],
        "ws ≈ stdio (the transport costs nothing per turn)",
        None,
    );
    common::note(&format!(
        "Scale-out: {turns} turns per round, {rounds} rounds, medians; all on one mock model and one \
         machine ({} CPUs), so it shows what spreading threads costs or gains on this machine, not on \
         several: on 2 shared cores, 4 runtimes compete for the same CPU time the one runtime had. \
         Each round's rates: 4 × ws {:?}, 1 × ws {:?}, 1 × stdio {:?}.",
        std::thread::available_parallelism().map(usize::from).unwrap_or(1),
        rates[0].iter().map(|r| (r * 10.0).round() / 10.0).collect::<Vec<_>>(),
        rates[1].iter().map(|r| (r * 10.0).round() / 10.0).collect::<Vec<_>>(),
        rates[2].iter().map(|r| (r * 10.0).round() / 10.0).collect::<Vec<_>>(),
    ));
    for pool in [&four, &one, &stdio] {
        pool.close().await;
    }
    drop(servers);
    Ok(())
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `count` threads spread over the pool (round robin), each with one turn done.
async fn warm_threads(pool: &AppServerPool, harness: &Harness, count: usize) -> anyhow::Result<Vec<Thread>> {
    let mut threads = Vec::new();
    for _ in 0..count {
        let thread = pool.thread_start().sandbox(Sandbox::ReadOnly).cwd(harness.cwd()).send().await?;
        turn(&thread).await?;
        threads.push(thread);
    }
    Ok(threads)
}

async fn turn(thread: &Thread) -> anyhow::Result<()> {
    let result = within("a turn", thread.run(PROMPT)).await?;
    anyhow::ensure!(result.final_response.is_some(), "the turn has an answer");
    Ok(())
}

/// `total` turns spread over `threads`, all running at once; turns/s.
async fn run(threads: &[Thread], total: usize) -> anyhow::Result<f64> {
    let per_thread = total.div_ceil(threads.len());
    let started = Instant::now();
    let runs = threads.iter().map(|thread| async move {
        for _ in 0..per_thread {
            turn(thread).await?;
        }
        anyhow::Ok(())
    });
    for outcome in futures::future::join_all(runs).await {
        outcome?;
    }
    Ok((per_thread * threads.len()) as f64 / started.elapsed().as_secs_f64())
}
