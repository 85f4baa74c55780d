//! Decodes the decode benchmark's stream (`target/bench/stream.jsonl`) into
//! the SDK's `ServerNotification` with serde_json (what the SDK uses), with
//! sonic-rs and with simd-json (both through the same serde impls), and, as
//! serde_json's floor for the commonest line, the deltas into a plain
//! derived envelope. Interleaved passes, medians; MB/s and ratios against
//! serde_json in the same run.

use std::hint::black_box;
use std::time::Instant;

use openai_codex::methods::ServerNotification;
use openai_codex::types::AgentMessageDeltaNotification;

const PASSES: usize = 7;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench/stream.jsonl").to_owned()
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| {
        eprintln!("cannot read {path} ({error}); run `cargo bench -p openai-codex-tests --bench decode` first");
        std::process::exit(2);
    });
    let all: Vec<&str> = text.lines().collect();
    let deltas: Vec<&str> = all.iter().copied().filter(|line| line.contains("\"item/agentMessage/delta\"")).collect();
    println!("stream: {} lines ({:.1} MB), of which {} deltas", all.len(), megabytes(&all), deltas.len());

    let whole = compare(&all, &[("serde_json", serde_json_typed), ("sonic-rs", sonic_typed), ("simd-json", simd_typed)]);
    print_table("whole stream, into `ServerNotification`", &whole);
    let delta = compare(
        &deltas,
        &[("serde_json", serde_json_typed), ("serde_json, derived envelope (floor)", serde_json_envelope), ("sonic-rs", sonic_typed), ("simd-json", simd_typed)],
    );
    print_table("`item/agentMessage/delta` lines only", &delta);
}

type Decoder = fn(&[&str]);

/// MB/s of each decoder over `lines`: passes interleaved, medians.
fn compare(lines: &[&str], decoders: &[(&'static str, Decoder)]) -> Vec<(&'static str, f64)> {
    let mut times = vec![Vec::new(); decoders.len()];
    for pass in 0..PASSES {
        for offset in 0..decoders.len() {
            // Rotate which decoder goes first in each pass.
            let index = (pass + offset) % decoders.len();
            let started = Instant::now();
            (decoders[index].1)(lines);
            times[index].push(started.elapsed().as_secs_f64());
        }
    }
    decoders.iter().zip(times).map(|((name, _), mut passes)| (*name, megabytes(lines) / median(&mut passes))).collect()
}

fn print_table(title: &str, rows: &[(&str, f64)]) {
    let baseline = rows[0].1;
    println!("\n{title}\n\n| parser | MB/s | ratio to serde_json |\n|---|---|---|");
    for (name, rate) in rows {
        println!("| {name} | {rate:.0} | {:.2} |", rate / baseline);
    }
}

fn serde_json_typed(lines: &[&str]) {
    for line in lines {
        black_box(serde_json::from_str::<ServerNotification>(line).expect("serde_json decodes the stream"));
    }
}

fn sonic_typed(lines: &[&str]) {
    for line in lines {
        black_box(sonic_rs::from_str::<ServerNotification>(line).expect("sonic-rs decodes the stream"));
    }
}

fn simd_typed(lines: &[&str]) {
    // simd-json parses in place, so each line is copied into a buffer first
    // (as a reader would hand it over).
    let mut buffer = Vec::new();
    for line in lines {
        buffer.clear();
        buffer.extend_from_slice(line.as_bytes());
        black_box(simd_json::serde::from_slice::<ServerNotification>(&mut buffer).expect("simd-json decodes the stream"));
    }
}

/// A delta line into a plain derived struct: what serde_json itself costs,
/// with no dispatch on the method.
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    #[allow(dead_code)]
    method: &'a str,
    #[allow(dead_code)]
    params: AgentMessageDeltaNotification,
}

fn serde_json_envelope(lines: &[&str]) {
    for line in lines {
        black_box(serde_json::from_str::<Envelope<'_>>(line).expect("a delta line"));
    }
}

fn megabytes(lines: &[&str]) -> f64 {
    lines.iter().map(|line| line.len() + 1).sum::<usize>() as f64 / 1e6
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
