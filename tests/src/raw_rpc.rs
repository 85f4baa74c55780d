//! A minimal raw JSON-RPC driver for `codex app-server` (no SDK): frames are
//! [`serde_json::Value`]s, one JSON object per line on stdin/stdout.
//!
//! Every frame sent or received is logged as a [`RawSession::log`] entry:
//! `{"dir": "sent"|"recv", "kind": "request"|"response"|"error"|"notification",
//! "method": ..., "frame": ...}`, plus `"raw"` (the exact line) for received
//! frames. A response's or error's `method` is the method of the request it
//! answers. Server requests are answered at once by a handler (by default:
//! decline approvals, refuse anything else).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

/// How long [`RawSession::request`] waits for a response.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers one server request: `Ok(result)` or `Err(error object)`.
pub type ServerRequestHandler = Box<dyn FnMut(&str, &Value) -> Result<Value, Value> + Send>;

/// A running `codex app-server` child and its logged traffic.
pub struct RawSession {
    child: Child,
    stdin: ChildStdin,
    stdout: Lines<BufReader<ChildStdout>>,
    next_id: i64,
    pending: HashMap<String, String>,
    responses: HashMap<String, Value>,
    inbox: VecDeque<Value>,
    log: Vec<Value>,
    handler: ServerRequestHandler,
}

impl RawSession {
    /// Spawns `command` (which must pipe stdin and stdout, e.g.
    /// [`CodexHome::app_server_command`](crate::codex_home::CodexHome::app_server_command)).
    pub fn spawn(mut command: Command) -> anyhow::Result<Self> {
        let mut child = command.spawn().context("spawning codex app-server")?;
        let stdin = child.stdin.take().context("child stdin is not piped")?;
        let stdout = child.stdout.take().context("child stdout is not piped")?;
        Ok(Self {
            child,
            stdin,
            stdout: BufReader::new(stdout).lines(),
            next_id: 1,
            pending: HashMap::new(),
            responses: HashMap::new(),
            inbox: VecDeque::new(),
            log: Vec::new(),
            handler: Box::new(default_answer),
        })
    }

    /// Replaces the server-request handler.
    pub fn on_server_request(
        &mut self,
        handler: impl FnMut(&str, &Value) -> Result<Value, Value> + Send + 'static,
    ) {
        self.handler = Box::new(handler);
    }

    /// The child's process id (`None` once it was reaped).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Every frame so far, as log entries (see the module docs).
    pub fn log(&self) -> &[Value] {
        &self.log
    }

    /// `initialize` with `clientInfo`, then the `initialized` notification.
    /// Returns the `initialize` result.
    pub async fn initialize(&mut self) -> anyhow::Result<Value> {
        let params = json!({
            "clientInfo": {
                "name": "openai_codex_tests",
                "title": "openai-codex tests",
                "version": env!("CARGO_PKG_VERSION"),
            },
        });
        let result = self.request("initialize", params).await?;
        self.notify("initialized", None).await?;
        Ok(result)
    }

    /// Sends a request and waits for its result; a JSON-RPC error becomes
    /// `Err`. Server frames arriving meanwhile are logged and kept for
    /// [`RawSession::wait_for_notification`].
    pub async fn request(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        let id = self.send_request(method, params).await?;
        self.wait_for_response(&id, REQUEST_TIMEOUT)
            .await
            .with_context(|| format!("request {method}"))
    }

    /// Sends a request without waiting; returns its id.
    pub async fn send_request(&mut self, method: &str, params: Value) -> anyhow::Result<Value> {
        let id = json!(self.next_id);
        self.next_id += 1;
        self.pending.insert(id.to_string(), method.to_owned());
        let frame = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send("request", method, frame).await?;
        Ok(id)
    }

    /// Sends a notification (`params` omitted when `None`).
    pub async fn notify(&mut self, method: &str, params: Option<Value>) -> anyhow::Result<()> {
        let mut frame = json!({ "jsonrpc": "2.0", "method": method });
        if let Some(params) = params {
            frame["params"] = params;
        }
        self.send("notification", method, frame).await
    }

    /// Waits for the response to request `id`; returns its result. Frames
    /// from the server received meanwhile stay queued for
    /// [`RawSession::wait_for_notification`].
    pub async fn wait_for_response(
        &mut self,
        id: &Value,
        timeout: Duration,
    ) -> anyhow::Result<Value> {
        let key = id.to_string();
        let deadline = tokio::time::Instant::now() + timeout;
        let frame = loop {
            if let Some(frame) = self.responses.remove(&key) {
                break frame;
            }
            self.receive_until(deadline, timeout).await?;
        };
        match frame.get("error") {
            Some(error) => bail!("JSON-RPC error: {error}"),
            None => Ok(frame["result"].clone()),
        }
    }

