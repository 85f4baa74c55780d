//! Running app-servers reached over each transport, against the real
//! runtime and the mock model: a WebSocket on a loopback port (without auth,
//! with a capability token, with a signed JWT), a Unix socket, and the local
//! daemon. Over each, the same scenarios as over stdio: the quickstart turn,
//! an approval round trip, and a sandbox refusal checked on disk. Then what
//! goes wrong: refused connections, rejected tokens, an app-server killed
//! mid-turn, and two clients sharing one app-server.
//!
//! What 0.169.0 does, as checked here:
//! - `--listen ws://127.0.0.1:0` picks a free port and prints `listening
//!   on: ws://127.0.0.1:PORT` on stderr; `--listen unix://PATH` prints
//!   nothing, the socket just appears.
//! - A missing, wrong or expired token is refused with HTTP 401 at the
//!   upgrade. A JWT shared secret must be at least 32 bytes, or the
//!   app-server does not start.
//! - Two clients of one app-server: turn and item events go only to the
//!   thread's own client, but every client gets every thread's
//!   `thread/started` and `thread/status/changed`.
//! - `codex app-server daemon start` first copies the whole runtime (about
//!   400 MB) into `$CODEX_HOME/packages/app-server-daemon`, and the socket
//!   it reports is a symlink into `/tmp/codex-daemon-<uid>/`; `daemon stop`
//!   leaves its `pid-update-loop` helper running.

use std::time::{Duration, Instant, SystemTime};

use futures::StreamExt;
use openai_codex::{ApprovalMode, Codex, CodexBuilder, Error, JwtSigner, Sandbox};
use openai_codex_tests::codex_home::runtime_bin;
use openai_codex_tests::harness::Harness;
use openai_codex_tests::listen::{ListeningServer, StopDaemon, WsAuth};
use openai_codex_tests::mock_model::{Answer, Matcher};
use openai_codex_tests::scenario::{
    command_executions, escalated_write, is_refused, within, write_file, CountingApprover,
};

const TOKEN: &str = "capability-token-4f6b2c";
// 0.169.0 refuses to start with a secret shorter than 32 bytes.
const SECRET: &str = "shared-secret-9d1e7a-0123456789abcdef";
const ISSUER: &str = "openai-codex-tests";
const AUDIENCE: &str = "codex-app-server";

fn signer() -> JwtSigner {
    JwtSigner::new(SECRET, ISSUER, AUDIENCE).lifetime(Duration::from_secs(60))
}

/// The quickstart turn, an approval round trip and a read-only refusal,
/// each on a new thread, over whatever connection `connect` makes.
async fn scenarios(harness: &Harness, connect: impl Fn(CodexBuilder) -> CodexBuilder, how: &str, open: impl AsyncOpen) {
    // The quickstart.
    harness.mock.push(Answer::text(format!("hello over {how}")));
    let codex = open.open(connect(Codex::builder())).await.unwrap_or_else(|error| panic!("connect over {how}: {error:?}"));
    let thread = codex.thread_start().cwd(harness.cwd()).send().await.expect("thread/start");
    let result = within("the quickstart turn", thread.run("Say hello.")).await.expect("the turn completes");
    assert_eq!(result.final_response.as_deref(), Some(format!("hello over {how}").as_str()));
    codex.close().await;

    // An approval round trip: the handler is asked over this transport and
    // its answer lets the command out of the read-only sandbox.
    let target = harness.cwd().join("approved.txt");
    harness.mock.push(escalated_write("call-esc", &target));
    harness.mock.push(Answer::text("finished"));
    let approver = CountingApprover::new(true);
    let codex = open.open(connect(Codex::builder()).approval_handler(approver.clone())).await.expect("connect");
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .cwd(harness.cwd())
        .approval_mode(ApprovalMode::AskHandler)
        .send()
        .await
        .expect("thread/start");
    within("the approval turn", thread.run("Write it, escalating.")).await.expect("the turn completes");
    assert_eq!(approver.seen(), 1, "the approval request reached the handler over {how}");
    assert!(target.exists(), "the approved command wrote {}", target.display());

    // The sandbox holds: read-only refuses a write in the working folder.
    let refused = harness.cwd().join("read-only.txt");
    harness.mock.push(write_file("call-ro", &refused));
    harness.mock.push(Answer::text("I tried."));
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).cwd(harness.cwd()).send().await.expect("thread/start");
    let result = within("the sandbox turn", thread.run("Write read-only.txt.")).await.expect("the turn completes");
    assert!(!refused.exists(), "read-only let the command write {}", refused.display());
    let commands = command_executions(&result.items);
    assert!(commands.iter().all(|(_, status, _)| is_refused(status)), "{commands:?}");
    codex.close().await;
    assert!(!codex.client().is_closed() || codex.client().endpoint().is_some());
}

