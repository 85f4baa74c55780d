//! JSON-RPC 2.0 over line-delimited JSON: request ids, any number of requests
//! in flight, responses routed to their callers, notifications to the
//! [`Router`], and server requests to the [`ServerRequestHandler`].
//!
//! Two tasks do the I/O: a writer that owns the output half, and a reader
//! that owns the input half, of any transport (see [`crate::transport`]:
//! lines over stdio, WebSocket messages over TCP or a Unix socket). The
//! reader decodes each message in one pass ([`frame`]): a notification's
//! params go straight into their typed variant. Messages that pass does not
//! decide go through the two-pass reader here, which owns the rules. What
//! the client promises about bad input:
//!
//! - a line costs only itself: bytes that are not UTF-8, a line that is not
//!   JSON-RPC, or one over [`MAX_FRAME_BYTES`] is reported (tracing, warn, a
//!   bounded and redacted excerpt) and the reader goes on;
//! - a response that cannot be understood fails its caller at once with
//!   [`Error::Protocol`] when its id can be recovered; ids are matched as the
//!   runtime sends them (`"2"` answers request `2`);
//! - an unknown notification is published as `Unknown`;
//! - every server request gets an answer: the handler's, a JSON-RPC error
//!   when it fails or panics, or the fail-closed default when it does not
//!   answer in time; a call of a tool registered for its thread is answered
//!   by the tool instead (see [`crate::api::tools`]).
//!
//! The outgoing queue is bounded (callers wait for room), and a request
//! whose caller gave up (timed out or dropped) before it was written is
//! never written.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use futures::FutureExt;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use crate::api::tools::ToolRegistry;
use crate::error::{Error, Redacted, Result};
use crate::handler::{dispatch, DeclineAll, HandlerError, ServerRequestHandler};
use crate::line_reader::Line;
use crate::methods::{ServerNotification, ServerRequest};
use crate::router::{Closed, Filter, NotificationStream, Router};
use crate::transport::{FrameSink, FrameSource};

mod frame;

use frame::Message;

/// The largest message the client accepts from the app-server. A longer
/// line is read and dropped (and reported), so a peer that never ends a
/// line cannot exhaust memory.
pub(crate) const MAX_FRAME_BYTES: usize = 256 * 1024 * 1024;

/// How much of a bad line goes into a log record.
const EXCERPT_CHARS: usize = 240;

/// JSON-RPC "Invalid Request".
const INVALID_REQUEST: i64 = -32600;

/// One incoming line, in any of its shapes; fields a shape lacks stay `None`.
#[derive(Deserialize)]
struct Incoming {
    /// `None` when absent; `Some(Value::Null)` for `"id": null`, which is
    /// not the same thing (a request with a null id is still a request).
    #[serde(default, deserialize_with = "present")]
    id: Option<Value>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    params: Option<Box<RawValue>>,
    #[serde(default)]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<Box<RawValue>>,
}

/// Deserializes a field that is present (even as `null`) as `Some`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

#[derive(Deserialize, Serialize)]
struct RpcError {
    code: i64,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
}

#[derive(Serialize)]
struct OutgoingRequest<'a> {
    id: i64,
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<&'a RawValue>,
}

#[derive(Serialize)]
struct OutgoingNotification<'a> {
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<&'a RawValue>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OutgoingResponse {
    Result { id: Value, result: Value },
    Error { id: Value, error: RpcError },
}

type Reply = oneshot::Sender<Result<Box<RawValue>>>;

struct Pending {
    method: String,
    reply: Reply,
}

/// Whether a request has gone out: queued, written (or being written), or
/// abandoned by its caller before the writer got to it.
#[derive(Default)]
struct Delivery(AtomicU8);

impl Delivery {
    const QUEUED: u8 = 0;
    const SENT: u8 = 1;
    const ABANDONED: u8 = 2;

