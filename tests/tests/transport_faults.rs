//! The WebSocket transport against fake servers (in Rust, on loopback): what
//! the client sends at the upgrade, and every way a server can fail it:
//! a refusal, no answer, a bad upgrade, a dropped or closed connection with
//! requests pending, another runtime version. Each wait is bounded.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use openai_codex::{Client, Error};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

const BOUND: Duration = Duration::from_secs(10);
const TOKEN: &str = "tok-7c1f3a9e";

async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, future).await.unwrap_or_else(|_| panic!("{what} took longer than {BOUND:?}"))
}

/// What the fake does after it answered `initialize`.
#[derive(Clone, Copy)]
enum After {
    /// Answers nothing more; keeps the connection open.
    Idle,
    /// Drops the TCP connection when the next request arrives.
    DropOnRequest,
    /// Sends a WebSocket close (1011) when the next request arrives.
    CloseOnRequest,
}

/// A fake app-server on a loopback port: accepts one WebSocket client,
/// records its upgrade headers, answers `initialize` with `user_agent`.
struct FakeServer {
    url: String,
    headers: Arc<Mutex<Vec<(String, String)>>>,
    closed_by_client: Arc<tokio::sync::Notify>,
}

impl FakeServer {
    async fn start(user_agent: &'static str, after: After) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", listener.local_addr().unwrap());
        let headers = Arc::new(Mutex::new(Vec::new()));
        let closed_by_client = Arc::new(tokio::sync::Notify::new());
        let (recorded, closed) = (Arc::clone(&headers), Arc::clone(&closed_by_client));
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let record = |request: &Request, response: Response| {
                let mut recorded = recorded.lock().unwrap();
                for (name, value) in request.headers() {
                    recorded.push((name.to_string(), value.to_str().unwrap_or_default().to_owned()));
                }
                Ok(response)
            };
            let mut socket = tokio_tungstenite::accept_hdr_async(stream, record).await.unwrap();
            serve(&mut socket, user_agent, after, &closed).await;
        });
        Self { url, headers, closed_by_client }
    }

    fn header(&self, name: &str) -> Option<String> {
        let headers = self.headers.lock().unwrap();
        headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.clone())
    }
}

async fn serve(socket: &mut WebSocketStream<TcpStream>, user_agent: &str, after: After, closed: &tokio::sync::Notify) {
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            if let Message::Close(_) = message {
                closed.notify_one();
            }
            continue;
        };
        let frame: Value = serde_json::from_str(&text).unwrap();
        let Some(id) = frame.get("id").cloned() else { continue };
        if frame["method"] == "initialize" {
            let result = json!({
                "codexHome": "/nowhere", "platformFamily": "unix", "platformOs": "linux", "userAgent": user_agent
            });
            socket.send(Message::text(json!({"id": id, "result": result}).to_string())).await.unwrap();
            continue;
        }
        match after {
            After::Idle => {}
            After::DropOnRequest => return,
            After::CloseOnRequest => {
                let close = CloseFrame { code: CloseCode::Error, reason: "going away for a test".into() };
                let _ = socket.close(Some(close)).await;
                return;
            }
        }
    }
}

/// The SDK's runtime version, as a user agent would carry it.
fn user_agent() -> &'static str {
    Box::leak(format!("fake/{} (Linux; x86_64) fake", openai_codex::runtime::VERSION).into_boxed_str())
}

/// A raw TCP server that answers the upgrade with `answer` (or never, if
/// `None`), for one client.
async fn raw_server(answer: Option<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = stream.read(&mut request).await;
        match answer {
            Some(answer) => {
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            None => tokio::time::sleep(Duration::from_secs(60)).await,
        }
    });
    url
}

/// Captures everything logged (at every level) while a test runs on this
/// thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs on one thread, so the log capture sees every task.
#[tokio::test(flavor = "current_thread")]
async fn the_token_goes_in_the_authorization_header_and_nowhere_else() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = FakeServer::start(user_agent(), After::Idle).await;
    let builder = Client::builder().bearer_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN), "{builder:?}");
    let client = within("connect", builder.connect(&server.url)).await.expect("connects");
    assert_eq!(server.header("authorization").as_deref(), Some(format!("Bearer {TOKEN}").as_str()));
    assert!(!format!("{client:?}").contains(TOKEN), "{client:?}");
    within("close", client.close()).await;
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    assert!(logs.contains("connected to the app-server"), "the capture works: {logs}");
    assert!(!logs.contains(TOKEN), "the token was logged: {logs}");
}

#[tokio::test]
async fn a_jwt_signer_sends_a_fresh_token_per_connection() {
    let secret = "0123456789abcdef0123456789abcdef";
    let signer = openai_codex::JwtSigner::new(secret, "me", "them");
    assert!(!format!("{signer:?}").contains(secret));
    let server = FakeServer::start(user_agent(), After::Idle).await;
    let client = within("connect", Client::builder().jwt_signer(signer).connect(&server.url)).await.expect("connects");
    let header = server.header("authorization").expect("an Authorization header");
    let token = header.strip_prefix("Bearer ").expect("a bearer token");
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    client.close().await;
}