/// How a scenario opens its connection (`connect(url)`, `connect_unix`, ...).
trait AsyncOpen {
    fn open(&self, builder: CodexBuilder) -> futures::future::BoxFuture<'static, openai_codex::Result<Codex>>;
}

impl<F> AsyncOpen for F
where
    F: Fn(CodexBuilder) -> futures::future::BoxFuture<'static, openai_codex::Result<Codex>>,
{
    fn open(&self, builder: CodexBuilder) -> futures::future::BoxFuture<'static, openai_codex::Result<Codex>> {
        self(builder)
    }
}

fn connect_to(url: &str) -> impl Fn(CodexBuilder) -> futures::future::BoxFuture<'static, openai_codex::Result<Codex>> {
    let url = url.to_owned();
    move |builder: CodexBuilder| {
        let url = url.clone();
        Box::pin(async move { builder.connect(url).await })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_without_auth_runs_the_scenarios() {
    let harness = Harness::start().await;
    let server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::None).await;
    scenarios(&harness, |builder| builder, "ws", connect_to(server.url())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_with_a_capability_token_runs_the_scenarios() {
    let harness = Harness::start().await;
    let server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::Token(TOKEN.to_owned())).await;
    scenarios(&harness, |builder| builder.bearer_token(TOKEN), "ws with a token", connect_to(server.url())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_with_a_signed_jwt_runs_the_scenarios() {
    let harness = Harness::start().await;
    let auth = WsAuth::Jwt { secret: SECRET.to_owned(), issuer: ISSUER.to_owned(), audience: AUDIENCE.to_owned() };
    let server = ListeningServer::ws(&harness.home, harness.cwd(), auth).await;
    scenarios(&harness, |builder| builder.jwt_signer(signer()), "ws with a JWT", connect_to(server.url())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_socket_runs_the_scenarios() {
    let harness = Harness::start().await;
    let server = ListeningServer::unix(&harness.home, harness.cwd()).await;
    let socket = server.socket_path();
    let open = move |builder: CodexBuilder| {
        let socket = socket.clone();
        Box::pin(async move { builder.connect_unix(socket).await }) as futures::future::BoxFuture<'static, _>
    };
    scenarios(&harness, |builder| builder, "a Unix socket", open).await;
    // `connect("unix://PATH")` is the same transport.
    harness.mock.push(Answer::text("by URL"));
    let codex = Codex::builder().connect(server.url()).await.expect("connect by unix:// URL");
    let thread = codex.thread_start().cwd(harness.cwd()).send().await.expect("thread/start");
    let result = within("the turn", thread.run("Hi.")).await.expect("the turn completes");
    assert_eq!(result.final_response.as_deref(), Some("by URL"));
    assert_eq!(codex.client().endpoint(), Some(server.url()));
    codex.close().await;
}

/// Every refused token, and what the error says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_missing_and_expired_tokens_are_refused_at_connect() {
    let harness = Harness::start().await;
    let token_server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::Token(TOKEN.to_owned())).await;
    let auth = WsAuth::Jwt { secret: SECRET.to_owned(), issuer: ISSUER.to_owned(), audience: AUDIENCE.to_owned() };
    let jwt_server = ListeningServer::ws(&harness.home, harness.cwd(), auth).await;

    let refused = |result: openai_codex::Result<Codex>, sent: bool, what: &str| {
        let error = result.expect_err(what);
        match &error {
            Error::TokenRejected { status: 401, token_sent, .. } => assert_eq!(*token_sent, sent, "{what}: {error}"),
            other => panic!("{what}: expected a rejected token, got {other:?}"),
        }
        let text = format!("{error} {error:?}");
        assert!(text.contains("rejected the token"), "{what}: {text}");
        for secret in [TOKEN, SECRET, "wrong-token"] {
            assert!(!text.contains(secret), "{what}: the error shows a secret: {text}");
        }
    };
    let connect = |builder: CodexBuilder, url: &str| {
        let url = url.to_owned();
        async move { within("connect", builder.connect(url)).await }
    };
    refused(connect(Codex::builder(), token_server.url()).await, false, "no token");
    refused(connect(Codex::builder().bearer_token("wrong-token"), token_server.url()).await, true, "a wrong token");
    refused(connect(Codex::builder().jwt_signer(signer()), token_server.url()).await, true, "a JWT for a capability token");

    refused(connect(Codex::builder(), jwt_server.url()).await, false, "no JWT");
    refused(connect(Codex::builder().bearer_token(TOKEN), jwt_server.url()).await, true, "a plain token for a JWT");
    let other_audience = JwtSigner::new(SECRET, ISSUER, "someone-else");
    refused(connect(Codex::builder().jwt_signer(other_audience), jwt_server.url()).await, true, "another audience");
    let other_issuer = JwtSigner::new(SECRET, "someone-else", AUDIENCE);
    refused(connect(Codex::builder().jwt_signer(other_issuer), jwt_server.url()).await, true, "another issuer");
    let other_secret = JwtSigner::new("not-the-secret", ISSUER, AUDIENCE);
    refused(connect(Codex::builder().jwt_signer(other_secret), jwt_server.url()).await, true, "another secret");
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let expired = signer().sign_issued_at(an_hour_ago);
    refused(connect(Codex::builder().bearer_token(expired), jwt_server.url()).await, true, "an expired JWT");

    // And the right ones get in (the builder's Debug keeps them hidden).
    let builder = Codex::builder().bearer_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN), "{builder:?}");
    let codex = connect(builder, token_server.url()).await.expect("the right token");
    codex.close().await;
    let builder = Codex::builder().jwt_signer(signer());
    assert!(!format!("{builder:?}").contains(SECRET), "{builder:?}");
    let codex = connect(builder, jwt_server.url()).await.expect("a fresh JWT");
    codex.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_listening_is_a_clear_connect_error() {
    let harness = Harness::start().await;
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let error = within("connect", Codex::builder().connect(format!("ws://127.0.0.1:{port}"))).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("connection refused")), "{error:?}");
    assert!(error.to_string().contains(&format!("ws://127.0.0.1:{port}")), "{error}");

    let missing = harness.cwd().join("no-such.sock");
    let error = within("connect", Codex::builder().connect_unix(&missing)).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("no such socket")), "{error:?}");

    // An HTTP server that is not an app-server (the mock model).
    let error = within("connect", Codex::builder().connect(format!("ws://{}", harness.mock.addr()))).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("instead of accepting a WebSocket")), "{error:?}");

    let error = within("connect", Codex::builder().connect("wss://127.0.0.1:1")).await.unwrap_err();
    assert!(matches!(&error, Error::InvalidArgument { .. }), "{error:?}");
}