    /// The writer's claim: `true` if the request is still wanted, and from
    /// now on counts as sent.
    fn claim_for_writing(&self) -> bool {
        self.0
            .compare_exchange(Self::QUEUED, Self::SENT, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// The caller's withdrawal: `true` if the request was never written
    /// (and now never will be).
    fn abandon(&self) -> bool {
        match self.0.compare_exchange(Self::QUEUED, Self::ABANDONED, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => true,
            Err(state) => state == Self::ABANDONED,
        }
    }
}

/// One message for the writer.
enum Frame {
    /// A request: written only if its caller still waits.
    Request { id: i64, line: String, delivery: Arc<Delivery> },
    /// A notification or an answer to a server request: always written.
    Line(String),
}

/// The shared state of one connection.
pub(crate) struct Connection {
    outgoing: Mutex<Option<mpsc::Sender<Frame>>>,
    pending: Mutex<HashMap<i64, Pending>>,
    next_id: AtomicI64,
    router: Router,
    request_timeout: Option<Duration>,
    /// The tools whose functions answer `item/tool/call` (see [`crate::Tool`]).
    tools: Arc<ToolRegistry>,
}

/// Settings of a connection.
#[derive(Clone)]
pub(crate) struct ConnectionOptions {
    pub handler: Arc<dyn ServerRequestHandler>,
    /// Per-subscriber notification buffer.
    pub buffer: usize,
    /// How long a request may wait for its answer (queueing included).
    pub request_timeout: Option<Duration>,
    /// How long a handler may take before the request is answered fail-closed.
    pub handler_timeout: Option<Duration>,
    /// How many messages may wait to be written before senders wait.
    pub outgoing_queue: usize,
}

impl Connection {
    /// Starts the reader and writer tasks over `reader`/`writer`. `on_eof`
    /// says how the connection ended (for a process: its exit status and
    /// stderr), once the input closes.
    pub fn start<R, W, F, Fut>(reader: R, writer: W, options: ConnectionOptions, on_eof: F) -> Arc<Self>
    where
        R: FrameSource,
        W: FrameSink,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Closed> + Send + 'static,
    {
        let (sender, receiver) = mpsc::channel(options.outgoing_queue.max(1));
        let tools = Arc::new(ToolRegistry::default());
        let connection = Arc::new(Self {
            outgoing: Mutex::new(Some(sender)),
            pending: Mutex::default(),
            next_id: AtomicI64::new(1),
            router: Router::new(options.buffer),
            request_timeout: options.request_timeout,
            tools: Arc::clone(&tools),
        });
        tokio::spawn(write_loop(writer, receiver, Arc::downgrade(&connection)));
        let answering = Answering { handler: options.handler, timeout: options.handler_timeout, tools };
        tokio::spawn(read_loop(reader, Arc::clone(&connection), answering, on_eof));
        connection
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<i64, Pending>> {
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Queues a frame for the writer, waiting while the queue is full.
    async fn send_frame(&self, frame: Frame) -> Result<()> {
        let sender = self.outgoing.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        match sender {
            Some(sender) => sender.send(frame).await.map_err(|_| self.closed_error()),
            None => Err(self.closed_error()),
        }
    }

    /// The error to report once the connection is unusable.
    pub fn closed_error(&self) -> Error {
        match self.router.closed() {
            Some(closed) => closed.to_error(),
            None => Error::ProcessExited {
                status: "the connection was closed".into(),
                stderr_tail: Vec::new(),
            },
        }
    }

    /// Sends a request and waits for its raw result, within the connection's
    /// request timeout.
    pub async fn request(&self, method: &str, params: Option<&RawValue>) -> Result<Box<RawValue>> {
        self.request_within(method, params, self.request_timeout).await
    }

    /// Sends a request and waits for its raw result, within `timeout` (which
    /// covers waiting for room in the outgoing queue too).
    pub async fn request_within(&self, method: &str, params: Option<&RawValue>, timeout: Option<Duration>) -> Result<Box<RawValue>> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let span = tracing::debug_span!("codex_request", method, id);
        self.exchange(id, method, params, timeout).instrument(span).await
    }

    async fn exchange(&self, id: i64, method: &str, params: Option<&RawValue>, timeout: Option<Duration>) -> Result<Box<RawValue>> {
        let line = serde_json::to_string(&OutgoingRequest { id, method, params })
            .map_err(|source| Error::Encode { method: method.to_owned(), source })?;
        let (reply, answer) = oneshot::channel();
        let delivery = Arc::new(Delivery::default());
        self.pending().insert(id, Pending { method: method.to_owned(), reply });
        // If the caller stops waiting, forget the request (and do not send it).
        let _guard = PendingGuard { connection: self, id, delivery: Arc::clone(&delivery) };
        if self.router.closed().is_some() {
            return Err(self.closed_error());
        }
        tracing::trace!("request queued");
        let exchange = async {
            self.send_frame(Frame::Request { id, line, delivery: Arc::clone(&delivery) }).await?;
            answer.await.unwrap_or_else(|_| Err(self.closed_error()))
        };
        match timeout {
            Some(after) => match tokio::time::timeout(after, exchange).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    let sent = !delivery.abandon();
                    tracing::debug!(?after, sent, "request timed out");
                    Err(Error::Timeout { method: method.to_owned(), after, sent })
                }
            },
            None => exchange.await,
        }
    }

    /// Sends a notification (waiting while the outgoing queue is full).
    pub async fn notify(&self, method: &str, params: Option<&RawValue>) -> Result<()> {
        let line = serde_json::to_string(&OutgoingNotification { method, params })
            .map_err(|source| Error::Encode { method: method.to_owned(), source })?;
        self.send_frame(Frame::Line(line)).await
    }

    /// The tools registered with this connection, by thread.
    pub(crate) fn tools(&self) -> &Arc<ToolRegistry> {
        &self.tools
    }

    /// Subscribes to notifications.
    pub fn subscribe(&self, filter: Filter) -> NotificationStream {
        self.router.subscribe(filter)
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.router.closed().is_some()
    }

    /// Closes the output: the writer finishes what is queued, then the other
    /// side sees end of input.
    pub fn close_output(&self) {
        self.outgoing.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    }

    /// Marks the connection ended and fails every pending request.
    fn finish(&self, closed: Closed) {
        self.router.close(closed);
        self.close_output();
        let pending: Vec<Pending> = self.pending().drain().map(|(_, pending)| pending).collect();
        for pending in pending {
            let _ = pending.reply.send(Err(self.closed_error()));
        }
    }

    /// Whether a request with this id waits for an answer.
    fn is_pending(&self, id: i64) -> bool {
        self.pending().contains_key(&id)
    }

    /// Completes the request `id` with `outcome`, naming its method in errors.
    fn answer(&self, id: i64, outcome: Result<Box<RawValue>>) {
        let Some(pending) = self.pending().remove(&id) else {
            tracing::warn!(id, "response to a request nobody waits for (unknown id, or its caller gave up); skipped");
            return;
        };
        let outcome = outcome.map_err(|error| match error {
            Error::JsonRpc { code, message, data, .. } => Error::JsonRpc { method: pending.method.clone(), code, message, data },
            Error::Protocol { reason, raw, .. } => Error::Protocol { method: pending.method.clone(), reason, raw },
            other => other,
        });
        let _ = pending.reply.send(outcome);
    }

    /// Fails a request the writer could not write.
    fn fail_unsent(&self, id: i64, error: &std::io::Error) {
        if let Some(pending) = self.pending().remove(&id) {
            let failure = std::io::Error::new(
                error.kind(),
                format!("`{}` was not sent: writing to the app-server failed: {error}", pending.method),
            );
            let _ = pending.reply.send(Err(Error::Io(failure)));
        }
    }
}

/// Removes a pending request when its caller goes away, and withdraws it
/// if it has not been written yet.
struct PendingGuard<'a> {
    connection: &'a Connection,
    id: i64,
    delivery: Arc<Delivery>,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.delivery.abandon();
        self.connection.pending().remove(&self.id);
    }
}

