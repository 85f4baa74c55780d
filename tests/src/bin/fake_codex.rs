//! `fake-codex`: a misbehaving stand-in for the `codex` binary, for the
//! fault-injection tests (`tests/tests/client_misbehaving.rs`).
//!
//! `fake-codex --version` prints `codex-cli <version>` (the SDK's pinned
//! version, or `FAKE_CODEX_VERSION`). `fake-codex app-server` speaks
//! line-delimited JSON-RPC on stdio: it answers `initialize`, and then each
//! request's method picks a fault (see [`answer`]); any other method gets
//! `{"ok": true}`. Every request it reads is recorded and can be listed
//! with `fault/received`.

use std::io::{BufRead, Write};
use std::time::Duration;

use serde_json::{json, Value};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version") => {
            let version = std::env::var("FAKE_CODEX_VERSION").unwrap_or_else(|_| openai_codex::runtime::VERSION.to_owned());
            println!("codex-cli {version}");
        }
        Some("app-server") => app_server(),
        _ => {
            eprintln!("fake-codex: usage: fake-codex --version | app-server");
            std::process::exit(2);
        }
    }
}

/// What the fake has read so far.
#[derive(Default)]
struct State {
    /// The `marker` param of every request read, in order (or its method).
    received: Vec<Value>,
}

fn app_server() {
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut state = State::default();
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
        let (Some(id), Some(method)) = (message.get("id").cloned(), message["method"].as_str()) else { continue };
        state.received.push(message["params"].get("marker").cloned().unwrap_or_else(|| json!(method)));
        answer(&mut input, &mut state, id, method, &message["params"]);
    }
}

/// Writes raw bytes and a newline to stdout.
fn send_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

fn send(message: &Value) {
    send_bytes(message.to_string().as_bytes());
}

fn reply(id: &Value, result: Value) {
    send(&json!({"id": id, "result": result}));
}