/// The app-server dies while a turn runs: the turn, the event stream and any
/// later call fail promptly with `ConnectionLost`.
async fn killed_mid_turn(mut server: ListeningServer, harness: &Harness, codex: Codex) {
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    let thread = codex.thread_start().cwd(harness.cwd()).send().await.expect("thread/start");
    let mut events = codex.client().notifications();
    let run = tokio::spawn({
        let thread = thread.clone();
        async move { thread.run("Stall, please.").await }
    });
    assert!(gate.reached(Duration::from_secs(30)).await, "the model call started");
    let killed_at = Instant::now();
    server.kill().await;

    // The bound is the point: the loss is noticed, not timed out (the
    // request timeout is 120 s).
    let outcome = tokio::time::timeout(Duration::from_secs(15), run)
        .await
        .expect("thread.run returns promptly after the kill")
        .expect("the run task does not panic");
    let error = outcome.expect_err("a run whose app-server died is an error");
    assert!(matches!(error, Error::ConnectionLost { .. }), "{error:?}");
    assert!(error.is_disconnected());
    let last = tokio::time::timeout(Duration::from_secs(15), async {
        let mut last = None;
        while let Some(event) = events.next().await {
            last = Some(event);
        }
        last
    })
    .await
    .expect("the event stream ends promptly");
    assert!(matches!(last, Some(Err(Error::ConnectionLost { .. }))), "{last:?}");
    let call = codex.thread_start().send().await;
    assert!(matches!(call, Err(Error::ConnectionLost { .. })), "{call:?}");
    eprintln!("run ended {:?} after the kill: {error}", killed_at.elapsed());
    gate.open();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_app_server_killed_mid_turn_fails_everything_promptly() {
    let harness = Harness::start().await;
    let server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::Token(TOKEN.to_owned())).await;
    let codex = Codex::builder().bearer_token(TOKEN).connect(server.url()).await.expect("connect");
    killed_mid_turn(server, &harness, codex).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unix_socket_app_server_killed_mid_turn_fails_everything_promptly() {
    let harness = Harness::start().await;
    let server = ListeningServer::unix(&harness.home, harness.cwd()).await;
    let codex = Codex::builder().connect_unix(server.socket_path()).await.expect("connect");
    killed_mid_turn(server, &harness, codex).await;
}

/// Two programs on one app-server: each runs its own thread and sees its
/// own thread's turn and item events only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_on_one_app_server_each_see_their_own_threads() {
    let harness = Harness::start().await;
    let server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::None).await;
    harness.mock.push_when(Matcher::user_text_contains("from A"), Answer::text("answer for A"));
    harness.mock.push_when(Matcher::user_text_contains("from B"), Answer::text("answer for B"));
    let a = Codex::builder().connect(server.url()).await.expect("client A connects");
    let b = Codex::builder().connect(server.url()).await.expect("client B connects");
    let mut events_a = a.client().notifications();
    let mut events_b = b.client().notifications();
    let thread_a = a.thread_start().cwd(harness.cwd()).send().await.expect("A's thread");
    let thread_b = b.thread_start().cwd(harness.cwd()).send().await.expect("B's thread");
    let (result_a, result_b) = within("both turns", async {
        tokio::join!(thread_a.run("Hello from A."), thread_b.run("Hello from B."))
    })
    .await;
    assert_eq!(result_a.expect("A's turn").final_response.as_deref(), Some("answer for A"));
    assert_eq!(result_b.expect("B's turn").final_response.as_deref(), Some("answer for B"));
    a.close().await;
    b.close().await;

    let seen = |events: &mut openai_codex::NotificationStream| {
        let mut seen = Vec::new();
        while let Some(Some(Ok(event))) = events.next().now_or_never() {
            seen.push((event.method().to_owned(), event.thread_id().map(str::to_owned)));
        }
        seen
    };
    use futures::FutureExt;
    for (name, events, own, other) in [
        ("A", seen(&mut events_a), thread_a.id().to_owned(), thread_b.id().to_owned()),
        ("B", seen(&mut events_b), thread_b.id().to_owned(), thread_a.id().to_owned()),
    ] {
        let methods_of = |thread: &str| -> Vec<String> {
            events.iter().filter(|(_, id)| id.as_deref() == Some(thread)).map(|(method, _)| method.clone()).collect()
        };
        let own_methods = methods_of(&own);
        assert!(own_methods.iter().any(|method| method == "turn/completed"), "{name} saw its turn end: {events:?}");
        assert!(own_methods.iter().any(|method| method == "item/completed"), "{name} saw its items: {events:?}");
        let other_methods = methods_of(&other);
        // Turn and item events stay with their client; on 0.169.0 the
        // other thread's `thread/started` and `thread/status/changed` reach
        // every client.
        assert!(
            other_methods.iter().all(|method| method == "thread/started" || method == "thread/status/changed"),
            "{name} saw turn or item events of the other client's thread: {other_methods:?}"
        );
        eprintln!("{name} saw of the other thread: {other_methods:?}");
    }
}