async fn write_loop<W: FrameSink>(mut writer: W, mut frames: mpsc::Receiver<Frame>, connection: Weak<Connection>) {
    while let Some(frame) = frames.recv().await {
        let (request_id, line) = match frame {
            Frame::Request { id, line, delivery } => {
                if !delivery.claim_for_writing() {
                    tracing::debug!(id, "not sending a request whose caller gave up");
                    continue;
                }
                (Some(id), line)
            }
            Frame::Line(line) => (None, line),
        };
        if let Err(error) = writer.write_frame(line).await {
            tracing::debug!(%error, "writing to the app-server failed");
            // Whatever is still queued will never be written: its callers
            // learn it now instead of waiting for an answer.
            frames.close();
            if let Some(connection) = connection.upgrade() {
                request_id.into_iter().for_each(|id| connection.fail_unsent(id, &error));
                while let Ok(frame) = frames.try_recv() {
                    if let Frame::Request { id, .. } = frame {
                        connection.fail_unsent(id, &error);
                    }
                }
            }
            break;
        }
    }
    writer.close().await;
}

/// How server requests are answered.
struct Answering {
    handler: Arc<dyn ServerRequestHandler>,
    timeout: Option<Duration>,
    tools: Arc<ToolRegistry>,
}

async fn read_loop<R, F, Fut>(mut reader: R, connection: Arc<Connection>, answering: Answering, on_eof: F)
where
    R: FrameSource,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Closed>,
{
    let answering = Arc::new(answering);
    let mut line = Line::default();
    loop {
        match reader.read_frame(&mut line).await {
            Ok(true) => handle_frame(&connection, &answering, &line),
            Ok(false) => break,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => {
                tracing::warn!(%error, "reading from the app-server failed");
                break;
            }
        }
    }
    connection.finish(on_eof().await);
}

