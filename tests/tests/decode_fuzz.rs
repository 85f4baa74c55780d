//! Decode fuzzing on stable Rust: the runtime's recorded messages
//! (tests/fixtures/recorded/), mutated at random, byte by byte and node by
//! node. Every mutated line must either decode or fail with an error that
//! says something; nothing may panic; and the client's reader, fed all of
//! them, must still answer afterwards.
//!
//! `cargo test -p openai-codex-tests --test decode_fuzz` runs
//! [`MUTATIONS_PER_RUN`] mutations; the soak runs a million:
//! `cargo test -p openai-codex-tests --test decode_fuzz -- --ignored`.
//! `FUZZ_SEED=<n>` replays a run (a failure prints its seed).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::Duration;

use futures::StreamExt;
use openai_codex::methods::{client, ClientMethod, ServerNotification, ServerRequest};
use openai_codex::Client;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Mutations per CI run.
const MUTATIONS_PER_RUN: usize = 20_000;
/// Mutations in the ignored soak.
const MUTATIONS_SOAK: usize = 1_000_000;

/// A recorded message from the runtime: its line, and for a response the
/// method it answered.
struct Recorded {
    line: String,
    answers: Option<String>,
}

fn recorded() -> Vec<Recorded> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    let mut out = Vec::new();
    for path in files.iter().filter(|path| path.extension().is_some_and(|ext| ext == "jsonl")) {
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let entry: Value = serde_json::from_str(line).unwrap();
            let Some(raw) = entry["raw"].as_str() else { continue };
            let answers = matches!(entry["kind"].as_str(), Some("response" | "error"))
                .then(|| entry["method"].as_str().unwrap_or_default().to_owned());
            out.push(Recorded { line: raw.to_owned(), answers });
        }
    }
    assert!(out.len() > 100, "the recorded fixtures are there");
    out
}

/// xorshift64*: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values a node may be replaced with: other types, edge numbers, odd strings.
fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1.5e300),
        json!(""),
        json!("\u{0}\u{ffff}"),
        json!("x".repeat(300)),
        json!([]),
        json!({}),
        json!({"type": "futureKind", "x": 1}),
        json!([[[[[[[[[[[]]]]]]]]]]]),
    ]
}

/// One mutation of `line`, as bytes (which need not be UTF-8 or JSON).
fn mutate(line: &str, rng: &mut Rng) -> Vec<u8> {
    let mut bytes = line.as_bytes().to_vec();
    match rng.below(8) {
        // Flip a byte.
        0 => {
            let at = rng.below(bytes.len());
            bytes[at] ^= 1 << rng.below(8);
        }
        // Cut a range out.
        1 => {
            let at = rng.below(bytes.len());
            let len = rng.below(16).min(bytes.len() - at);
            bytes.drain(at..at + len);
        }
        // Insert odd bytes.
        2 => {
            let at = rng.below(bytes.len() + 1);
            let inserts: &[&[u8]] = &[b"\xff", b"\"", b"{", b"}", b"]", b",", b"\\", b"\xc3\x28", b"null", b"\xef\xbb\xbf"];
            let insert = inserts[rng.below(inserts.len())];
            bytes.splice(at..at, insert.iter().copied());
        }
        // Truncate.
        3 => bytes.truncate(rng.below(bytes.len())),
        // Duplicate a range.
        4 => {
            let at = rng.below(bytes.len());
            let len = rng.below(32).min(bytes.len() - at);
            let copy: Vec<u8> = bytes[at..at + len].to_vec();
            bytes.splice(at..at, copy);
        }
        // Structural: replace, drop or retype a node.
        _ => {
            let mut value: Value = serde_json::from_str(line).unwrap();
            mutate_node(&mut value, rng);
            bytes = value.to_string().into_bytes();
        }
    }
    bytes
}

/// Walks to a random node and changes it.
fn mutate_node(value: &mut Value, rng: &mut Rng) {
    let descend = rng.below(4) != 0;
    match value {
        Value::Object(map) if descend && !map.is_empty() => {
            let key = map.keys().nth(rng.below(map.len())).unwrap().clone();
            if rng.below(6) == 0 {
                map.remove(&key);
            } else {
                mutate_node(map.get_mut(&key).unwrap(), rng);
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let at = rng.below(items.len());
            mutate_node(&mut items[at], rng);
        }
        _ => {
            let odd = odd_values();
            *value = odd[rng.below(odd.len())].clone();
        }
    }
}

/// Decodes a line as the client would type it. `Ok` for a line that
/// decodes, `Err(message)` for a clean error.
fn decode(bytes: &[u8], answers: Option<&str>) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|error| error.to_string())?;
    let value: Value = serde_json::from_str(text).map_err(|error| error.to_string())?;
    let has = |key: &str| value.get(key).is_some();
    if has("method") && has("id") {
        serde_json::from_str::<ServerRequest>(text).map(drop).map_err(|error| error.to_string())
    } else if has("method") {
        serde_json::from_str::<ServerNotification>(text).map(drop).map_err(|error| error.to_string())
    } else {
        let result = value.get("result").cloned().unwrap_or(Value::Null);
        decode_response(answers.unwrap_or_default(), result)
    }
}

