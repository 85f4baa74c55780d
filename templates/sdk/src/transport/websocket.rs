//! JSON-RPC over a WebSocket (one text message per JSON-RPC message), on a
//! TCP connection (`ws://`) or a Unix socket (`unix://`), with the
//! framing done by `tokio-tungstenite`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::{Credentials, Endpoint, FrameSink, FrameSource};
use crate::error::{Error, Result};
use crate::line_reader::Line;
use crate::rpc::MAX_FRAME_BYTES;

/// How long closing the connection may take before it is dropped anyway.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// A byte stream a WebSocket can run on (a TCP connection or a Unix socket).
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Io for T {}

type Socket = WebSocketStream<Box<dyn Io>>;

/// Why the connection ended, as the reader saw it (shared with the report
/// made when it ends).
#[derive(Clone, Default)]
pub(crate) struct EndReason(Arc<Mutex<Option<String>>>);

impl EndReason {
    fn set(&self, reason: String) {
        let mut slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.get_or_insert(reason);
    }

    /// What ended the connection; "the app-server closed the connection"
    /// when nothing more specific is known.
    pub fn get(&self) -> String {
        let slot = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.clone().unwrap_or_else(|| "the app-server closed the connection".to_owned())
    }
}

/// A WebSocket connection, split for the engine's reader and writer.
pub(crate) struct WsConnection {
    pub source: WsSource,
    pub sink: WsSink,
    pub end: EndReason,
}

/// The incoming half.
pub(crate) struct WsSource {
    stream: SplitStream<Socket>,
    end: EndReason,
}

impl FrameSource for WsSource {
    async fn read_frame(&mut self, frame: &mut Line) -> std::io::Result<bool> {
        frame.bytes.clear();
        frame.dropped = 0;
        loop {
            match self.stream.next().await {
                Some(Ok(Message::Text(text))) => {
                    frame.bytes.extend_from_slice(text.as_bytes());
                    return Ok(true);
                }
                Some(Ok(Message::Binary(bytes))) => {
                    frame.bytes.extend_from_slice(&bytes);
                    return Ok(true);
                }
                Some(Ok(Message::Close(close))) => {
                    let reason = match close {
                        Some(close) if !close.reason.is_empty() => {
                            format!("the app-server closed the connection (code {}: {})", u16::from(close.code), close.reason)
                        }
                        Some(close) => format!("the app-server closed the connection (code {})", u16::from(close.code)),
                        None => "the app-server closed the connection".to_owned(),
                    };
                    self.end.set(reason);
                    return Ok(false);
                }
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                Some(Err(error)) => {
                    let reason = describe_lost(&error);
                    self.end.set(reason.clone());
                    return Err(std::io::Error::other(reason));
                }
                None => {
                    self.end.set("the connection ended without a WebSocket close".to_owned());
                    return Ok(false);
                }
            }
        }
    }
}

/// The outgoing half.
pub(crate) struct WsSink {
    sink: SplitSink<Socket, Message>,
}

impl FrameSink for WsSink {
    async fn write_frame(&mut self, frame: String) -> std::io::Result<()> {
        self.sink.send(Message::text(frame)).await.map_err(|error| std::io::Error::other(describe_lost(&error)))
    }

    async fn close(&mut self) {
        let _ = tokio::time::timeout(CLOSE_WAIT, self.sink.close()).await;
    }
}

/// Opens the socket of `endpoint` and upgrades it to a WebSocket,
/// presenting `credentials`, all within `timeout`.
pub(crate) async fn connect_websocket(endpoint: &Endpoint, credentials: &Credentials, timeout: Duration) -> Result<WsConnection> {
    let attempt = async {
        let io: Box<dyn Io> = match endpoint {
            Endpoint::Tcp { host, port, .. } => {
                let stream = tokio::net::TcpStream::connect((host.as_str(), *port))
                    .await
                    .map_err(|error| connect_error(endpoint, describe_io(&error, endpoint)))?;
                let _ = stream.set_nodelay(true);
                Box::new(stream)
            }
            Endpoint::Unix(path) => {
                let stream = unix_connect(path).await.map_err(|error| connect_error(endpoint, describe_io(&error, endpoint)))?;
                Box::new(stream)
            }
        };
        let io = upgrade(io, endpoint, credentials).await?;
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES))
            .max_frame_size(Some(MAX_FRAME_BYTES));
        Ok::<_, Error>(WebSocketStream::from_raw_socket(io, Role::Client, Some(config)).await)
    };
    let socket = match tokio::time::timeout(timeout, attempt).await {
        Ok(socket) => socket?,
        Err(_) => return Err(connect_error(endpoint, format!("no WebSocket handshake within {timeout:?}"))),
    };
    tracing::debug!(%endpoint, "connected to the app-server");
    let (sink, stream) = socket.split();
    let end = EndReason::default();
    Ok(WsConnection { source: WsSource { stream, end: end.clone() }, sink: WsSink { sink }, end })
}