/// One line of input, as bytes.
fn handle_frame(connection: &Arc<Connection>, answering: &Arc<Answering>, line: &Line) {
    if line.is_cut() {
        let excerpt = String::from_utf8_lossy(&line.bytes[..line.bytes.len().min(EXCERPT_CHARS)]).into_owned();
        tracing::warn!(
            bytes = line.bytes.len() + line.dropped,
            limit = MAX_FRAME_BYTES,
            line = %Redacted::excerpt(&excerpt, EXCERPT_CHARS),
            "skipping a message longer than the limit"
        );
        return;
    }
    let text = match std::str::from_utf8(&line.bytes) {
        Ok(text) => text,
        Err(error) => {
            let lossy = String::from_utf8_lossy(&line.bytes);
            reject(connection, &lossy, &format!("it is not valid UTF-8 ({error})"));
            return;
        }
    };
    // A byte-order mark is harmless noise some writers add: read past it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return;
    }
    handle_line(connection, answering, text);
}

/// A line that is not a usable JSON-RPC message. If it still names a
/// pending request (`{"id": 3, ...}` with a broken body), that call fails
/// now instead of waiting for an answer that will not come; otherwise the
/// line is reported and dropped.
fn reject(connection: &Connection, text: &str, reason: &str) {
    if let Some(id) = recover_response_id(text).filter(|id| connection.is_pending(*id)) {
        tracing::warn!(id, reason, "a response could not be understood; failing its request");
        let error = Error::Protocol {
            method: String::new(),
            reason: format!("the response is not a usable JSON-RPC message: {reason}"),
            raw: Redacted::excerpt(text, 4 * EXCERPT_CHARS),
        };
        connection.answer(id, Err(error));
        return;
    }
    tracing::warn!(reason, line = %Redacted::excerpt(text, EXCERPT_CHARS), "skipping a line that is not a usable JSON-RPC message");
}

/// The id of a line that looks like a response (an object with an `id` and
/// no `method`), if it parses at all.
fn recover_response_id(text: &str) -> Option<i64> {
    let value: Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    if object.contains_key("method") {
        return None;
    }
    request_key(object.get("id")?)
}

