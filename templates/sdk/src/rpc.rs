//! JSON-RPC 2.0 over line-delimited JSON: request ids, any number of requests
//! in flight, responses routed to their callers, notifications to the
//! [`Router`], and server requests to the [`ServerRequestHandler`].
//!
//! Two tasks do the I/O: a writer that owns the output half, and a reader
//! that owns the input half. Bad input never panics: a line that is not a
//! JSON-RPC message is logged and skipped, an unknown notification is
//! published as `Unknown`, and every server request gets an answer.

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::FutureExt;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Redacted, Result};
use crate::handler::{dispatch, HandlerError, ServerRequestHandler};
use crate::methods::{ServerNotification, ServerRequest};
use crate::router::{Closed, Filter, NotificationStream, Router};

/// One incoming line, in any of its shapes; fields a shape lacks stay `None`.
#[derive(Deserialize)]
struct Incoming {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    params: Option<Box<RawValue>>,
    #[serde(default)]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error: Option<RpcError>,
}

#[derive(Deserialize, Serialize)]
struct RpcError {
    code: i64,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<serde_json::Value>,
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
    Result { id: serde_json::Value, result: serde_json::Value },
    Error { id: serde_json::Value, error: RpcError },
}

type Reply = oneshot::Sender<Result<Box<RawValue>>>;

struct Pending {
    method: String,
    reply: Reply,
}

/// The shared state of one connection.
pub(crate) struct Connection {
    outgoing: Mutex<Option<mpsc::UnboundedSender<String>>>,
    pending: Mutex<HashMap<i64, Pending>>,
    next_id: AtomicI64,
    router: Router,
    request_timeout: Option<Duration>,
}

/// Settings of a connection.
#[derive(Clone)]
pub(crate) struct ConnectionOptions {
    pub handler: Arc<dyn ServerRequestHandler>,
    pub buffer: usize,
    pub request_timeout: Option<Duration>,
}

impl Connection {
    /// Starts the reader and writer tasks over `reader`/`writer`. `on_eof`
    /// says how the connection ended (for a process: its exit status and
    /// stderr), once the input closes.
    pub fn start<R, W, F, Fut>(reader: R, writer: W, options: ConnectionOptions, on_eof: F) -> Arc<Self>
    where
        R: AsyncBufRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Closed> + Send + 'static,
    {
        let (sender, receiver) = mpsc::unbounded_channel();
        let connection = Arc::new(Self {
            outgoing: Mutex::new(Some(sender)),
            pending: Mutex::default(),
            next_id: AtomicI64::new(1),
            router: Router::new(options.buffer),
            request_timeout: options.request_timeout,
        });
        tokio::spawn(write_loop(writer, receiver));
        tokio::spawn(read_loop(reader, Arc::clone(&connection), options.handler, on_eof));
        connection
    }