/// The longest response head the upgrade accepts.
const MAX_RESPONSE_HEAD: usize = 16 * 1024;

/// The HTTP/1.1 upgrade to a WebSocket (RFC 6455, section 4). Written here
/// rather than by tungstenite's client handshake because that one logs the
/// whole request, `Authorization` header included, at trace level; the
/// frames are tungstenite's all the same.
async fn upgrade(io: Box<dyn Io>, endpoint: &Endpoint, credentials: &Credentials) -> Result<Box<dyn Io>> {
    let key = generate_key();
    let mut request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n",
        endpoint.request_path(),
        endpoint.authority(),
    );
    if let Some(token) = credentials.bearer() {
        if token.is_empty() || !token.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(Error::InvalidArgument {
                argument: "bearer token".to_owned(),
                reason: "it is empty or holds characters an HTTP header cannot carry (spaces, line breaks, non-ASCII)".to_owned(),
            });
        }
        request.push_str("Authorization: Bearer ");
        request.push_str(&token);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let mut io = BufReader::new(io);
    let lost = |error: std::io::Error| connect_error(endpoint, format!("the connection failed during the WebSocket handshake ({error})"));
    io.write_all(request.as_bytes()).await.map_err(lost)?;
    io.flush().await.map_err(lost)?;
    drop(request);

    let mut head = Vec::new();
    loop {
        let before = head.len();
        (&mut io).take((MAX_RESPONSE_HEAD - head.len()) as u64).read_until(b'\n', &mut head).await.map_err(lost)?;
        if head.len() == before {
            return Err(connect_error(endpoint, "the server closed the connection during the WebSocket handshake".to_owned()));
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") {
            break;
        }
        if head.len() >= MAX_RESPONSE_HEAD {
            return Err(connect_error(endpoint, "the server's answer to the WebSocket upgrade is too long".to_owned()));
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| connect_error(endpoint, "the server did not answer with HTTP (is it a Codex app-server?)".to_owned()))?;
    let header = |wanted: &str| {
        head.lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.trim().to_owned())
    };
    match status {
        101 => {}
        401 | 403 => {
            return Err(Error::TokenRejected { endpoint: endpoint.to_string(), status, token_sent: credentials.is_some() });
        }
        other => {
            return Err(connect_error(
                endpoint,
                format!("the server answered HTTP {other} instead of accepting a WebSocket (is it a Codex app-server started with `--listen`?)"),
            ));
        }
    }
    let upgraded = header("upgrade").is_some_and(|value| value.eq_ignore_ascii_case("websocket"));
    let accepted = header("sec-websocket-accept").is_some_and(|value| value == derive_accept_key(key.as_bytes()));
    if !upgraded || !accepted {
        return Err(connect_error(endpoint, "the server's WebSocket upgrade is not valid (wrong `Upgrade` or `Sec-WebSocket-Accept`)".to_owned()));
    }
    Ok(Box::new(io))
}

#[cfg(unix)]
async fn unix_connect(path: &std::path::Path) -> std::io::Result<tokio::net::UnixStream> {
    tokio::net::UnixStream::connect(path).await
}

#[cfg(not(unix))]
async fn unix_connect(_path: &std::path::Path) -> std::io::Result<tokio::io::DuplexStream> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "Unix sockets are not available on this platform"))
}

fn connect_error(endpoint: &Endpoint, reason: String) -> Error {
    Error::Connect { endpoint: endpoint.to_string(), reason }
}

/// A failed connect, in words that say what to check.
fn describe_io(error: &std::io::Error, endpoint: &Endpoint) -> String {
    use std::io::ErrorKind;
    match (error.kind(), endpoint) {
        (ErrorKind::ConnectionRefused, Endpoint::Tcp { .. }) => {
            "connection refused: no app-server listens there (start one with `codex app-server --listen ws://IP:PORT`)".to_owned()
        }
        (ErrorKind::ConnectionRefused, Endpoint::Unix(_)) => {
            "connection refused: the socket exists but no app-server listens on it (a stale socket?)".to_owned()
        }
        (ErrorKind::NotFound, Endpoint::Unix(_)) => {
            "no such socket (start one with `codex app-server --listen unix://PATH`)".to_owned()
        }
        (ErrorKind::PermissionDenied, _) => format!("permission denied ({error})"),
        _ => error.to_string(),
    }
}

/// Why a connection that was up ended.
fn describe_lost(error: &WsError) -> String {
    match error {
        WsError::ConnectionClosed | WsError::AlreadyClosed => "the connection was closed".to_owned(),
        WsError::Io(error) => format!("the connection failed ({error})"),
        WsError::Protocol(problem) => format!("the app-server broke the WebSocket protocol ({problem})"),
        WsError::Capacity(problem) => format!("a message was too large ({problem})"),
        other => other.to_string(),
    }
}
