//! How the client reaches an app-server: the transports under the JSON-RPC
//! engine, and what a remote app-server needs to let the client in.
//!
//! The same engine (request ids, notification streams, the approval
//! handler, the friendly API) runs over each transport; only where the
//! messages come from and go to differs:
//!
//! | transport | how to get it | one message is |
//! |---|---|---|
//! | stdio of a spawned `codex app-server` | [`ClientBuilder::spawn`](crate::ClientBuilder::spawn) | one line of JSON |
//! | WebSocket over TCP (`codex app-server --listen ws://IP:PORT`) | [`ClientBuilder::connect`](crate::ClientBuilder::connect)`("ws://IP:PORT")` | one text message |
//! | WebSocket over a Unix socket (`--listen unix://PATH`) | [`ClientBuilder::connect_unix`](crate::ClientBuilder::connect_unix) or `connect("unix://PATH")` | one text message |
//! | the local daemon (`codex app-server daemon start`) | [`ClientBuilder::connect_daemon`](crate::ClientBuilder::connect_daemon) | one text message (its socket is a `unix://` one) |
//! | any byte streams | [`ClientBuilder::connect_io`](crate::ClientBuilder::connect_io) | one line of JSON |
//!
//! A WebSocket app-server on a TCP port can ask for a bearer token at the
//! upgrade (`--ws-auth capability-token`, see
//! [`ClientBuilder::bearer_token`](crate::ClientBuilder::bearer_token)) or an
//! HS256 JWT (`--ws-auth signed-bearer-token`, see [`JwtSigner`]). Tokens
//! and secrets never appear in `Debug` output, logs or errors.
//!
//! To spread threads over several app-servers, see [`AppServerPool`].
//!
//! `wss://` is not supported: reach a remote app-server through an SSH
//! tunnel (see the README's "Running an app-server on another machine").

mod auth;
mod daemon;
mod endpoint;
mod lines;
mod pool;
mod reconnect;
mod websocket;

use std::future::Future;

pub use auth::JwtSigner;
pub(crate) use auth::Credentials;
pub(crate) use daemon::DaemonInfo;
pub(crate) use daemon::{daemon_info, start_daemon, DaemonCommand};
pub(crate) use endpoint::Endpoint;
pub(crate) use lines::{LineSink, LineSource};
pub use pool::AppServerPool;
pub use reconnect::{LostTurn, Reconnected};
pub(crate) use reconnect::{Origin, Target};
pub(crate) use websocket::connect_websocket;

use crate::line_reader::Line;

/// Where incoming messages come from: one complete JSON-RPC message per
/// call, as bytes (the engine decodes them).
pub(crate) trait FrameSource: Send + 'static {
    /// Reads the next message into `frame` (cleared first). `Ok(false)` at
    /// the end of input; an error ends the connection too.
    fn read_frame(&mut self, frame: &mut Line) -> impl Future<Output = std::io::Result<bool>> + Send;
}

/// Where outgoing messages go: one complete JSON-RPC message per call.
pub(crate) trait FrameSink: Send + 'static {
    /// Writes one message (without any line ending) and flushes it.
    fn write_frame(&mut self, frame: String) -> impl Future<Output = std::io::Result<()>> + Send;

    /// Ends the output (the other side sees the end of input).
    fn close(&mut self) -> impl Future<Output = ()> + Send;
}
