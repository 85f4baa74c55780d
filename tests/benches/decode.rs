//! Decode throughput: a large stream of server notifications, built from the
//! recorded runtime lines (`tests/fixtures/recorded/*.jsonl`), decoded line
//! by line into the typed `ServerNotification` and, as the baseline, into
//! `serde_json::Value`. Same process, interleaved repetitions, medians.
//!
//! The stream is also written to `target/bench/stream.jsonl` so the Python
//! SDK's models decode exactly the same bytes (`bench/python_sdk.py`).
//!
//! Environment: `BENCH_STREAM_MB` (default 32), `BENCH_REPS` (default 7).

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::Write as _;
use std::time::Instant;

use openai_codex::methods::ServerNotification;
use serde_json::Value;

fn main() {
    let target_mb: usize = env_or("BENCH_STREAM_MB", 32);
    let reps: usize = env_or("BENCH_REPS", 7);
    let lines = build_stream(target_mb << 20);
    let bytes: usize = lines.iter().map(|line| line.len() + 1).sum();
    write_stream(&lines);
    check_all_typed(&lines);

    let mut typed = Vec::new();
    let mut value = Vec::new();
    for rep in 0..reps {
        // Alternate which decoder goes first, so neither always runs on a
        // warmer (or busier) machine.
        if rep % 2 == 0 {
            typed.push(time(|| decode_typed(&lines)));
            value.push(time(|| decode_value(&lines)));
        } else {
            value.push(time(|| decode_value(&lines)));
            typed.push(time(|| decode_typed(&lines)));
        }
    }
    let mb = bytes as f64 / 1e6;
    let typed_mbs = mb / common::median(&mut typed);
    let value_mbs = mb / common::median(&mut value);
    eprintln!("stream: {} lines, {mb:.1} MB; typed {typed_mbs:.0} MB/s, Value {value_mbs:.0} MB/s", lines.len());
    common::row(
        "decode MB/s, typed `ServerNotification` (baseline: `serde_json::Value`)",
        format!("{typed_mbs:.0} MB/s"),
        format!("{value_mbs:.0} MB/s"),
        typed_mbs / value_mbs,
        "typed ≥ Value (ratio ≥ 1)",
        Some(typed_mbs >= value_mbs),
    );
    common::note(&format!(
        "Decode stream: {} lines, {mb:.1} MB, built from the recorded runtime lines \
         (`target/bench/stream.jsonl`); median of {reps} interleaved passes each.",
        lines.len()
    ));
    reader_throughput(&lines, reps);
    profile(&lines);
}

/// The client's whole read path: bytes on its input → lines → one-pass
/// typed decode → an event on a subscriber's stream, through
/// `Client::connect` on an in-memory pipe. Baseline: the least a reader can
/// do with the same bytes on the same pipe (read a line, parse it into a
/// `Value`, hand it to a consumer over a channel).
fn reader_throughput(lines: &[String], reps: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let mut stream = Vec::new();
    for line in lines {
        stream.extend_from_slice(line.as_bytes());
        stream.push(b'\n');
    }
    let stream = std::sync::Arc::new(stream);
    let mb = stream.len() as f64 / 1e6;
    let (mut sdk, mut raw) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        let order = if rep % 2 == 0 { [0, 1] } else { [1, 0] };
        for side in order {
            if side == 0 {
                sdk.push(runtime.block_on(sdk_reader(stream.clone(), lines.len())));
            } else {
                raw.push(runtime.block_on(value_reader(stream.clone(), lines.len())));
            }
        }
    }
    let sdk_mbs = mb / common::median(&mut sdk);
    let raw_mbs = mb / common::median(&mut raw);
    eprintln!("reader: sdk {sdk_mbs:.0} MB/s, raw Value loop {raw_mbs:.0} MB/s");
    common::row(
        "client reader MB/s: bytes → typed event on a stream, through `Client::connect_io` (baseline: a loop reading lines into `Value` on a channel)",
        format!("{sdk_mbs:.0} MB/s"),
        format!("{raw_mbs:.0} MB/s"),
        sdk_mbs / raw_mbs,
        "≥ the raw `Value` loop (ratio ≥ 1)",
        Some(sdk_mbs >= raw_mbs),
    );
}

const INITIALIZE_ANSWER: &str = r#"{"id":1,"result":{"userAgent":"bench/0.0.0 (bench)","codexHome":"/tmp","platformFamily":"unix","platformOs":"linux"}}"#;