    /// Waits for the next notification named `method`; returns its params.
    /// The server frames queued before it are consumed (they stay in the
    /// log).
    pub async fn wait_for_notification(
        &mut self,
        method: &str,
        timeout: Duration,
    ) -> anyhow::Result<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            while let Some(frame) = self.inbox.pop_front() {
                if frame["method"] == method && frame.get("id").is_none() {
                    return Ok(frame["params"].clone());
                }
            }
            self.receive_until(deadline, timeout)
                .await
                .with_context(|| format!("waiting for {method}"))?;
        }
    }

    /// Receives one frame into `responses` or `inbox`, failing at `deadline`.
    async fn receive_until(
        &mut self,
        deadline: tokio::time::Instant,
        timeout: Duration,
    ) -> anyhow::Result<()> {
        let frame = tokio::time::timeout_at(deadline, self.receive())
            .await
            .map_err(|_| anyhow!("timed out after {timeout:?}"))??;
        if frame.get("method").is_some() {
            self.inbox.push_back(frame);
        } else {
            self.responses.insert(frame["id"].to_string(), frame);
        }
        Ok(())
    }

    /// Reads, logs and returns the next frame; answers server requests.
    async fn receive(&mut self) -> anyhow::Result<Value> {
        let line = self
            .stdout
            .next_line()
            .await?
            .context("codex app-server closed stdout")?;
        let frame: Value = serde_json::from_str(&line)
            .with_context(|| format!("codex app-server wrote a non-JSON line: {line}"))?;
        let (kind, method) = self.classify(&frame);
        self.log.push(json!({
            "dir": "recv", "kind": kind, "method": method, "frame": frame, "raw": line,
        }));
        if kind == "request" {
            self.answer_server_request(&frame, &method).await?;
        }
        Ok(frame)
    }

    fn classify(&mut self, frame: &Value) -> (&'static str, String) {
        if let Some(method) = frame["method"].as_str() {
            let kind = if frame.get("id").is_some() {
                "request"
            } else {
                "notification"
            };
            return (kind, method.to_owned());
        }
        let method = self
            .pending
            .remove(&frame["id"].to_string())
            .unwrap_or_default();
        let kind = if frame.get("error").is_some() {
            "error"
        } else {
            "response"
        };
        (kind, method)
    }

    async fn answer_server_request(&mut self, request: &Value, method: &str) -> anyhow::Result<()> {
        let mut frame = json!({ "jsonrpc": "2.0", "id": request["id"] });
        match (self.handler)(method, &request["params"]) {
            Ok(result) => frame["result"] = result,
            Err(error) => frame["error"] = error,
        }
        let kind = if frame.get("error").is_some() {
            "error"
        } else {
            "response"
        };
        self.send(kind, method, frame).await
    }

    async fn send(&mut self, kind: &str, method: &str, frame: Value) -> anyhow::Result<()> {
        let mut line = frame.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await?;
        self.stdin.flush().await?;
        self.log
            .push(json!({ "dir": "sent", "kind": kind, "method": method, "frame": frame }));
        Ok(())
    }

    /// Closes stdin (the runtime exits on end of input), waits a little for
    /// a clean exit, then kills the child and waits for it (bounded).
    /// Returns the log.
    pub async fn shutdown(self) -> Vec<Value> {
        let Self {
            mut child,
            stdin,
            log,
            ..
        } = self;
        drop(stdin);
        let exited = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
        if !matches!(exited, Ok(Ok(_))) {
            let _ = child.start_kill();
            let _ = tokio::time::timeout(Duration::from_secs(10), child.wait()).await;
        }
        log
    }
}

/// The default handler: decline approvals, refuse other server requests.
pub fn default_answer(method: &str, _params: &Value) -> Result<Value, Value> {
    match method {
        "item/commandExecution/requestApproval" | "item/fileChange/requestApproval" => {
            Ok(json!({ "decision": "decline" }))
        }
        "execCommandApproval" | "applyPatchApproval" => Ok(json!({ "decision": "denied" })),
        _ => Err(
            json!({ "code": -32601, "message": format!("{method} is not handled by this client") }),
        ),
    }
}
