//! Soak: 1,000 turns against the mock model on one client, checking that
//! the client's memory and file descriptors stay flat and that no process
//! is left behind. Ignored by default (about a minute); run it with
//!
//! ```sh
//! cargo test --release -p openai-codex-tests --test soak -- --ignored --nocapture
//! ```
//!
//! or through `bash bench/run.sh --with-soak`, which puts its `BENCH` rows
//! in bench/RESULTS.md.

use std::time::Instant;

use openai_codex::{Sandbox, Thread};
use openai_codex_tests::harness::{child_pids, close_and_check, Harness};
use openai_codex_tests::scenario::{codex, within};

const TURNS: usize = 1_000;
/// A new thread every so many turns, so the runtime's requests to the model
/// (which carry the thread's history) stay the same size.
const TURNS_PER_THREAD: usize = 50;
/// Where the "after warm-up" measurement is taken.
const WARM_UP: usize = 100;

/// `VmRSS` of a process, in KiB.
fn rss_kib(pid: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map(|dir| dir.count()).unwrap_or(0)
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    turn: usize,
    client_rss_kib: u64,
    runtime_rss_kib: u64,
    fds: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: 1,000 turns (about a minute); run with --ignored"]
async fn a_thousand_turns_on_one_client_keep_memory_flat_and_leave_nothing_running() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let runtime_pid = codex.client().process_id().expect("a spawned runtime").to_string();
    let sample = |turn| Sample {
        turn,
        client_rss_kib: rss_kib("self"),
        runtime_rss_kib: rss_kib(&runtime_pid),
        fds: open_fds(),
    };
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut thread: Option<Thread> = None;
    for turn in 1..=TURNS {
        if turn % TURNS_PER_THREAD == 1 {
            let fresh = codex.thread_start().sandbox(Sandbox::ReadOnly).cwd(harness.cwd()).send();
            thread = Some(within("thread/start", fresh).await.expect("thread/start"));
        }
        let result = within("a turn", thread.as_ref().unwrap().run("Say ok.")).await.expect("the turn completes");
        assert!(result.final_response.is_some(), "turn {turn}: {result:?}");
        harness.mock.clear_requests();
        if turn == WARM_UP || turn % 250 == 0 {
            samples.push(sample(turn));
        }
    }
    let elapsed = started.elapsed();
    let warm = samples[0];
    let last = *samples.last().unwrap();
    for sample in &samples {
        eprintln!(
            "after turn {}: client RSS {} KiB, runtime RSS {} KiB, {} open fds",
            sample.turn, sample.client_rss_kib, sample.runtime_rss_kib, sample.fds
        );
    }
    let grown_kib = last.client_rss_kib.saturating_sub(warm.client_rss_kib);
    let per_turn = elapsed.as_secs_f64() * 1000.0 / TURNS as f64;
    println!(
        "BENCH {}",
        serde_json::json!({
            "figure": format!("soak: client RSS after {TURNS} turns on one client (baseline: after {WARM_UP})"),
            "value": format!("{:.1} MB", last.client_rss_kib as f64 / 1024.0),
            "baseline": format!("{:.1} MB", warm.client_rss_kib as f64 / 1024.0),
            "ratio": format!("{:.3}", last.client_rss_kib as f64 / warm.client_rss_kib as f64),
            "target": "flat: grows < 8 MB after warm-up",
            "met": if grown_kib < 8 * 1024 { "met" } else { "**not met**" },
        })
    );
    println!(
        "BENCH {}",
        serde_json::json!({
            "note": format!(
                "Soak: {TURNS} turns ({TURNS_PER_THREAD} per thread) in {:.1} s ({per_turn:.1} ms/turn); \
                 open file descriptors {} after {WARM_UP} turns and {} at the end; the runtime's RSS \
                 {:.1} MB after {WARM_UP} turns and {:.1} MB at the end (it keeps every thread loaded); \
                 no process left after close.",
                elapsed.as_secs_f64(), warm.fds, last.fds,
                warm.runtime_rss_kib as f64 / 1024.0, last.runtime_rss_kib as f64 / 1024.0,
            )
        })
    );
    assert!(grown_kib < 8 * 1024, "the client grew by {grown_kib} KiB over {TURNS} turns: {samples:?}");
    assert!(last.fds <= warm.fds + 2, "file descriptors leak: {samples:?}");
    close_and_check(codex.client().clone()).await;
    drop(codex);
    assert!(child_pids().is_empty(), "processes left behind: {:?}", child_pids());
}