#[tokio::test]
async fn a_connection_dropped_mid_request_fails_the_call_and_the_streams_promptly() {
    let server = FakeServer::start(user_agent(), After::DropOnRequest).await;
    let client = within("connect", Client::builder().connect(&server.url)).await.expect("connects");
    let mut events = client.notifications();
    let call = within("the pending call", client.request_raw("thread/start", json!({}))).await;
    let Err(Error::ConnectionLost { endpoint, reason }) = &call else { panic!("{call:?}") };
    assert_eq!(endpoint, &server.url);
    eprintln!("lost: {reason}");
    let last = within("the stream's end", async {
        let mut last = None;
        while let Some(event) = events.next().await {
            last = Some(event);
        }
        last
    })
    .await;
    assert!(matches!(last, Some(Err(Error::ConnectionLost { .. }))), "{last:?}");
    assert!(client.is_closed());
    let later = within("a later call", client.request_raw("thread/list", json!({}))).await;
    assert!(matches!(later, Err(Error::ConnectionLost { .. })), "{later:?}");
}

#[tokio::test]
async fn a_close_frame_ends_the_connection_with_its_code_and_reason() {
    let server = FakeServer::start(user_agent(), After::CloseOnRequest).await;
    let client = within("connect", Client::builder().connect(&server.url)).await.expect("connects");
    let call = within("the pending call", client.request_raw("thread/start", json!({}))).await;
    let error = call.expect_err("the server closed the connection");
    let text = error.to_string();
    assert!(matches!(error, Error::ConnectionLost { .. }), "{error:?}");
    assert!(text.contains("1011") && text.contains("going away for a test"), "{text}");
}

#[tokio::test]
async fn close_says_goodbye_to_the_server_and_ends_the_client() {
    let server = FakeServer::start(user_agent(), After::Idle).await;
    let client = within("connect", Client::builder().connect(&server.url)).await.expect("connects");
    let goodbye = server.closed_by_client.notified();
    within("close", client.close()).await;
    within("the server sees the close", goodbye).await;
    assert!(client.is_closed());
}

#[tokio::test]
async fn a_runtime_of_another_version_is_refused_unless_allowed() {
    let server = FakeServer::start("fake/0.1.0 (Linux; x86_64) fake", After::Idle).await;
    let error = within("connect", Client::builder().connect(&server.url)).await.unwrap_err();
    assert!(matches!(&error, Error::VersionMismatch { found, .. } if found == "0.1.0"), "{error:?}");
    assert!(error.to_string().contains(&server.url), "{error}");

    let server = FakeServer::start("fake/0.1.0 (Linux; x86_64) fake", After::Idle).await;
    let client = within("connect", Client::builder().allow_version_mismatch(true).connect(&server.url)).await;
    client.expect("a mismatch can be allowed").close().await;
}

#[tokio::test]
async fn refusals_and_broken_upgrades_are_connect_errors() {
    let url = raw_server(Some("HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")).await;
    let error = within("connect", Client::builder().bearer_token(TOKEN).connect(&url)).await.unwrap_err();
    assert!(matches!(error, Error::TokenRejected { status: 401, token_sent: true, .. }), "{error:?}");
    assert!(!format!("{error:?}").contains(TOKEN));

    let url = raw_server(Some("HTTP/1.1 403 Forbidden\r\n\r\n")).await;
    let error = within("connect", Client::builder().connect(&url)).await.unwrap_err();
    assert!(matches!(error, Error::TokenRejected { status: 403, token_sent: false, .. }), "{error:?}");
    assert!(error.to_string().contains("none was set"), "{error}");

    let url = raw_server(Some("HTTP/1.1 500 Internal Server Error\r\n\r\n")).await;
    let error = within("connect", Client::builder().connect(&url)).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("HTTP 500")), "{error:?}");

    let bad_accept = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n";
    let url = raw_server(Some(bad_accept)).await;
    let error = within("connect", Client::builder().connect(&url)).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("Sec-WebSocket-Accept")), "{error:?}");

    let url = raw_server(Some("SSH-2.0-OpenSSH_9.2\r\n\r\n")).await;
    let error = within("connect", Client::builder().connect(&url)).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("did not answer with HTTP")), "{error:?}");

    let url = raw_server(None).await;
    let error = within("connect", Client::builder().connect_timeout(Duration::from_millis(300)).connect(&url)).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("no WebSocket handshake within")), "{error:?}");

    let error = within("connect", Client::builder().bearer_token("two words").connect(&url)).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { .. }), "{error:?}");
    assert!(!error.to_string().contains("two words"), "{error}");
}