/// The local daemon: refused while none runs, started when asked, then the
/// same scenarios over its socket; stopped (and its helper ended) at the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_daemon_is_found_started_and_used() {
    let harness = Harness::start().await;
    let home = harness.home.path().to_owned();
    let daemon = |builder: CodexBuilder| builder.codex_bin(runtime_bin()).env("CODEX_HOME", &home);
    let _stop = StopDaemon(home.clone());

    let error = within("connect_daemon", daemon(Codex::builder()).connect_daemon()).await.unwrap_err();
    assert!(matches!(&error, Error::Connect { reason, .. } if reason.contains("no daemon is running")), "{error:?}");

    let open = {
        let home = home.clone();
        move |builder: CodexBuilder| {
            let builder = builder.codex_bin(runtime_bin()).env("CODEX_HOME", &home).start_daemon_if_missing(true);
            Box::pin(async move { builder.connect_daemon().await }) as futures::future::BoxFuture<'static, _>
        }
    };
    scenarios(&harness, |builder| builder, "the daemon", open).await;
    let codex = daemon(Codex::builder()).connect_daemon().await.expect("the running daemon is found");
    let endpoint = codex.client().endpoint().expect("a connected client has an endpoint").to_owned();
    assert!(endpoint.starts_with("unix://") && endpoint.ends_with("app-server-control.sock"), "{endpoint}");
    codex.close().await;
}