/// A response's result, decoded into the typed response of its method.
fn decode_response(method: &str, result: Value) -> Result<(), String> {
    fn typed<M: ClientMethod>(result: Value) -> Result<(), String> {
        serde_json::from_value::<M::Response>(result).map(drop).map_err(|error| error.to_string())
    }
    match method {
        "thread/start" => typed::<client::ThreadStart>(result),
        "turn/start" => typed::<client::TurnStart>(result),
        "thread/read" => typed::<client::ThreadRead>(result),
        "thread/list" => typed::<client::ThreadList>(result),
        "model/list" => typed::<client::ModelList>(result),
        "account/read" => typed::<client::AccountRead>(result),
        "config/read" => typed::<client::ConfigRead>(result),
        "turn/interrupt" => typed::<client::TurnInterrupt>(result),
        _ => Ok(()),
    }
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED").ok().and_then(|seed| seed.parse().ok()).unwrap_or(0x5eed_c0de_2026)
}

/// Runs `count` mutations through the typed decoders; returns every
/// mutated line for the reader check, and how many decoded.
fn fuzz_decoders(count: usize, seed: u64) -> (Vec<Vec<u8>>, usize) {
    let messages = recorded();
    let mut rng = Rng(seed | 1);
    let mut lines = Vec::with_capacity(count);
    let mut decoded = 0;
    for n in 0..count {
        let message = &messages[rng.below(messages.len())];
        let mutated = mutate(&message.line, &mut rng);
        let outcome = catch_unwind(AssertUnwindSafe(|| decode(&mutated, message.answers.as_deref())));
        match outcome {
            Ok(Ok(())) => decoded += 1,
            Ok(Err(message)) => assert!(!message.trim().is_empty(), "mutation {n} (FUZZ_SEED={seed}): an error without a message"),
            Err(_) => panic!(
                "mutation {n} (FUZZ_SEED={seed}) panicked on: {}",
                String::from_utf8_lossy(&mutated)
            ),
        }
        lines.push(mutated);
    }
    (lines, decoded)
}

/// Feeds `lines` to a client's reader from a fake peer, then checks that
/// the client is still connected and answers a request.
async fn feed_the_reader(lines: Vec<Vec<u8>>) {
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    let (server_read, mut server_write) = tokio::io::split(server_side);
    let peer = tokio::spawn(async move {
        let mut input = BufReader::new(server_read).lines();
        let initialize: Value = serde_json::from_str(&input.next_line().await.unwrap().unwrap()).unwrap();
        let reply = json!({"id": initialize["id"], "result": {"codexHome": "/x", "platformFamily": "unix", "platformOs": "linux", "userAgent": "fuzz/1"}});
        server_write.write_all(format!("{reply}\n").as_bytes()).await.unwrap();
        for line in lines {
            // A mutation may have put a newline in; that is two lines, fine.
            server_write.write_all(&line).await.unwrap();
            server_write.write_all(b"\n").await.unwrap();
        }
        server_write.write_all(b"{\"method\":\"fuzz/done\"}\n").await.unwrap();
        // Answer the final ping; read (and drop) the answers to the mutated
        // server requests meanwhile.
        while let Ok(Some(line)) = input.next_line().await {
            let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
            if message["method"] == "fuzz/ping" {
                let pong = json!({"id": message["id"], "result": {"pong": true}});
                server_write.write_all(format!("{pong}\n").as_bytes()).await.unwrap();
            }
        }
    });
    let (read, write) = tokio::io::split(client_side);
    let client = Client::builder().connect_io(read, write).await.expect("initialize works");
    let mut events = client.notifications();
    let done = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(event) = events.next().await {
            if let Ok(ServerNotification::Unknown { method, .. }) = event {
                if method == "fuzz/done" {
                    return true;
                }
            }
        }
        false
    })
    .await
    .expect("the reader gets through every mutated line");
    assert!(done, "the stream ended before the last line");
    assert!(!client.is_closed(), "no mutated line closed the connection");
    let pong = tokio::time::timeout(Duration::from_secs(30), client.request_raw("fuzz/ping", json!({})))
        .await
        .expect("the ping is answered")
        .unwrap();
    assert_eq!(pong, json!({"pong": true}));
    drop(client);
    peer.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_runtime_messages_decode_or_fail_cleanly() {
    let (lines, decoded) = fuzz_decoders(MUTATIONS_PER_RUN, seed());
    // The mutations reach both outcomes: a fuzzer whose every line fails
    // to parse would test nothing but the JSON parser.
    assert!(decoded > MUTATIONS_PER_RUN / 10, "only {decoded} mutated lines decoded");
    assert!(decoded < MUTATIONS_PER_RUN * 9 / 10, "{decoded} mutated lines decoded: too few real mutations");
    feed_the_reader(lines).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "soak: a million mutations; run with --ignored"]
async fn soak_a_million_mutations() {
    let mut seed = seed();
    for _ in 0..MUTATIONS_SOAK / MUTATIONS_PER_RUN {
        let (lines, _) = fuzz_decoders(MUTATIONS_PER_RUN, seed);
        feed_the_reader(lines).await;
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    }
}
