//! A scripted mock of the OpenAI Responses API for driving the real Codex
//! runtime offline.
//!
//! [`MockModel`] listens on `127.0.0.1` (a free port), answers
//! `POST /v1/responses` from a queue of canned [`Answer`]s and records every
//! request it receives as a [`Request`] (the body parsed as JSON). Any other
//! path gets a 404 (and is recorded too, see [`MockModel::other_requests`]).
//! When the queue holds no answer for a request, the default answer (a short
//! text, `"done"`) is served, so a runtime never waits for an answer that was
//! not scripted.
//!
//! Requests are served concurrently. To route answers when several threads
//! run at once, queue them with a [`Matcher`] ([`MockModel::push_when`]): each
//! request takes the first queued answer whose matcher accepts it.
//!
//! The server and all its connections stop when the [`MockModel`] is dropped.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use openai_codex_tests::mock_model::{Answer, Matcher, MockModel};
//!
//! let mock = MockModel::start().await?;
//! mock.push(Answer::exec_command("call_1", "echo hi > out.txt"));
//! mock.push(Answer::text("I wrote the file."));
//! mock.push_when(Matcher::user_text_contains("thread-b"), Answer::text("b"));
//! // ... point the runtime's model provider at `mock.url()` and run turns ...
//! let requests = mock.requests();
//! assert!(requests[1].function_call_output("call_1").is_some());
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt as _;
use hyper::body::{Body, Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::{JoinHandle, JoinSet};

/// The text served when no queued answer matches a request.
pub const DEFAULT_TEXT: &str = "done";

/// The running mock server. Dropping it stops the server and closes every
/// connection (including stalled streams).
pub struct MockModel {
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl MockModel {
    /// Binds `127.0.0.1:0` and starts serving in a background task of the
    /// current tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(Self {
            addr,
            shared,
            server,
        })
    }

    /// The base URL for a model provider's `base_url`:
    /// `http://127.0.0.1:<port>/v1`.
    pub fn url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues an answer for the next request, whatever it contains.
    pub fn push(&self, answer: Answer) {
        self.push_when(Matcher::any(), answer);
    }

    /// Queues an answer for the first request that `matcher` accepts. Answers
    /// are tried in the order they were queued.
    pub fn push_when(&self, matcher: Matcher, answer: Answer) {
        self.shared.lock().queue.push_back((matcher, answer));
    }

    /// Replaces the answer served when no queued answer matches (by default a
    /// text answer saying [`DEFAULT_TEXT`]).
    pub fn set_default(&self, answer: Answer) {
        self.shared.lock().default = Some(answer);
    }

    /// How many queued answers have not been served yet.
    pub fn pending(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// Every `POST /v1/responses` request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the requests recorded so far (a long soak would otherwise
    /// keep every one of them).
    pub fn clear_requests(&self) {
        let mut shared = self.shared.lock();
        shared.requests.clear();
        shared.others.clear();
    }

    /// Requests to any other method or path (they were answered 404).
    pub fn other_requests(&self) -> Vec<Request> {
        self.shared.lock().others.clone()
    }

    /// Waits until at least `count` `/v1/responses` requests have arrived and
    /// returns them all, or `None` after `timeout`.
    pub async fn wait_for_requests(&self, count: usize, timeout: Duration) -> Option<Vec<Request>> {
        let wait = async {
            loop {
                let notified = self.shared.arrived.notified();
                let requests = self.requests();
                if requests.len() >= count {
                    return requests;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.ok()
    }
}

impl Drop for MockModel {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl fmt::Debug for MockModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockModel")
            .field("addr", &self.addr)
            .field("pending", &self.pending())
            .finish_non_exhaustive()
    }
}

/// One HTTP request the mock received.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The request path, e.g. `/v1/responses`.
    pub path: String,
    /// The body parsed as JSON; a body that is not JSON is kept as a JSON
    /// string, an empty body is `null`.
    pub body: Value,
}

impl Request {
    /// The `input` items of a Responses request (empty if there are none).
    pub fn input(&self) -> &[Value] {
        self.body["input"].as_array().map_or(&[], Vec::as_slice)
    }

    /// The text of the last `user` message in `input` (its `input_text`
    /// parts joined), if any.
    pub fn last_user_text(&self) -> Option<String> {
        self.input()
            .iter()
            .rev()
            .find(|item| item["type"] == "message" && item["role"] == "user")
            .map(message_text)
    }

    /// The names of the tools the request advertises to the model.
    pub fn tool_names(&self) -> Vec<String> {
        let tools = self.body["tools"].as_array().map_or(&[][..], Vec::as_slice);
        tools
            .iter()
            .filter_map(tool_name)
            .map(str::to_owned)
            .collect()
    }

    /// The spec of the tool `name` the request advertises to the model: a
    /// top-level tool, or with `namespace` the tool inside that namespace
    /// (as the runtime sends a client's tool namespace).
    pub fn tool_spec(&self, namespace: Option<&str>, name: &str) -> Option<&Value> {
        let tools = self.body["tools"].as_array()?;
        match namespace {
            None => tools.iter().find(|tool| tool["name"] == name && tool["type"] != "namespace"),
            Some(namespace) => tools
                .iter()
                .find(|tool| tool["type"] == "namespace" && tool["name"] == namespace)?["tools"]
                .as_array()?
                .iter()
                .find(|tool| tool["name"] == name),
        }
    }

    /// The text the runtime sent back to the model for the call `call_id`:
    /// the `output` of its `function_call_output`, as a string (the runtime
    /// sends text outputs as a string, and content lists as an array, which
    /// is given here as its JSON).
    pub fn function_call_output_text(&self, call_id: &str) -> Option<String> {
        let output = &self.function_call_output(call_id)?["output"];
        Some(match output.as_str() {
            Some(text) => text.to_owned(),
            None => output.to_string(),
        })
    }

    /// The `function_call_output` (or `custom_tool_call_output`) input item
    /// answering `call_id`, if the request carries one.
    pub fn function_call_output(&self, call_id: &str) -> Option<&Value> {
        self.input().iter().find(|item| {
            matches!(
                item["type"].as_str(),
                Some("function_call_output" | "custom_tool_call_output")
            ) && item["call_id"] == call_id
        })
    }
}

fn message_text(message: &Value) -> String {
    let parts = message["content"].as_array().map_or(&[][..], Vec::as_slice);
    parts
        .iter()
        .filter_map(|part| part["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn tool_name(tool: &Value) -> Option<&str> {
    tool["name"].as_str().or_else(|| tool["type"].as_str())
}

/// Decides which requests a queued answer may serve.
#[derive(Clone)]
pub struct Matcher(Arc<dyn Fn(&Request) -> bool + Send + Sync>);

impl Matcher {
    /// Accepts every request.
    pub fn any() -> Self {
        Self::new(|_| true)
    }

    /// Accepts requests whose last user message contains `needle` (this
    /// stays true for the follow-up requests of the same turn, which carry
    /// tool outputs after that message).
    pub fn user_text_contains(needle: impl Into<String>) -> Self {
        let needle = needle.into();
        Self::new(move |request| {
            request
                .last_user_text()
                .is_some_and(|text| text.contains(&needle))
        })
    }

    /// Accepts requests that carry the output of the tool call `call_id`.
    pub fn has_output_for(call_id: impl Into<String>) -> Self {
        let call_id = call_id.into();
        Self::new(move |request| request.function_call_output(&call_id).is_some())
    }

    /// Accepts requests for which `predicate` returns true.
    pub fn new(predicate: impl Fn(&Request) -> bool + Send + Sync + 'static) -> Self {
        Self(Arc::new(predicate))
    }

    /// Whether this matcher accepts `request`.
    pub fn matches(&self, request: &Request) -> bool {
        (self.0)(request)
    }
}

impl fmt::Debug for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Matcher(..)")
    }
}

/// A canned answer to one `POST /v1/responses` request.
#[derive(Debug, Clone)]
pub struct Answer {
    kind: AnswerKind,
    gate: Option<GateWait>,
}

#[derive(Debug, Clone)]
enum AnswerKind {
    /// A `200 text/event-stream` answer.
    Stream(Vec<Value>),
    /// A plain JSON answer with any status.
    Status { status: u16, body: Value },
}

impl Answer {
    /// A streamed assistant message: `response.created`, the text as a few
    /// `response.output_text.delta` events, `response.output_item.done` with
    /// the `message` item, then `response.completed` with usage.
    pub fn text(text: impl Into<String>) -> Self {
        Self::output(vec![Output::message(text)])
    }

    /// A `function_call` output item calling `name` with `arguments`
    /// (serialized to the JSON string the API sends).
    pub fn function_call(call_id: impl Into<String>, name: &str, arguments: Value) -> Self {
        Self::output(vec![Output::function_call(call_id, name, arguments)])
    }

    /// A call of the runtime's shell tool: `exec_command` with `{"cmd": cmd}`.
    pub fn exec_command(call_id: impl Into<String>, cmd: &str) -> Self {
        Self::function_call(call_id, "exec_command", json!({ "cmd": cmd }))
    }

    /// A call of the freeform `apply_patch` tool (a `custom_tool_call` whose
    /// input is the patch text), as models with a bundled catalog entry use
    /// it.
    pub fn apply_patch(call_id: impl Into<String>, patch: &str) -> Self {
        Self::output(vec![Output::custom_tool_call(
            call_id,
            "apply_patch",
            patch,
        )])
    }

    /// A response made of these output items, wrapped in `response.created`
    /// and `response.completed`.
    pub fn output(items: Vec<Output>) -> Self {
        let id = next_id("resp");
        let mut events = vec![created_event(&id)];
        for (index, item) in items.into_iter().enumerate() {
            events.extend(item.into_events(index));
        }
        events.push(completed_event(&id));
        Self::events(events)
    }

    /// A stream of exactly these SSE events (each needs a `type`), sent as
    /// given: nothing is added.
    pub fn events(events: Vec<Value>) -> Self {
        Self {
            kind: AnswerKind::Stream(events),
            gate: None,
        }
    }

    /// A `response.failed` event (after `response.created`) with this error
    /// `code` and `message`, inside a `200` stream.
    pub fn response_failed(code: &str, message: &str) -> Self {
        let id = next_id("resp");
        Self::events(vec![
            created_event(&id),
            json!({
                "type": "response.failed",
                "response": { "id": id, "error": { "code": code, "message": message } },
            }),
        ])
    }

    /// A non-streamed answer: this HTTP status with a JSON body.
    pub fn status(status: u16, body: Value) -> Self {
        Self {
            kind: AnswerKind::Status { status, body },
            gate: None,
        }
    }

    /// `500 Internal Server Error` with an error body shaped like the API's.
    pub fn server_error() -> Self {
        let message = "The server had an error while processing your request.";
        Self::status(500, api_error(message, "server_error", Value::Null))
    }

    /// `429 Too Many Requests` with a `rate_limit_exceeded` error body shaped
    /// like the API's.
    pub fn rate_limited() -> Self {
        let message = "Rate limit reached for mock-model. Please try again in 20s.";
        Self::status(
            429,
            api_error(message, "requests", json!("rate_limit_exceeded")),
        )
    }

    /// A stall: the stream sends `response.created` and then stays open
    /// without completing until the returned [`Gate`] is opened or dropped
    /// (then it finishes as a text answer saying [`DEFAULT_TEXT`]), the
    /// client drops the connection, or the mock stops.
    #[must_use = "dropping the gate releases the stall at once"]
    pub fn stall() -> (Self, Gate) {
        Self::text(DEFAULT_TEXT).gated()
    }

    /// Holds this answer back until the returned [`Gate`] is opened or
    /// dropped: a stream after its first event (`response.created`), a
    /// status answer before anything is sent.
    #[must_use = "dropping the gate releases the answer at once"]
    pub fn gated(mut self) -> (Self, Gate) {
        let (gate, wait) = Gate::new();
        self.gate = Some(wait);
        (self, gate)
    }
}

fn api_error(message: &str, kind: &str, code: Value) -> Value {
    json!({
        "error": { "message": message, "type": kind, "param": null, "code": code },
    })
}

fn created_event(id: &str) -> Value {
    json!({ "type": "response.created", "response": { "id": id } })
}

fn completed_event(id: &str) -> Value {
    json!({
        "type": "response.completed",
        "response": {
            "id": id,
            "usage": {
                "input_tokens": 10,
                "input_tokens_details": { "cached_tokens": 0 },
                "output_tokens": 5,
                "output_tokens_details": { "reasoning_tokens": 0 },
                "total_tokens": 15,
            },
        },
    })
}

fn next_id(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    format!("{prefix}_mock_{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// One output item of a streamed answer (see [`Answer::output`]).
#[derive(Debug, Clone)]
pub struct Output {
    item: Value,
    deltas: Vec<Value>,
}

impl Output {
    /// An assistant `message` with one `output_text` part, streamed as a few
    /// `response.output_text.delta` events (split at word boundaries).
    pub fn message(text: impl Into<String>) -> Self {
        let text = text.into();
        let id = next_id("msg");
        let deltas = split_words(&text)
            .into_iter()
            .map(|delta| {
                json!({
                    "type": "response.output_text.delta",
                    "item_id": id, "content_index": 0, "delta": delta,
                })
            })
            .collect();
        let item = json!({
            "type": "message", "role": "assistant", "id": id, "status": "completed",
            "content": [{ "type": "output_text", "text": text, "annotations": [] }],
        });
        Self { item, deltas }
    }

    /// A `function_call` item; `arguments` is sent as a JSON string.
    pub fn function_call(call_id: impl Into<String>, name: &str, arguments: Value) -> Self {
        let item = json!({
            "type": "function_call", "id": next_id("fc"), "status": "completed",
            "call_id": call_id.into(), "name": name, "arguments": arguments.to_string(),
        });
        Self {
            item,
            deltas: Vec::new(),
        }
    }

    /// A `function_call` item calling the tool `name` of the namespace
    /// `namespace` (a client's tool namespace; the item names both).
    pub fn namespaced_function_call(
        call_id: impl Into<String>,
        namespace: &str,
        name: &str,
        arguments: Value,
    ) -> Self {
        let mut call = Self::function_call(call_id, name, arguments);
        call.item["namespace"] = json!(namespace);
        call
    }

    /// A `function_call` item whose `arguments` string is sent exactly as
    /// given (for arguments that are not valid JSON).
    pub fn function_call_raw_arguments(call_id: impl Into<String>, name: &str, arguments: &str) -> Self {
        let mut call = Self::function_call(call_id, name, Value::Null);
        call.item["arguments"] = json!(arguments);
        call
    }

    /// A `custom_tool_call` item (a freeform tool such as `apply_patch`) with
    /// this raw `input`.
    pub fn custom_tool_call(call_id: impl Into<String>, name: &str, input: &str) -> Self {
        let item = json!({
            "type": "custom_tool_call", "id": next_id("ctc"), "status": "completed",
            "call_id": call_id.into(), "name": name, "input": input,
        });
        Self {
            item,
            deltas: Vec::new(),
        }
    }

    /// A `reasoning` item with this summary text, streamed as
    /// `response.reasoning_summary_text.delta` events.
    pub fn reasoning(summary: impl Into<String>) -> Self {
        let summary = summary.into();
        let id = next_id("rs");
        let deltas = split_words(&summary)
            .into_iter()
            .map(|delta| {
                json!({
                    "type": "response.reasoning_summary_text.delta",
                    "item_id": id, "summary_index": 0, "delta": delta,
                })
            })
            .collect();
        let item = json!({
            "type": "reasoning", "id": id,
            "summary": [{ "type": "summary_text", "text": summary }],
        });
        Self { item, deltas }
    }

    /// A completed `web_search_call` item searching for `query`.
    pub fn web_search(query: &str) -> Self {
        let item = json!({
            "type": "web_search_call", "id": next_id("ws"), "status": "completed",
            "action": { "type": "search", "query": query },
        });
        Self {
            item,
            deltas: Vec::new(),
        }
    }

    /// Any output item, sent as given (no deltas).
    pub fn raw(item: Value) -> Self {
        Self {
            item,
            deltas: Vec::new(),
        }
    }

    fn into_events(self, output_index: usize) -> Vec<Value> {
        let mut events = vec![json!({
            "type": "response.output_item.added",
            "output_index": output_index,
            "item": added_form(&self.item),
        })];
        events.extend(self.deltas.into_iter().map(|mut delta| {
            delta["output_index"] = json!(output_index);
            delta
        }));
        events.push(json!({
            "type": "response.output_item.done",
            "output_index": output_index,
            "item": self.item,
        }));
        events
    }
}

/// The item as `response.output_item.added` shows it: still in progress,
/// with empty text.
fn added_form(item: &Value) -> Value {
    let mut added = item.clone();
    if added["type"] == "message" {
        added["content"] = json!([]);
    }
    if added["type"] == "reasoning" {
        added["summary"] = json!([]);
    }
    if added.get("status").is_some() {
        added["status"] = json!("in_progress");
    }
    added
}

/// Splits text into chunks of about one word (keeping the spaces), so the
/// concatenated chunks equal the text.
fn split_words(text: &str) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for ch in text.chars() {
        if ch == ' ' && !current.trim().is_empty() {
            chunks.push(std::mem::take(&mut current));
        }
        current.push(ch);
    }
    if !current.is_empty() || chunks.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// The test's handle on a gated answer (see [`Answer::stall`] and
/// [`Answer::gated`]). Opening it, or dropping its last clone, lets the
/// answer finish, so keep it in a named binding (`let (answer, _gate) = ..`,
/// not `_`) for as long as the answer should be held.
#[derive(Debug, Clone)]
pub struct Gate {
    open: Arc<watch::Sender<bool>>,
    progress: watch::Receiver<GateProgress>,
}

/// The server's side of a gate.
#[derive(Debug, Clone)]
struct GateWait {
    open: watch::Receiver<bool>,
    progress: Arc<watch::Sender<GateProgress>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GateProgress {
    NotReached,
    Held,
    ClientGone,
    /// The gate opened while the client was still there: the answer went on.
    Passed,
}

impl Gate {
    fn new() -> (Self, GateWait) {
        let (open_tx, open_rx) = watch::channel(false);
        let (progress_tx, progress_rx) = watch::channel(GateProgress::NotReached);
        let gate = Self {
            open: Arc::new(open_tx),
            progress: progress_rx,
        };
        let wait = GateWait {
            open: open_rx,
            progress: Arc::new(progress_tx),
        };
        (gate, wait)
    }

    /// Lets the held answer finish.
    pub fn open(&self) {
        self.open.send_replace(true);
    }

    /// Waits until a request is being held at this gate (or was, and its
    /// client already left); false after `timeout`.
    pub async fn reached(&self, timeout: Duration) -> bool {
        self.wait_progress(timeout, |p| *p != GateProgress::NotReached)
            .await
    }

    /// Waits until the client dropped the held request (for example after
    /// the runtime interrupted the turn); false after `timeout`.
    pub async fn client_gone(&self, timeout: Duration) -> bool {
        self.wait_progress(timeout, |p| *p == GateProgress::ClientGone)
            .await
    }

    /// Whether the held request went on through the opened gate (its
    /// client did not leave first); false while it is still held or was
    /// never reached. Reads the state now, without waiting.
    pub fn passed(&self) -> bool {
        *self.progress.borrow() == GateProgress::Passed
    }

    async fn wait_progress(
        &self,
        timeout: Duration,
        done: impl FnMut(&GateProgress) -> bool,
    ) -> bool {
        let mut progress = self.progress.clone();
        let wait = async { progress.wait_for(done).await.is_ok() };
        tokio::time::timeout(timeout, wait).await.unwrap_or(false)
    }
}

impl GateWait {
    /// Holds until the gate opens (true) or `client_gone` resolves (false).
    async fn pass(&self, client_gone: impl std::future::Future<Output = ()>) -> bool {
        self.progress.send_replace(GateProgress::Held);
        let mut open = self.open.clone();
        // An error means every `Gate` handle was dropped: that opens it too.
        let opened = open.wait_for(|open| *open);
        let passed = tokio::select! {
            _ = opened => true,
            () = client_gone => false,
        };
        let progress = if passed { GateProgress::Passed } else { GateProgress::ClientGone };
        self.progress.send_replace(progress);
        passed
    }
}

/// State shared between the handle and the server tasks.
#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    arrived: Notify,
}

#[derive(Default)]
struct State {
    queue: VecDeque<(Matcher, Answer)>,
    default: Option<Answer>,
    requests: Vec<Request>,
    others: Vec<Request>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking test thread must not hide the recorded requests.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a `/v1/responses` request and picks its answer.
    fn take_answer(&self, request: Request) -> Answer {
        let mut state = self.lock();
        let position = state.queue.iter().position(|(m, _)| m.matches(&request));
        state.requests.push(request);
        self.arrived.notify_waiters();
        match position.and_then(|index| state.queue.remove(index)) {
            Some((_, answer)) => answer,
            None => state
                .default
                .clone()
                .unwrap_or_else(|| Answer::text(DEFAULT_TEXT)),
        }
    }
}

/// Accepts connections until aborted; dropping the join set aborts every
/// connection task with it.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let service = service_fn(move |request| handle(request, Arc::clone(&shared)));
    // Errors here are client disconnects; nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

type HttpResponse = hyper::Response<ChannelBody>;

async fn handle(
    request: hyper::Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<HttpResponse, Infallible> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let body = match request.into_body().collect().await {
        Ok(collected) => parse_body(&collected.to_bytes()),
        Err(_) => Value::Null,
    };
    let recorded = Request {
        method: method.to_string(),
        path: path.clone(),
        body,
    };
    if method == Method::POST && path == "/v1/responses" {
        Ok(respond(shared.take_answer(recorded)).await)
    } else {
        shared.lock().others.push(recorded);
        Ok(json_response(
            StatusCode::NOT_FOUND,
            &api_error("Not found", "invalid_request_error", Value::Null),
        ))
    }
}

fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

async fn respond(answer: Answer) -> HttpResponse {
    match answer.kind {
        AnswerKind::Status { status, body } => {
            if let Some(gate) = &answer.gate {
                // No way to see the client leave before answering; the
                // connection's end drops this future instead.
                gate.pass(std::future::pending()).await;
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            json_response(status, &body)
        }
        AnswerKind::Stream(events) => stream_response(events, answer.gate),
    }
}

fn json_response(status: StatusCode, body: &Value) -> HttpResponse {
    let (tx, body_stream) = ChannelBody::new();
    // Capacity 16 > 1 chunk: this send cannot fail or wait.
    let _ = tx.try_send(Bytes::from(body.to_string()));
    hyper::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body_stream)
        .expect("static response parts are valid")
}

fn stream_response(events: Vec<Value>, gate: Option<GateWait>) -> HttpResponse {
    let (tx, body) = ChannelBody::new();
    tokio::spawn(write_events(tx, events, gate));
    hyper::Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(body)
        .expect("static response parts are valid")
}

/// Writes the events, holding after the first one if gated; stops early
/// when the client leaves. Bounded by the connection: when the server stops,
/// the body and its receiver drop too.
async fn write_events(tx: mpsc::Sender<Bytes>, events: Vec<Value>, gate: Option<GateWait>) {
    let mut events = events.into_iter();
    let first = events.next();
    if let Some(event) = first {
        if tx.send(Bytes::from(sse_frame(&event))).await.is_err() {
            return;
        }
    }
    if let Some(gate) = gate {
        if !gate.pass(tx.closed()).await {
            return;
        }
    }
    for event in events {
        if tx.send(Bytes::from(sse_frame(&event))).await.is_err() {
            return;
        }
    }
}

fn sse_frame(event: &Value) -> String {
    let kind = event["type"].as_str().unwrap_or("message");
    format!("event: {kind}\ndata: {event}\n\n")
}

/// A response body fed chunk by chunk through a channel; it ends when the
/// sender is dropped.
struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl ChannelBody {
    fn new() -> (mpsc::Sender<Bytes>, Self) {
        let (tx, rx) = mpsc::channel(16);
        (tx, Self { rx })
    }
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}