/// A client that lost its connection mid-turn connects again and
/// re-attaches to its thread; the turn it could not follow is reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_reattaches_threads_and_reports_the_lost_turn() {
    let harness = Harness::start().await;
    let auth = WsAuth::Jwt { secret: SECRET.to_owned(), issuer: ISSUER.to_owned(), audience: AUDIENCE.to_owned() };
    let server = ListeningServer::ws(&harness.home, harness.cwd(), auth).await;
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    // Tokens live 2 s: the reconnect must sign a new one.
    let signer = JwtSigner::new(SECRET, ISSUER, AUDIENCE).lifetime(Duration::from_secs(2));
    let codex = Codex::builder().jwt_signer(signer).connect(server.url()).await.expect("connect");
    let thread = codex.thread_start().cwd(harness.cwd()).send().await.expect("thread/start");
    let turn = thread.turn("Stall, please.").send().await.expect("turn/start");
    let turn_id = turn.id().to_owned();
    assert!(gate.reached(Duration::from_secs(30)).await, "the model call started");
    // The connection goes away (as a network drop would) while the turn runs.
    codex.close().await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    let again = within("reconnect", codex.reconnect([thread.id()])).await.expect("reconnects with a fresh token");
    assert_eq!(again.threads.len(), 1);
    assert_eq!(again.threads[0].id(), thread.id());
    eprintln!("lost turns: {:?}", again.lost_turns);
    assert_eq!(again.lost_turns.len(), 1, "{:?}", again.lost_turns);
    assert_eq!(again.lost_turns[0].turn_id, turn_id);
    assert_eq!(again.lost_turns[0].thread_id, thread.id());

    // The re-attached thread goes on.
    gate.open();
    harness.mock.push(Answer::text("back again"));
    let thread = &again.threads[0];
    let result = within("a turn after the reconnect", async {
        loop {
            match thread.run("Are you there?").await {
                Ok(result) => break result,
                // The lost turn may still be finishing.
                Err(error) if error.to_string().contains("active turn") => tokio::time::sleep(Duration::from_millis(200)).await,
                Err(error) => panic!("{error:?}"),
            }
        }
    })
    .await;
    eprintln!("after reconnect: {:?}", result.final_response);
    again.codex.close().await;

    // A Codex made from a client has nothing to repeat.
    let client = openai_codex::Client::builder().jwt_signer(JwtSigner::new(SECRET, ISSUER, AUDIENCE)).connect(server.url()).await.expect("connect");
    let codex = Codex::from_client(client);
    let refused = codex.reconnect([thread.id()]).await;
    assert!(matches!(refused, Err(Error::InvalidArgument { .. })), "{refused:?}");
    codex.close().await;
}