/// Answers one request; the method says how.
fn answer(input: &mut impl BufRead, state: &mut State, id: Value, method: &str, params: &Value) {
    match method {
        "initialize" => reply(&id, json!({
            "codexHome": "/nowhere",
            "platformFamily": "unix",
            "platformOs": "linux",
            "userAgent": format!("fake_codex/{} (fake)", std::env::var("FAKE_CODEX_VERSION").unwrap_or_else(|_| openai_codex::runtime::VERSION.to_owned())),
        })),
        // --- stdout faults -------------------------------------------------
        // A line of bytes that are not UTF-8, then the real answer.
        "fault/nonUtf8Noise" => {
            send_bytes(b"{\"method\": \"noise\", \"params\": {\"text\": \"\xff\xfe\"}}");
            send_bytes(b"\xc3\x28 plain garbage \xa0\xa1");
            reply(&id, json!({"ok": true}));
        }
        // The answer itself is not UTF-8.
        "fault/nonUtf8Answer" => {
            let mut line = format!("{{\"id\": {id}, \"result\": {{\"text\": \"").into_bytes();
            line.extend_from_slice(b"\xff\xfe");
            line.extend_from_slice(b"\"}}");
            send_bytes(&line);
        }
        "fault/array" => send_bytes(b"[1, 2, 3]"),
        "fault/bom" => send_bytes(format!("\u{feff}{}", json!({"id": id, "result": {"ok": true}})).as_bytes()),
        "fault/stringId" => send(&json!({"id": id.to_string(), "result": {"ok": true}})),
        "fault/stringCode" => send(&json!({"id": id, "error": {"code": "-32000", "message": "bad"}})),
        "fault/noMessage" => send(&json!({"id": id, "error": {"code": -32000}})),
        "fault/stringError" => send(&json!({"id": id, "error": "boom"})),
        // Never answered.
        "fault/silent" => {}
        // --- stderr faults -------------------------------------------------
        // Writes bytes that are not UTF-8 and a line with escape codes and a
        // secret to stderr, then `count` more lines; answers how many stderr
        // writes failed (a closed pipe makes them fail).
        "fault/stderrNoise" => {
            let count = params["count"].as_u64().unwrap_or(1000);
            let mut failures = 0u64;
            let mut err = std::io::stderr().lock();
            failures += u64::from(err.write_all(b"\xff\xfe not utf-8 \xc3\x28\n").is_err());
            failures += u64::from(err.write_all(b"\x1b[31mERROR\x1b[0m token=sk-abcdefghijklmnop leaked\n").is_err());
            for n in 0..count {
                failures += u64::from(writeln!(err, "line {n}").and_then(|()| err.flush()).is_err());
            }
            drop(err);
            reply(&id, json!({"stderrWriteFailures": failures}));
        }
        // `bytes` bytes of stderr without a newline, then one, then a
        // marker line; answers when written.
        "fault/stderrLongLine" => {
            let bytes = params["bytes"].as_u64().unwrap_or(16 << 20) as usize;
            let mut err = std::io::stderr().lock();
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = bytes;
            while left > 0 {
                let n = left.min(chunk.len());
                let _ = err.write_all(&chunk[..n]);
                left -= n;
            }
            let _ = err.write_all(b"\nafter the long line\n");
            let _ = err.flush();
            drop(err);
            reply(&id, json!({"ok": true}));
        }
        // Last words on stderr, then exit at once without answering.
        "fault/exitWithStderr" => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "first words");
            let _ = writeln!(err, "Authorization: Bearer very-secret-token");
            let _ = writeln!(err, "last words: the runtime gives up");
            let _ = err.flush();
            std::process::exit(3);
        }
        // --- write queue ---------------------------------------------------
        // Answers, then stops reading its input for `ms` milliseconds.
        "fault/stopReading" => {
            reply(&id, json!({"ok": true}));
            std::thread::sleep(Duration::from_millis(params["ms"].as_u64().unwrap_or(1000)));
        }
        // The markers (or methods) of every request read so far.
        "fault/received" => reply(&id, json!({"received": state.received})),
        // --- server requests -----------------------------------------------
        // Sends the client a command approval request with the given id
        // (`null` allowed) and answers with the client's reply.
        "fault/approvalRequest" => {
            let request_id = params.get("requestId").cloned().unwrap_or(json!("srv-1"));
            send(&json!({
                "id": request_id,
                "method": "item/commandExecution/requestApproval",
                "params": {"threadId": "t-1", "turnId": "turn-1", "itemId": "item-1", "startedAtMs": 0, "reason": "needs network"},
            }));
            let answer = read_reply(input, &request_id);
            reply(&id, json!({"answer": answer}));
        }
        // The runtime's environment as it sees it.
        "fault/env" => reply(&id, json!({"RUST_LOG": std::env::var("RUST_LOG").ok()})),
        "command/exec" => command_exec(&id, params),
        _ => reply(&id, json!({"ok": true})),
    }
}

/// Reads lines until the reply to `request_id` (other lines are recorded
/// requests or ignored).
fn read_reply(input: &mut impl BufRead, request_id: &Value) -> Value {
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).unwrap_or(0) == 0 {
            return Value::Null;
        }
        let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
        if message.get("method").is_none() && message.get("id") == Some(request_id) {
            return message;
        }
    }
}

/// `command/exec` misbehaving as its program (`argv[0]`) says:
/// `fault-exit` prints a line and then the app-server exits without
/// answering; `fault-bad-base64` sends output that is not base64, then
/// exits 0; anything else gets an answer that does not decode.
fn command_exec(id: &Value, params: &Value) {
    let process = params["processId"].clone();
    let delta = |data: &str| {
        send(&json!({"method": "command/exec/outputDelta", "params": {
            "processId": process, "stream": "stdout", "deltaBase64": data, "capReached": false
        }}));
    };
    match params["command"][0].as_str() {
        Some("fault-exit") => {
            delta("cGFydGlhbAo="); // "partial\n"
            std::process::exit(3);
        }
        Some("fault-bad-base64") => {
            delta("not base64!");
            delta("b2sK"); // "ok\n"
            reply(id, json!({"exitCode": 0, "stdout": "", "stderr": ""}));
        }
        _ => reply(id, json!({"ok": true})),
    }
}