/// The pending-request key an incoming id refers to. The client sends
/// integer ids; a runtime that echoes one as a string (`"2"`) still means
/// the same request, as long as the text is exactly the integer's.
fn request_key(id: &Value) -> Option<i64> {
    match id {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.parse::<i64>().ok().filter(|id| id.to_string() == *text),
        _ => None,
    }
}

fn handle_line(connection: &Arc<Connection>, answering: &Arc<Answering>, line: &str) {
    let mut notification = None;
    match frame::decode(line, &mut notification) {
        Ok(Message::Notification) => match notification {
            Some(notification) => connection.router.publish(notification),
            None => handle_line_slowly(connection, answering, line),
        },
        Ok(Message::Request { id, method, params }) => handle_server_request(connection, answering, id, method, params),
        Ok(Message::Response { id, result, error }) => handle_response(connection, &id, result, error, line),
        Err(_) => handle_line_slowly(connection, answering, line),
    }
}

/// The two-pass reader: the envelope with raw params first, then the params.
/// It decides every unusual line (see [`frame`]).
fn handle_line_slowly(connection: &Arc<Connection>, answering: &Arc<Answering>, line: &str) {
    let incoming: Incoming = match serde_json::from_str(line) {
        Ok(incoming) => incoming,
        Err(error) => {
            reject(connection, line, &error.to_string());
            return;
        }
    };
    match (incoming.id, incoming.method) {
        (Some(id), Some(method)) => handle_server_request(connection, answering, id, method, incoming.params),
        (None, Some(method)) => handle_notification(connection, &method, incoming.params.as_deref(), line),
        (Some(id), None) => handle_response(connection, &id, incoming.result, incoming.error, line),
        (None, None) => reject(connection, line, "it has neither an id nor a method"),
    }
}

fn handle_response(connection: &Connection, id: &Value, result: Option<Box<RawValue>>, error: Option<Box<RawValue>>, line: &str) {
    let Some(key) = request_key(id) else {
        tracing::warn!(line = %Redacted::excerpt(line, EXCERPT_CHARS), "skipping a response with an id this client never sent");
        return;
    };
    let outcome = match error {
        None => Ok(result.unwrap_or_else(null_raw)),
        Some(error) => match serde_json::from_str::<RpcError>(error.get()) {
            Ok(error) => Err(Error::JsonRpc { method: String::new(), code: error.code, message: error.message, data: error.data }),
            Err(problem) => Err(Error::Protocol {
                method: String::new(),
                reason: format!("its `error` is not a JSON-RPC error object ({problem})"),
                raw: Redacted::excerpt(line, 4 * EXCERPT_CHARS),
            }),
        },
    };
    connection.answer(key, outcome);
}

fn null_raw() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).expect("null is JSON")
}

/// A notification whose params do not fit its type (a newer runtime changed
/// it) is still delivered, as `Unknown`, so the stream goes on.
fn handle_notification(connection: &Connection, method: &str, params: Option<&RawValue>, line: &str) {
    let notification = ServerNotification::decode(method, params).unwrap_or_else(|error| {
        tracing::warn!(method, %error, line = %Redacted::excerpt(line, EXCERPT_CHARS), "notification params did not decode; passing it on as Unknown");
        ServerNotification::Unknown {
            method: method.to_owned(),
            params: params.and_then(|raw| serde_json::from_str(raw.get()).ok()),
        }
    });
    connection.router.publish(notification);
}

