//! A scripted fake app-server over an in-memory pipe, shared by the API
//! tests: it answers every method the friendly API sends with a minimal
//! valid answer, plays a short turn (started, one agent message, completed)
//! after `turn/start`, and records every frame it receives. A [`Script`]
//! replaces its answer to the frames it chooses (see [`connect_scripted`]).

#![allow(dead_code)] // each test file uses its own part

use std::sync::{Arc, Mutex};

use openai_codex::{blocking, Client, ClientBuilder, Codex};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

/// The thread id every answer carries.
pub const THREAD_ID: &str = "thread-1";
/// The turn id every `turn/start` answer carries.
pub const TURN_ID: &str = "turn-1";
/// The final answer of every turn: valid JSON, so `run_structured` parses it.
pub const ANSWER: &str = r#"{"answer":"hi"}"#;

/// The frames the fake received, in order.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Value>>>);

impl Recorder {
    /// Every frame received, `initialize` included.
    pub fn frames(&self) -> Vec<Value> {
        self.0.lock().unwrap().clone()
    }

    /// The methods of the requests received after the handshake, in order.
    pub fn methods(&self) -> Vec<String> {
        self.frames()
            .iter()
            .filter(|frame| frame.get("id").is_some())
            .filter_map(|frame| frame["method"].as_str().map(str::to_owned))
            .filter(|method| method != "initialize")
            .collect()
    }

    /// The params of the last `method` request, exactly as they went over the wire.
    pub fn last_params(&self, method: &str) -> Value {
        self.frames()
            .into_iter()
            .rev()
            .find(|frame| frame["method"] == method)
            .unwrap_or_else(|| panic!("no {method} request was sent; got {:?}", self.methods()))["params"]
            .clone()
    }

    /// Forgets what was recorded so far.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

/// A minimal `Thread` as the runtime sends it.
pub fn thread() -> Value {
    json!({
        "agentNickname": null, "agentRole": null, "canAcceptDirectInput": true, "cliVersion": "0.163.0",
        "createdAt": 1, "cwd": "/work", "daybreakEnabled": null, "environments": [], "ephemeral": false,
        "extra": null, "forkedFromId": null, "gitInfo": null, "historyMode": "paginated", "id": THREAD_ID,
        "model": "mock-model", "modelProvider": "mock", "name": null, "originator": "fake", "parentThreadId": null,
        "path": null, "preview": "", "projectId": null, "reasoningEffort": null, "recencyAt": 1, "section": null,
        "sectionEnteredAt": null, "sessionId": THREAD_ID, "source": "appServer", "status": {"type": "idle"},
        "threadSource": null, "turns": [], "updatedAt": 1
    })
}

/// A `Turn` with the fake's turn id, as the runtime sends it.
pub fn turn(status: &str, items: Value) -> Value {
    json!({
        "completedAt": null, "durationMs": null, "error": null, "id": TURN_ID, "items": items,
        "itemsView": "summary", "rootTurnId": TURN_ID, "startedAt": null, "status": status
    })
}

/// The answer of `thread/start`, `thread/resume` and `thread/fork`.
fn thread_session() -> Value {
    json!({
        "activePermissionProfile": null, "approvalPolicy": "on-request", "approvalsReviewer": "auto_review",
        "cwd": "/work", "disabledPluginIds": [], "instructionSources": [], "model": "mock-model",
        "modelProvider": "mock", "multiAgentMode": "explicitRequestOnly", "reasoningEffort": null,
        "runtimeWorkspaceRoots": ["/work"], "sandbox": {"type": "readOnly", "networkAccess": false},
        "serviceTier": null, "thread": thread()
    })
}

/// An agent message item in the final-answer phase.
pub fn agent_message(id: &str, text: &str) -> Value {
    json!({
        "delivery": null, "id": id, "memoryCitation": null, "phase": "final_answer",
        "questions": null, "text": text, "type": "agentMessage"
    })
}

/// Replaces the fake's answer to a frame: `Some(lines)` to write instead,
/// `None` to answer as usual.
pub type Script = Arc<dyn Fn(&Value) -> Option<Vec<Value>> + Send + Sync>;

/// The lines the fake writes back for one received frame.
fn answer(frame: &Value) -> Vec<Value> {
    let Some(id) = frame.get("id") else { return Vec::new() }; // a notification
    let result = match frame["method"].as_str().unwrap_or_default() {
        "initialize" => json!({
            "codexHome": "/nowhere", "platformFamily": "unix", "platformOs": "linux", "userAgent": "fake/1.0"
        }),
        "thread/start" | "thread/resume" | "thread/fork" => thread_session(),
        "thread/list" => json!({"data": [thread()], "nextCursor": null}),
        "thread/read" | "thread/unarchive" => json!({"thread": thread()}),
        "thread/archive" | "thread/name/set" | "thread/compact/start" | "turn/interrupt" => json!({}),
        "turn/steer" => json!({"turnId": TURN_ID}),
        "turn/start" => {
            let message = json!({
                "delivery": null, "id": "msg-1", "memoryCitation": null, "phase": "final_answer",
                "questions": null, "text": ANSWER, "type": "agentMessage"
            });
            return vec![
                json!({"id": id, "result": {"turn": turn("inProgress", json!([]))}}),
                json!({"method": "turn/started", "params": {"threadId": THREAD_ID, "turn": turn("inProgress", json!([]))}}),
                json!({"method": "item/completed", "params": {
                    "threadId": THREAD_ID, "turnId": TURN_ID, "completedAtMs": 1, "item": message
                }}),
                json!({"method": "turn/completed", "params": {"threadId": THREAD_ID, "turn": turn("completed", json!([message]))}}),
            ];
        }
        other => return vec![json!({"id": id, "error": {"code": -32601, "message": format!("the fake does not know {other}")}})],
    };
    vec![json!({"id": id, "result": result})]
}

/// Serves one connection until the client closes it.
async fn serve(server_side: DuplexStream, recorder: Recorder, script: Option<Script>) {
    let (read, mut write) = tokio::io::split(server_side);
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let frame: Value = serde_json::from_str(&line).expect("the client sends JSON");
        recorder.0.lock().unwrap().push(frame.clone());
        let replies = script.as_ref().and_then(|script| script(&frame)).unwrap_or_else(|| answer(&frame));
        for reply in replies {
            let mut text = reply.to_string();
            text.push('\n');
            if write.write_all(text.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

/// An async [`Codex`] connected to a fresh fake (call inside a tokio runtime).
pub async fn connect() -> (Codex, Recorder) {
    connect_scripted(None, |builder| builder).await
}

/// An async [`Codex`] connected to a fresh fake whose answers `script`
/// overrides, with the client configured by `configure`.
pub async fn connect_scripted(
    script: Option<Script>,
    configure: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> (Codex, Recorder) {
    let recorder = Recorder::default();
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    tokio::spawn(serve(server_side, recorder.clone(), script));
    let (read, write) = tokio::io::split(client_side);
    let client = configure(Client::builder()).connect_io(read, write).await.expect("initialize works");
    (Codex::from_client(client), recorder)
}

/// A blocking [`blocking::Codex`] connected to a fresh fake, both running on
/// a runtime of their own (call outside any runtime).
pub fn connect_blocking() -> (blocking::Codex, Recorder) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let (codex, recorder) = runtime.block_on(connect());
    (blocking::Codex::from_async(codex, runtime), recorder)
}
