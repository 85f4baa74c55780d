//! Decode throughput: a large stream of server notifications, built from the
//! recorded runtime lines (`tests/fixtures/recorded/*.jsonl`), decoded line
//! by line into the typed `ServerNotification` and, as the baseline, into
//! `serde_json::Value`. Same process, interleaved repetitions, medians.
//!
//! The stream is also written to `target/bench/stream.jsonl` so the Python
//! SDK's models decode exactly the same bytes (`bench/python_sdk.py`).
//!
//! The Python SDK's decode of that file runs in the same process tree,
//! interleaved with the Rust passes (`against_python`).
//!
//! Environment: `BENCH_STREAM_MB` (default 32), `BENCH_REPS` (default 7),
//! `BENCH_PYTHON_ROUNDS` (default 11).

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
    against_python(&lines, bytes, env_or("BENCH_PYTHON_ROUNDS", 11));
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
    item_completed_key_order(lines);
}

/// `item/completed` lines (a `ThreadItem`, an internally tagged enum) as
/// the runtime writes them, tag first, and with their keys sorted, as
/// another writer might: the generated decoder reads the first order
/// straight into the variant and collects the object first otherwise.
fn item_completed_key_order(lines: &[String]) {
    let runtime: Vec<&str> =
        lines.iter().filter(|line| line.contains(r#""method":"item/completed""#)).map(String::as_str).collect();
    let sorted: Vec<String> =
        runtime.iter().map(|line| serde_json::from_str::<Value>(line).expect("json").to_string()).collect();
    let sorted: Vec<&str> = sorted.iter().map(String::as_str).collect();
    let typed = |lines: &[&str]| {
        time(|| lines.iter().for_each(|l| drop(black_box(serde_json::from_str::<ServerNotification>(l).expect("typed")))))
    };
    let value =
        |lines: &[&str]| time(|| lines.iter().for_each(|l| drop(black_box(serde_json::from_str::<Value>(l).expect("json")))));
    let (mut runtime_typed, mut sorted_typed, mut runtime_value, mut sorted_value) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        runtime_typed.push(typed(&runtime));
        runtime_value.push(value(&runtime));
        sorted_typed.push(typed(&sorted));
        sorted_value.push(value(&sorted));
    }
    common::note(&format!(
        "`item/completed` lines, typed decode against `Value` on the same lines (< 1 means typed is faster): \
         {:.2} in the runtime's key order (the item's `type` first, as in the stream), {:.2} with every \
         object's keys sorted (the tag last: the decoder collects the item before decoding it).",
        common::median(&mut runtime_typed) / common::median(&mut runtime_value),
        common::median(&mut sorted_typed) / common::median(&mut sorted_value),
    ));
}

/// The Python SDK's decode of the same stream (`bench/python_sdk.py
/// decode-paired`, from `bench/.venv`), interleaved pass by pass with the
/// Rust typed decode: each round's ratio of the two times, so a busy
/// moment slows both sides of a round.
fn against_python(lines: &[String], bytes: usize, rounds: usize) {
    use std::io::{BufRead as _, BufReader};
    let Some(python) = common::venv_python() else {
        common::note("Python SDK decode: not measured (no `bench/.venv`; run `bash bench/setup-python.sh`).");
        return;
    };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/python_sdk.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .arg("decode-paired")
        .arg(common::scratch_dir().join("stream.jsonl"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the Python SDK script starts");
    let mut input = child.stdin.take().expect("stdin");
    let mut output = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut next_line = || output.next().expect("the Python script answers").expect("a line");
    let header: Value = serde_json::from_str(&next_line()).expect("the Python script's header");
    let mut python_pass = |command: &str| -> f64 {
        writeln!(input, "{command}").expect("to the Python script");
        next_line().parse().expect("seconds")
    };
    let (mut rust, mut py, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (r, p) = if round % 2 == 0 {
            let r = time(|| decode_typed(lines));
            (r, python_pass("typed"))
        } else {
            let p = python_pass("typed");
            (time(|| decode_typed(lines)), p)
        };
        rust.push(r);
        py.push(p);
        ratios.push(p / r);
    }
    let mut json_only: Vec<f64> = (0..3).map(|_| python_pass("json")).collect();
    drop(input);
    child.wait().expect("the Python script ends");
    let mb = bytes as f64 / 1e6;
    let (rust_mbs, py_mbs) = (mb / common::median(&mut rust), mb / common::median(&mut py));
    let (ratio, (low, high)) = common::median_and_interval(&ratios);
    eprintln!("python: {py_mbs:.1} MB/s; paired ratio {ratio:.2} ({low:.2} to {high:.2})");
    common::row_judged(
        &format!(
            "decode MB/s: Rust typed (baseline: Python SDK, json.loads + pydantic model_validate; \
             {rounds} interleaved rounds, ratio = median of each round's Python time / Rust time)"
        ),
        format!("{rust_mbs:.0} MB/s; paired ratio {ratio:.1} (95% CI {low:.1}–{high:.1})"),
        format!("{py_mbs:.1} MB/s"),
        ratio,
        "≥ 10× the Python SDK (ratio ≥ 10)",
        (low, high),
        common::Goal::AtLeast(10.0),
    );
    common::note(&format!(
        "Python decode: {} lines, {:.1} MB; json.loads alone {:.1} MB/s; lines with no model: {}, \
         lines failing validation: {}.",
        header["lines"],
        header["mb"].as_f64().unwrap_or_default(),
        mb / common::median(&mut json_only),
        header["unknown"],
        header["invalid"],
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
    let find = |pred: &dyn Fn(&Value) -> bool| -> (&str, Value) {
        recorded
            .iter()
            .map(|line| (line.as_str(), serde_json::from_str::<Value>(line).expect("json")))
            .find(|(_, frame)| pred(frame))
            .expect("the recordings hold this kind of line")
    };
    let (delta_line, delta) = find(&|f| f["method"] == "item/agentMessage/delta");
    let (agent_line, agent) =
        find(&|f| f["method"] == "item/completed" && f["params"]["item"]["type"] == "agentMessage");
    let (command_line, command) =
        find(&|f| f["method"] == "item/completed" && f["params"]["item"]["type"] == "commandExecution");

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
            let text = words[(i + block) % words.len()];
            push(replace_field(delta_line, "delta", &delta["params"]["delta"], text));
        }
        for size in [8 << 10, 32 << 10] {
            let text = long_text(&words, size, block);
            push(replace_field(agent_line, "text", &agent["params"]["item"]["text"], &text));
        }
        let output = long_text(&words, 128 << 10, block);
        push(replace_field(command_line, "aggregatedOutput", &command["params"]["item"]["aggregatedOutput"], &output));
        block += 1;
    }
    lines
}

/// `line` with the value of its one `field` (now `old`) set to the string
/// `new`, every key kept where the runtime wrote it. (Editing a `Value` and
/// printing it would sort the keys, which the runtime never does: it writes
/// each tagged object's tag first, and the decoders take the fast path on
/// that order.)
fn replace_field(line: &str, field: &str, old: &Value, new: &str) -> String {
    let old = format!("\"{field}\":{old}");
    assert_eq!(line.matches(&old).count(), 1, "`{old}` occurs once in the recorded line {line:.300}");
    line.replacen(&old, &format!("\"{field}\":{}", Value::from(new)), 1)
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