/// Answers a server request on its own task, so a slow handler never blocks
/// the reader.
fn handle_server_request(connection: &Arc<Connection>, answering: &Arc<Answering>, id: Value, method: String, params: Option<Box<RawValue>>) {
    let connection = Arc::clone(connection);
    let answering = Arc::clone(answering);
    let span = tracing::debug_span!("codex_server_request", method, id = %id);
    tokio::spawn(
        async move {
            let outcome = if id.is_null() {
                // The runtime could not match any answer to it; say so.
                Err(HandlerError::new(INVALID_REQUEST, format!("`{method}` was sent with a null id")))
            } else {
                answering.answer(&method, params.as_deref()).await
            };
            let response = match outcome {
                Ok(result) => OutgoingResponse::Result { id, result },
                Err(error) => {
                    tracing::warn!(%error, "answering a server request with an error");
                    OutgoingResponse::Error { id, error: RpcError { code: error.code(), message: error.message().to_owned(), data: None } }
                }
            };
            match serde_json::to_string(&response) {
                Ok(line) => {
                    if connection.send_frame(Frame::Line(line)).await.is_err() {
                        tracing::debug!("the connection closed before the answer could be sent");
                    }
                }
                Err(error) => tracing::error!(%error, "could not encode a server request's answer"),
            }
        }
        .instrument(span),
    );
}

impl Answering {
    /// The answer to one server request: the handler's; a JSON-RPC error if
    /// the params do not decode or the handler panics; the fail-closed
    /// default ([`DeclineAll`]) if the handler does not answer in time.
    async fn answer(&self, method: &str, params: Option<&RawValue>) -> std::result::Result<Value, HandlerError> {
        let request = match ServerRequest::decode(method, params) {
            Ok(request) => request,
            Err(error) => return Err(HandlerError::invalid_params(format!("params of `{method}` did not decode: {error}"))),
        };
        // A call of a tool registered for its thread: the tool answers
        // (within its own time limit), not the handler.
        if let ServerRequest::ItemToolCall(params) = &request {
            if let Some(answer) = self.tools.answer(params) {
                return serde_json::to_value(answer.await)
                    .map_err(|error| HandlerError::internal(format!("could not encode the tool's answer: {error}")));
            }
        }
        let fallback = request.clone();
        let handled = AssertUnwindSafe(dispatch(self.handler.as_ref(), request)).catch_unwind();
        let outcome = match self.timeout {
            Some(after) => match tokio::time::timeout(after, handled).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    tracing::warn!(?after, "the handler did not answer in time; answering with the fail-closed default");
                    return dispatch(&DeclineAll, fallback).await;
                }
            },
            None => handled.await,
        };
        outcome.unwrap_or_else(|_| Err(HandlerError::internal(format!("the handler for `{method}` panicked"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_as_the_runtime_sends_them() {
        assert_eq!(request_key(&serde_json::json!(2)), Some(2));
        assert_eq!(request_key(&serde_json::json!("2")), Some(2));
        assert_eq!(request_key(&serde_json::json!("02")), None);
        assert_eq!(request_key(&serde_json::json!("two")), None);
        assert_eq!(request_key(&serde_json::json!(2.5)), None);
        assert_eq!(request_key(&serde_json::json!(null)), None);
    }

    #[test]
    fn a_request_is_either_sent_or_abandoned_never_both() {
        let delivery = Delivery::default();
        assert!(delivery.abandon(), "a queued request can be withdrawn");
        assert!(!delivery.claim_for_writing(), "and is then not written");

        let delivery = Delivery::default();
        assert!(delivery.claim_for_writing());
        assert!(!delivery.abandon(), "a written request reports it was sent");
    }

    #[test]
    fn a_null_id_is_kept_apart_from_no_id() {
        let request: Incoming = serde_json::from_str(r#"{"id": null, "method": "m"}"#).unwrap();
        assert_eq!(request.id, Some(Value::Null));
        let notification: Incoming = serde_json::from_str(r#"{"method": "m"}"#).unwrap();
        assert_eq!(notification.id, None);
    }

    #[test]
    fn responses_are_recovered_only_from_objects_without_a_method() {
        assert_eq!(recover_response_id(r#"{"id": 4, "error": "boom"}"#), Some(4));
        assert_eq!(recover_response_id(r#"{"id": "4", "error": {"code": "x"}}"#), Some(4));
        assert_eq!(recover_response_id(r#"{"id": 4, "method": 7}"#), None);
        assert_eq!(recover_response_id("[1, 2, 3]"), None);
        assert_eq!(recover_response_id("not json"), None);
    }
}