    fn pending(&self) -> MutexGuard<'_, HashMap<i64, Pending>> {
        self.pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn send_line(&self, line: String) -> Result<()> {
        let outgoing = self.outgoing.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match outgoing.as_ref().map(|sender| sender.send(line)) {
            Some(Ok(())) => Ok(()),
            _ => Err(self.closed_error()),
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

    /// Sends a request and waits for its raw result.
    pub async fn request(&self, method: &str, params: Option<&RawValue>) -> Result<Box<RawValue>> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let line = serde_json::to_string(&OutgoingRequest { id, method, params })
            .map_err(|source| Error::Encode { method: method.to_owned(), source })?;
        let (reply, answer) = oneshot::channel();
        self.pending().insert(id, Pending { method: method.to_owned(), reply });
        // If the caller stops waiting, forget the request.
        let guard = PendingGuard { connection: self, id };
        if self.router.closed().is_some() {
            return Err(self.closed_error());
        }
        tracing::trace!(id, method, "request");
        self.send_line(line)?;
        let answer = async {
            answer.await.unwrap_or_else(|_| Err(self.closed_error()))
        };
        let result = match self.request_timeout {
            Some(after) => tokio::time::timeout(after, answer)
                .await
                .unwrap_or_else(|_| Err(Error::Timeout { method: method.to_owned(), after })),
            None => answer.await,
        };
        drop(guard);
        result
    }

    /// Sends a notification.
    pub fn notify(&self, method: &str, params: Option<&RawValue>) -> Result<()> {
        let line = serde_json::to_string(&OutgoingNotification { method, params })
            .map_err(|source| Error::Encode { method: method.to_owned(), source })?;
        self.send_line(line)
    }

    /// Subscribes to notifications.
    pub fn subscribe(&self, filter: Filter) -> NotificationStream {
        self.router.subscribe(filter)
    }

    /// Whether the connection has ended.
    pub fn is_closed(&self) -> bool {
        self.router.closed().is_some()
    }

    /// Closes the output: the writer finishes, the other side sees end of input.
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

    fn answer(&self, id: i64, outcome: Result<Box<RawValue>>) {
        match self.pending().remove(&id) {
            Some(pending) => {
                let _ = pending.reply.send(outcome.map_err(|error| match error {
                    Error::JsonRpc { code, message, data, .. } => Error::JsonRpc {
                        method: pending.method.clone(),
                        code,
                        message,
                        data,
                    },
                    other => other,
                }));
            }
            None => tracing::warn!(id, "response to an unknown request id; skipped"),
        }
    }
}

/// Removes a pending request when its caller goes away.
struct PendingGuard<'a> {
    connection: &'a Connection,
    id: i64,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.connection.pending().remove(&self.id);
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(mut writer: W, mut lines: mpsc::UnboundedReceiver<String>) {
    while let Some(mut line) = lines.recv().await {
        line.push('\n');
        let written = async {
            writer.write_all(line.as_bytes()).await?;
            writer.flush().await
        };
        if let Err(error) = written.await {
            tracing::debug!(%error, "writing to the app-server failed");
            break;
        }
    }
    let _ = writer.shutdown().await;
}

async fn read_loop<R, F, Fut>(reader: R, connection: Arc<Connection>, handler: Arc<dyn ServerRequestHandler>, on_eof: F)
where
    R: AsyncBufRead + Unpin,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Closed>,
{
    let mut lines = reader.lines();
    loop {
        match lines.next_line().await {
            Ok(Some(line)) => handle_line(&connection, &handler, &line),
            Ok(None) => break,
            Err(error) => {
                tracing::warn!(%error, "reading from the app-server failed");
                break;
            }
        }
    }
    connection.finish(on_eof().await);
}

fn handle_line(connection: &Arc<Connection>, handler: &Arc<dyn ServerRequestHandler>, line: &str) {
    if line.trim().is_empty() {
        return;
    }
    let incoming: Incoming = match serde_json::from_str(line) {
        Ok(incoming) => incoming,
        Err(error) => {
            tracing::warn!(%error, line = %Redacted::new(line), "skipping a line that is not JSON-RPC");
            return;
        }
    };
    match (incoming.id, incoming.method) {
        (Some(id), Some(method)) => handle_server_request(connection, handler, id, method, incoming.params),
        (None, Some(method)) => handle_notification(connection, &method, incoming.params.as_deref(), line),
        (Some(id), None) => handle_response(connection, id, incoming.result, incoming.error, line),
        (None, None) => {
            tracing::warn!(line = %Redacted::new(line), "skipping a message with neither id nor method");
        }
    }
}

fn handle_response(connection: &Connection, id: serde_json::Value, result: Option<Box<RawValue>>, error: Option<RpcError>, line: &str) {
    let Some(id) = id.as_i64() else {
        tracing::warn!(line = %Redacted::new(line), "skipping a response with an id this client never sent");
        return;
    };
    let outcome = match error {
        Some(error) => Err(Error::JsonRpc {
            method: String::new(),
            code: error.code,
            message: error.message,
            data: error.data,
        }),
        None => Ok(result.unwrap_or_else(null_raw)),
    };
    connection.answer(id, outcome);
}

fn null_raw() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).expect("null is JSON")
}

/// A notification whose params do not fit its type (a newer runtime changed
/// it) is still delivered, as `Unknown`, so the stream goes on.
fn handle_notification(connection: &Connection, method: &str, params: Option<&RawValue>, line: &str) {
    let notification = ServerNotification::decode(method, params).unwrap_or_else(|error| {
        tracing::warn!(method, %error, line = %Redacted::new(line), "notification params did not decode; passing it on as Unknown");
        ServerNotification::Unknown {
            method: method.to_owned(),
            params: params.and_then(|raw| serde_json::from_str(raw.get()).ok()),
        }
    });
    connection.router.publish(&notification);
}

/// Answers a server request on its own task, so a slow handler never blocks
/// the reader; failures and panics become JSON-RPC errors.
fn handle_server_request(
    connection: &Arc<Connection>,
    handler: &Arc<dyn ServerRequestHandler>,
    id: serde_json::Value,
    method: String,
    params: Option<Box<RawValue>>,
) {
    let connection = Arc::clone(connection);
    let handler = Arc::clone(handler);
    tokio::spawn(async move {
        let outcome = match ServerRequest::decode(&method, params.as_deref()) {
            Ok(request) => AssertUnwindSafe(dispatch(handler.as_ref(), request))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Err(HandlerError::internal(format!("the handler for `{method}` panicked")))),
            Err(error) => Err(HandlerError::invalid_params(format!("params of `{method}` did not decode: {error}"))),
        };
        let response = match outcome {
            Ok(result) => OutgoingResponse::Result { id, result },
            Err(error) => {
                tracing::warn!(method, %error, "answering a server request with an error");
                OutgoingResponse::Error {
                    id,
                    error: RpcError { code: error.code(), message: error.message().to_owned(), data: None },
                }
            }
        };
        match serde_json::to_string(&response) {
            Ok(line) => {
                let _ = connection.send_line(line);
            }
            Err(error) => tracing::error!(%error, "could not encode a server request's answer"),
        }
    });
}
