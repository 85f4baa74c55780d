//! Shared output of the benchmarks: each figure is one `BENCH {json}` line on
//! stdout, which `bench/run.sh` turns into a row of `bench/RESULTS.md`.
//! (Each benchmark uses part of it.)

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::{json, Value};

/// Prints one result row: `value` against `baseline` (same unit), their
/// ratio, the target in words and whether it is met (`None`: no target).
pub fn row(figure: &str, value: String, baseline: String, ratio: f64, target: &str, met: Option<bool>) {
    let met = match met {
        Some(true) => "met",
        Some(false) => "**not met**",
        None => "n/a",
    };
    print_row(figure, value, baseline, ratio, target, met);
}

/// A target for a measured interval.
#[derive(Clone, Copy)]
pub enum Goal {
    /// The figure must be at least this.
    AtLeast(f64),
    /// The figure must be at most this.
    AtMost(f64),
}

/// Prints one result row judged on the 95% interval of the figure, not on
/// its median alone: "met" when the whole interval meets `goal`, "not met"
/// when none of it does, and "not shown" when the interval spans the
/// target (the measurement cannot tell).
pub fn row_judged(figure: &str, value: String, baseline: String, ratio: f64, target: &str, interval: (f64, f64), goal: Goal) {
    let (low, high) = interval;
    let (all_meet, none_meets) = match goal {
        Goal::AtLeast(floor) => (low >= floor, high < floor),
        Goal::AtMost(ceiling) => (high <= ceiling, low > ceiling),
    };
    let met = if all_meet {
        "met"
    } else if none_meets {
        "**not met**"
    } else {
        "not shown (the interval spans the target)"
    };
    print_row(figure, value, baseline, ratio, target, met);
}

fn print_row(figure: &str, value: String, baseline: String, ratio: f64, target: &str, met: &str) {
    let row = json!({
        "figure": figure, "value": value, "baseline": baseline,
        "ratio": format!("{ratio:.3}"), "target": target, "met": met,
    });
    println!("BENCH {row}");
}

/// Prints a free-text note for the report (under the table).
pub fn note(text: &str) {
    println!("BENCH {}", json!({ "note": text }));
}

/// `target/bench/`, where the benchmarks leave files for each other and for
/// the Python script (created if missing).
pub fn scratch_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench is writable");
    dir
}

/// The median of `samples` (sorted in place).
pub fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let mid = samples.len() / 2;
    if samples.len().is_multiple_of(2) {
        (samples[mid - 1] + samples[mid]) / 2.0
    } else {
        samples[mid]
    }
}

/// The Python of `bench/.venv` (made by `bench/setup-python.sh`), if any.
pub fn venv_python() -> Option<PathBuf> {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bench/.venv/bin/python");
    python.exists().then_some(python)
}

/// Parses the last line of `stdout` that is a JSON object.
pub fn last_json(stdout: &[u8]) -> Option<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Value>(line).ok().filter(Value::is_object))
}

/// The median of `samples` and its 95% interval ([`median_interval`]),
/// leaving `samples` as they are.
pub fn median_and_interval(samples: &[f64]) -> (f64, (f64, f64)) {
    (median(&mut samples.to_vec()), median_interval(samples))
}

/// A distribution-free 95% confidence interval of the median of `samples`
/// (order statistics of the binomial, normal approximation): the figures
/// between which the true median lies 19 times in 20.
pub fn median_interval(samples: &[f64]) -> (f64, f64) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let half_width = 1.96 * n.sqrt() / 2.0;
    let low = ((n / 2.0 - half_width).floor().max(0.0)) as usize;
    let high = ((n / 2.0 + half_width).ceil() as usize).min(sorted.len() - 1);
    (sorted[low], sorted[high])
}