/// Seconds for the SDK's reader to deliver `count` events.
async fn sdk_reader(stream: std::sync::Arc<Vec<u8>>, count: usize) -> f64 {
    use futures::StreamExt;
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let (client_io, server_io) = tokio::io::duplex(1 << 20);
    let (client_read, client_write) = tokio::io::split(client_io);
    let (server_read, mut server_write) = tokio::io::split(server_io);
    let (go, ready) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let mut input = tokio::io::BufReader::new(server_read).lines();
        input.next_line().await.expect("initialize").expect("a line");
        server_write.write_all(format!("{INITIALIZE_ANSWER}\n").as_bytes()).await.expect("answer");
        ready.await.expect("go");
        server_write.write_all(&stream).await.expect("stream");
        // Keep the pipe open until the client is done.
        while input.next_line().await.ok().flatten().is_some() {}
    });
    let client = openai_codex::Client::builder()
        .event_buffer(count + 16)
        .connect_io(client_read, client_write)
        .await
        .expect("connects");
    let mut events = client.notifications();
    let started = Instant::now();
    go.send(()).expect("server waits");
    for _ in 0..count {
        black_box(events.next().await.expect("an event").expect("not lagged"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    drop(events);
    drop(client);
    server.await.expect("server");
    elapsed
}

/// Seconds for the baseline loop to hand `count` `Value`s to a consumer.
async fn value_reader(stream: std::sync::Arc<Vec<u8>>, count: usize) -> f64 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let (mut writer, reader) = tokio::io::duplex(1 << 20);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let started = Instant::now();
    let writing = tokio::spawn(async move { writer.write_all(&stream).await.expect("stream") });
    let reading = tokio::spawn(async move {
        let mut reader = tokio::io::BufReader::new(reader);
        let mut line = String::new();
        while reader.read_line(&mut line).await.expect("read") > 0 {
            sender.send(serde_json::from_str(&line).expect("json")).expect("consumer");
            line.clear();
        }
    });
    for _ in 0..count {
        black_box(receiver.recv().await.expect("a value"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    writing.await.expect("writer");
    reading.await.expect("reader");
    elapsed
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn time(run: impl FnOnce()) -> f64 {
    let started = Instant::now();
    run();
    started.elapsed().as_secs_f64()
}

fn decode_typed(lines: &[String]) {
    for line in lines {
        let decoded: ServerNotification = serde_json::from_str(line).expect("typed decode");
        black_box(decoded);
    }
}

fn decode_value(lines: &[String]) {
    for line in lines {
        let decoded: Value = serde_json::from_str(line).expect("Value decode");
        black_box(decoded);
    }
}

/// Every line must decode into a known variant: a line falling back to
/// `Unknown` would make the typed figure meaningless.
fn check_all_typed(lines: &[String]) {
    for line in lines {
        let decoded: ServerNotification = serde_json::from_str(line).expect("typed decode");
        assert!(
            !matches!(decoded, ServerNotification::Unknown { .. }),
            "an unknown notification in the stream: {line:.200}"
        );
    }
}

/// Time per method, typed against Value, over one pass: which variants cost
/// the most.
fn profile(lines: &[String]) {
    let mut per_method: BTreeMap<String, (usize, usize, f64, f64)> = BTreeMap::new();
    for line in lines {
        let method = serde_json::from_str::<Value>(line).expect("json")["method"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let value_time = time(|| drop(black_box(serde_json::from_str::<Value>(line).expect("json"))));
        let typed_time = time(|| drop(black_box(serde_json::from_str::<ServerNotification>(line).expect("typed"))));
        let entry = per_method.entry(method).or_default();
        entry.0 += 1;
        entry.1 += line.len() + 1;
        entry.2 += typed_time;
        entry.3 += value_time;
    }
    let mut rows: Vec<_> = per_method.into_iter().collect();
    rows.sort_by(|a, b| b.1 .2.total_cmp(&a.1 .2));
    let total: f64 = rows.iter().map(|row| row.1 .2).sum();
    let mut table = String::from(
        "Decode time by method (one pass, per-line timing; typed/Value > 1 means typed is slower):\n\n\
         | method | lines | MB | share of typed time | typed/Value |\n|---|---|---|---|---|\n",
    );
    for (method, (count, bytes, typed, value)) in rows.iter().take(12) {
        table.push_str(&format!(
            "| `{method}` | {count} | {:.1} | {:.0}% | {:.2} |\n",
            *bytes as f64 / 1e6,
            typed / total * 100.0,
            typed / value
        ));
    }
    common::note(&table);
    split_item_completed(lines);
}

/// Where the `item/completed` time goes: the envelope pass (method + params
/// kept as `RawValue`, as the SDK does first), then the params into
/// `ItemCompletedNotification` (whose `ThreadItem` is an internally tagged
/// enum, so serde buffers each item before picking its variant).
fn split_item_completed(lines: &[String]) {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        params: &'a serde_json::value::RawValue,
    }
    let lines: Vec<&String> = lines.iter().filter(|line| line.contains(r#""method":"item/completed""#)).collect();
    let params: Vec<&str> = lines
        .iter()
        .map(|line| serde_json::from_str::<Envelope<'_>>(line).expect("envelope").params.get())
        .collect();
    let mut value = Vec::new();
    let mut envelope = Vec::new();
    let mut typed_params = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..5 {
        value.push(time(|| lines.iter().for_each(|l| drop(black_box(serde_json::from_str::<Value>(l).expect("json"))))));
        envelope.push(time(|| lines.iter().for_each(|l| {
            black_box(serde_json::from_str::<Envelope<'_>>(l).expect("env").params);
        })));
        typed_params.push(time(|| params.iter().for_each(|p| drop(black_box(serde_json::from_str::<openai_codex::types::ItemCompletedNotification>(p).expect("typed"))))));
        whole.push(time(|| lines.iter().for_each(|l| drop(black_box(serde_json::from_str::<ServerNotification>(l).expect("typed"))))));
    }
    let value = common::median(&mut value);
    common::note(&format!(
        "`item/completed` split (times relative to decoding the same lines into `Value` = 1.00): \
         whole typed decode {:.2}; of which the envelope pass (`RawValue` params) {:.2} and the \
         params into `ItemCompletedNotification` {:.2}.",
        common::median(&mut whole) / value,
        common::median(&mut envelope) / value,
        common::median(&mut typed_params) / value,
    ));
}

/// The recorded notification lines, exactly as the runtime wrote them.
fn recorded_lines() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the recorded fixtures")
        .map(|entry| entry.expect("a fixture").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a readable fixture");
        for entry in text.lines() {
            let entry: Value = serde_json::from_str(entry).expect("a JSON fixture line");
            if entry["dir"] == "recv" && entry["kind"] == "notification" {
                lines.push(entry["raw"].as_str().expect("raw line").to_owned());
            }
        }
    }
    lines
}

/// A deterministic stream of about `target` bytes: blocks of every recorded
/// notification, many small `item/agentMessage/delta` (recorded deltas with
/// new words), and large `item/completed` (recorded agent-message and
/// command items with a long text / output).
fn build_stream(target: usize) -> Vec<String> {
    let recorded = recorded_lines();
    let find = |pred: &dyn Fn(&Value) -> bool| -> Value {
        recorded
            .iter()
            .map(|line| serde_json::from_str::<Value>(line).expect("json"))
            .find(|frame| pred(frame))
            .expect("the recordings hold this kind of line")
    };
    let delta = find(&|f| f["method"] == "item/agentMessage/delta");
    let agent = find(&|f| f["method"] == "item/completed" && f["params"]["item"]["type"] == "agentMessage");
    let command = find(&|f| f["method"] == "item/completed" && f["params"]["item"]["type"] == "commandExecution");

    let words = ["the ", "runtime ", "streams ", "ünïcode ", "\"quoted\" ", "tab\t", "line\n", "x = 1; ", "→ ", "done. "];
    let mut lines = Vec::new();
    let mut bytes = 0;
    let mut block = 0usize;
    while bytes < target {
        let mut push = |line: String| {
            bytes += line.len() + 1;
            lines.push(line);
        };
        for line in &recorded {
            push(line.clone());
        }
        for i in 0..600 {
            let mut frame = delta.clone();
            frame["params"]["delta"] = Value::from(words[(i + block) % words.len()]);
            push(frame.to_string());
        }
        for size in [8 << 10, 32 << 10] {
            let mut frame = agent.clone();
            frame["params"]["item"]["text"] = Value::from(long_text(&words, size, block));
            push(frame.to_string());
        }
        let mut frame = command.clone();
        frame["params"]["item"]["aggregatedOutput"] = Value::from(long_text(&words, 128 << 10, block));
        push(frame.to_string());
        block += 1;
    }
    lines
}

fn long_text(words: &[&str], size: usize, seed: usize) -> String {
    let mut text = String::with_capacity(size + 16);
    let mut i = seed;
    while text.len() < size {
        text.push_str(words[i % words.len()]);
        i += 7;
    }
    text
}

fn write_stream(lines: &[String]) {
    let path = common::scratch_dir().join("stream.jsonl");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("stream file"));
    for line in lines {
        writeln!(file, "{line}").expect("stream write");
    }
    file.flush().expect("stream flush");
}
