//! Wall time of `generate` and `check` on the pinned snapshot, against a
//! baseline measured in the same run: reading and parsing the snapshot's JSON
//! with serde_json (work every run must do anyway).
//!
//! Run with `cargo bench -p openai-codex-codegen --bench generator`. Target:
//! under 1 s each for a release build on 2 cores.

use std::time::{Duration, Instant};

use openai_codex_codegen::generate::generate;
use openai_codex_codegen::snapshot::Snapshot;
use openai_codex_codegen::timings;
use openai_codex_codegen::{check_sdk, Workspace};

const RUNS: usize = 7;
const TARGET: Duration = Duration::from_secs(1);

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(mut run: impl FnMut()) -> Duration {
    run(); // warm-up: page cache, allocator
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                run();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let workspace = Workspace::this();
    let baseline = measure(|| {
        Snapshot::load(&workspace.snapshot_dir()).expect("the snapshot loads");
    });
    let generate_time = measure(|| {
        generate(&workspace).expect("generation works");
    });
    let check_time = measure(|| {
        let drift = check_sdk(&workspace).expect("the check runs");
        assert!(drift.is_none(), "sdk/ is stale; run `cargo codegen generate` first");
    });

    println!("| operation | median of {RUNS} | ratio to baseline | target < {TARGET:?} |");
    println!("|---|---|---|---|");
    println!("| baseline: load + parse snapshot (serde_json) | {baseline:.1?} | 1.0 | |");
    for (name, time) in [("generate", generate_time), ("check", check_time)] {
        let ratio = time.as_secs_f64() / baseline.as_secs_f64();
        let met = if time < TARGET { "met" } else { "MISSED" };
        println!("| {name} | {time:.1?} | {ratio:.1} | {met} |");
    }

    // Where the time goes: one more warm `check`, by phase.
    let (drift, phases) = timings::record(|| check_sdk(&workspace).expect("the check runs"));
    assert!(drift.is_none());
    println!("\n`check` by phase (one warm run):\n\n```\n{phases}\n```");
}
