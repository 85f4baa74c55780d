//! Fault injection: the client against `fake-codex` (tests/src/bin/fake_codex.rs),
//! a runtime that answers `initialize` and then misbehaves in the way each
//! request's method asks. Every test is bounded, so a hang fails it.

mod fake_app_server;

use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openai_codex::handler::{HandlerFuture, ServerRequestHandler};
use openai_codex::types::{CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse};
use openai_codex::{Client, ClientBuilder, Error};
use serde_json::{json, Value};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

/// The bound on every test's waiting: far above what any step needs, so
/// only a hang reaches it.
const HANG: Duration = Duration::from_secs(30);

fn fake() -> ClientBuilder {
    Client::builder().codex_bin(env!("CARGO_BIN_EXE_fake-codex"))
}

async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(HANG, future)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {HANG:?}"))
}

async fn spawn(builder: ClientBuilder) -> Client {
    within("spawning the fake runtime", builder.spawn()).await.expect("the fake runtime starts")
}

/// Log records written while a [`LogCapture`] is the thread's default
/// subscriber (tests run on a current-thread runtime, so the client's tasks
/// log on this thread too).
#[derive(Clone, Default)]
struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish()
            .set_default()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a_line_that_is_not_utf8_costs_only_that_line() {
    let logs = LogCapture::default();
    let _guard = logs.install();
    let client = spawn(fake()).await;
    let answer = within("the request after bad bytes", client.request_raw("fault/nonUtf8Noise", json!({}))).await;
    assert_eq!(answer.unwrap(), json!({"ok": true}));
    assert!(!client.is_closed(), "the connection goes on");
    let again = within("a later request", client.request_raw("anything", json!({}))).await;
    assert_eq!(again.unwrap(), json!({"ok": true}));
    let logs = logs.text();
    assert!(logs.contains("WARN") && logs.contains("not valid UTF-8"), "the bad line is reported: {logs}");
    client.close().await;
}

#[tokio::test]
async fn an_answer_that_is_not_utf8_fails_its_call_at_once() {
    // No request timeout: only the protocol error can end the call.
    let client = spawn(fake().request_timeout(None)).await;
    let error = within("the call", client.request_raw("fault/nonUtf8Answer", json!({}))).await.unwrap_err();
    match &error {
        Error::Protocol { method, reason, .. } => {
            assert_eq!(method, "fault/nonUtf8Answer");
            assert!(reason.contains("not valid UTF-8"), "{reason}");
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
    assert!(!client.is_closed());
    client.close().await;
}

#[tokio::test]
async fn malformed_error_answers_fail_their_calls_naming_what_was_wrong() {
    let client = spawn(fake().request_timeout(None)).await;
    let cases = [
        ("fault/stringCode", "invalid type: string \"-32000\", expected i64"),
        ("fault/noMessage", "missing field `message`"),
        ("fault/stringError", "invalid type: string \"boom\""),
    ];
    for (method, expected) in cases {
        let error = within(method, client.request_raw(method, json!({}))).await.unwrap_err();
        let Error::Protocol { method: failed, reason, .. } = &error else { panic!("{method}: expected a protocol error, got {error:?}") };
        assert_eq!(failed, method);
        assert!(reason.contains(expected), "{method}: {reason}");
        assert!(error.to_string().contains(method), "{error}");
    }
    client.close().await;
}

#[tokio::test]
async fn a_byte_order_mark_and_an_id_echoed_as_a_string_are_understood() {
    let client = spawn(fake().request_timeout(None)).await;
    for method in ["fault/bom", "fault/stringId"] {
        let answer = within(method, client.request_raw(method, json!({}))).await;
        assert_eq!(answer.unwrap(), json!({"ok": true}), "{method}");
    }
    client.close().await;
}

#[tokio::test]
async fn an_answer_with_no_recoverable_id_is_reported_and_its_call_times_out() {
    let logs = LogCapture::default();
    let _guard = logs.install();
    let client = spawn(fake().request_timeout(Duration::from_millis(500))).await;
    let error = within("the call", client.request_raw("fault/array", json!({}))).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { sent: true, .. }), "{error:?}");
    assert!(error.to_string().contains("reached the app-server"), "{error}");
    assert!(logs.text().contains("skipping a line that is not a usable JSON-RPC message"), "{}", logs.text());
    let again = within("a later request", client.request_raw("anything", json!({}))).await;
    assert_eq!(again.unwrap(), json!({"ok": true}));
    client.close().await;
}

#[tokio::test]
async fn the_stderr_drain_survives_bad_bytes_and_never_closes_the_pipe() {
    let logs = LogCapture::default();
    let _guard = logs.install();
    let client = spawn(fake()).await;
    let answer = within("stderr noise", client.request_raw("fault/stderrNoise", json!({"count": 2000}))).await.unwrap();
    assert_eq!(answer["stderrWriteFailures"], 0, "every stderr write after the bad bytes succeeded");
    // The runtime is still alive and talking.
    let again = within("a later request", client.request_raw("anything", json!({}))).await;
    assert_eq!(again.unwrap(), json!({"ok": true}));
    // Its lines reach the log at trace level under their own target,
    // without escape codes and with the secret masked.
    let error = within("the exit", client.request_raw("fault/exitWithStderr", json!({}))).await.unwrap_err();
    assert!(error.is_process_exited(), "{error:?}");
    let logs = logs.text();
    assert!(logs.contains("TRACE openai_codex::app_server: ERROR token=<redacted> leaked"), "{logs}");
    assert!(logs.contains("openai_codex::app_server: line 1999"), "the drain kept going");
    assert!(!logs.contains('\u{1b}'), "no escape codes in the logs");
    assert!(!logs.contains("sk-abcdefghijklmnop"), "the secret stays out of the logs");
}

#[tokio::test]
async fn an_endless_stderr_line_is_capped_and_marked() {
    let client = spawn(fake()).await;
    let sixteen_mib = 16 << 20;
    within("a long stderr line", client.request_raw("fault/stderrLongLine", json!({"bytes": sixteen_mib}))).await.unwrap();
    let error = within("the exit", client.request_raw("fault/exitWithStderr", json!({}))).await.unwrap_err();
    let Error::ProcessExited { stderr_tail, .. } = &error else { panic!("{error:?}") };
    let long = stderr_tail.iter().find(|line| line.starts_with("xxx")).expect("the long line is in the tail");
    assert!(long.len() < 8 * 1024 + 64, "kept {} bytes of it", long.len());
    assert!(long.ends_with(&format!("[… {} more bytes cut]", sixteen_mib - 8 * 1024)), "{}", &long[long.len() - 40..]);
    assert!(stderr_tail.iter().any(|line| line == "after the long line"), "{stderr_tail:?}");
}

#[tokio::test]
async fn an_exited_runtime_reports_its_last_stderr_lines_every_time() {
    for run in 0..40 {
        let client = spawn(fake()).await;
        let error = within("the exit", client.request_raw("fault/exitWithStderr", json!({}))).await.unwrap_err();
        let Error::ProcessExited { status, stderr_tail } = &error else { panic!("run {run}: {error:?}") };
        assert!(status.contains('3'), "run {run}: {status}");
        assert_eq!(
            stderr_tail.last().map(String::as_str),
            Some("last words: the runtime gives up"),
            "run {run}: the last line is never lost: {stderr_tail:?}"
        );
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("Authorization: <redacted>"), "run {run}: {shown}");
        assert!(!shown.contains("very-secret-token"), "run {run}: {shown}");
    }
}

#[tokio::test]
async fn a_request_whose_caller_gave_up_before_it_was_written_is_never_written() {
    let client = spawn(fake().request_timeout(Duration::from_millis(400)).outgoing_queue(4)).await;
    // The runtime stops reading for a while, so the pipe fills up.
    within("stop reading", client.request_raw("fault/stopReading", json!({"ms": 2000}))).await.unwrap();
    let padding = "p".repeat(64 * 1024);
    let calls = (0..24).map(|marker| {
        let client = client.clone();
        let params = json!({"marker": marker, "padding": padding});
        async move {
            if marker % 2 == 0 {
                // Gives up through the client's request timeout.
                (marker, Some(client.request_raw("big", params).await))
            } else {
                // Gives up by dropping the call.
                let _ = tokio::time::timeout(Duration::from_millis(300), client.request_raw("big", params)).await;
                (marker, None)
            }
        }
    });
    let outcomes = within("the calls", futures::future::join_all(calls)).await;

    // Once the runtime reads again, ask what it received.
    let received = within("the received list", async {
        loop {
            if let Ok(answer) = client.request_raw("fault/received", json!({})).await {
                return answer["received"].as_array().unwrap().clone();
            }
        }
    })
    .await;
    let mut withdrawn = 0;
    for (marker, outcome) in outcomes {
        let arrived = received.contains(&json!(marker));
        match outcome {
            Some(Err(Error::Timeout { sent, .. })) => {
                assert_eq!(arrived, sent, "marker {marker}: `sent: {sent}` must say whether it arrived");
                withdrawn += usize::from(!sent);
            }
            Some(other) => panic!("marker {marker}: expected a timeout, got {other:?}"),
            None => withdrawn += usize::from(!arrived),
        }
    }
    assert!(withdrawn >= 16, "most calls never left the bounded queue; {withdrawn} were withdrawn");
    // Dropped or timed out, a withdrawn request is never written later.
    let big: Vec<_> = received.iter().filter(|marker| marker.is_number()).collect();
    assert!(big.len() <= 24 - withdrawn, "{big:?}");
    client.close().await;
}

#[tokio::test]
async fn a_full_outgoing_queue_makes_senders_wait_instead_of_growing() {
    // A peer that answers `initialize` and then never reads again.
    let (client_side, server_side) = tokio::io::duplex(4 * 1024);
    let (server_read, mut server_write) = tokio::io::split(server_side);
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
        let mut lines = tokio::io::BufReader::new(server_read).lines();
        let initialize: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
        let reply = json!({"id": initialize["id"], "result": {"codexHome": "/x", "platformFamily": "unix", "platformOs": "linux", "userAgent": "fake/1"}});
        server_write.write_all(format!("{reply}\n").as_bytes()).await.unwrap();
        std::future::pending::<()>().await;
        drop(lines);
    });
    let (read, write) = tokio::io::split(client_side);
    let client = within("connect", Client::builder().outgoing_queue(8).connect_io(read, write)).await.unwrap();
    let payload = "n".repeat(1024);
    let mut completed = 0;
    for _ in 0..200 {
        let sent = tokio::time::timeout(Duration::from_millis(50), client.notify_raw("fill", json!({"payload": payload})));
        if sent.await.is_ok() {
            completed += 1;
        } else {
            break;
        }
    }
    // What the pipe holds (4 KiB: a few 1 KiB messages), what the writer has
    // in hand, and the queue of 8; nothing more is accepted.
    assert!((8..=16).contains(&completed), "{completed} notifications were accepted");
    server.abort();
}

/// A handler whose command approvals never answer.
struct NeverAnswers;

impl ServerRequestHandler for NeverAnswers {
    fn item_command_execution_request_approval(
        &self,
        _params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn a_handler_that_never_answers_gets_the_fail_closed_answer_in_time() {
    let client = spawn(fake().handler(NeverAnswers).handler_timeout(Duration::from_millis(300))).await;
    let answer = within("the approval round trip", client.request_raw("fault/approvalRequest", json!({}))).await.unwrap();
    assert_eq!(answer["answer"]["id"], "srv-1");
    assert_eq!(answer["answer"]["result"], json!({"decision": "decline"}), "{answer}");
    client.close().await;
}

#[tokio::test]
async fn a_server_request_with_a_null_id_is_answered_as_invalid() {
    let client = spawn(fake()).await;
    let answer = within("the approval round trip", client.request_raw("fault/approvalRequest", json!({"requestId": null})))
        .await
        .unwrap();
    let reply = &answer["answer"];
    assert!(reply["id"].is_null(), "{reply}");
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    assert!(reply.get("result").is_none(), "a null-id request is never approved: {reply}");
    client.close().await;
}

#[tokio::test]
async fn the_runtime_gets_no_rust_log_unless_asked_and_requests_are_logged_in_spans() {
    // This test binary's own log filter must not reach the runtime. (Setting
    // it here is safe: no other test in this file reads RUST_LOG.)
    std::env::set_var("RUST_LOG", "trace");
    let logs = LogCapture::default();
    let _guard = logs.install();
    let client = spawn(fake()).await;
    let env = within("env", client.request_raw("fault/env", json!({}))).await.unwrap();
    assert_eq!(env["RUST_LOG"], Value::Null, "{env}");
    client.close().await;

    let client = spawn(fake().runtime_log("codex_core=debug")).await;
    let env = within("env", client.request_raw("fault/env", json!({}))).await.unwrap();
    assert_eq!(env["RUST_LOG"], "codex_core=debug", "{env}");
    client.close().await;

    let logs = logs.text();
    assert!(logs.contains("codex_request{method=\"fault/env\" id="), "each request has its span: {logs}");
}

#[test]
fn wire_types_with_secrets_print_them_redacted() {
    use openai_codex::types::{ChatgptAuthTokensRefreshResponse, LoginAccountParams};
    let login = LoginAccountParams::ApiKey { api_key: "sk-live-abcdefghijkl".into() };
    let shown = format!("{login:?} {login:#?}");
    assert!(shown.contains("ApiKey { api_key: <redacted> }"), "{shown}");
    assert!(!shown.contains("sk-live"), "{shown}");

    let tokens: ChatgptAuthTokensRefreshResponse = serde_json::from_value(json!({
        "accessToken": "eyJ-secret-access", "chatgptAccountId": "acct-1", "chatgptPlanType": null,
    }))
    .unwrap();
    let shown = format!("{tokens:?}");
    assert!(!shown.contains("eyJ-secret-access"), "{shown}");
    assert!(shown.contains("acct-1"), "what is not secret still shows: {shown}");
    // Serialization is untouched: the secret still reaches the runtime.
    assert_eq!(serde_json::to_value(&tokens).unwrap()["accessToken"], "eyJ-secret-access");
}

#[tokio::test]
async fn a_turn_logs_in_its_own_span_naming_thread_and_turn() {
    let logs = LogCapture::default();
    let _guard = logs.install();
    let (codex, _recorder) = fake_app_server::connect().await;
    let thread = within("thread/start", codex.thread_start().send()).await.unwrap();
    within("the turn", thread.run("Hello")).await.unwrap();
    let logs = logs.text();
    let span = format!("codex_turn{{thread={} turn={}}}", fake_app_server::THREAD_ID, fake_app_server::TURN_ID);
    assert!(logs.contains(&format!("{span}: openai_codex::api::turn: turn started")), "{logs}");
    // Its requests run inside its span (`turn/start` before the turn has an id).
    let starting = format!("codex_turn{{thread={}}}:codex_request{{method=\"turn/start\"", fake_app_server::THREAD_ID);
    assert!(logs.contains(&starting), "{logs}");
}

/// A sandboxed command on a runtime that misbehaves (`fake-codex`'s
/// `command/exec`): every fault ends the command's stream with an error,
/// never a hang.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_faults_end_the_command_with_an_error() {
    use futures::StreamExt;
    use openai_codex::{Codex, CommandEvent};

    // The runtime exits while the command runs: what came is kept, then the
    // stream ends with the exit.
    let codex = Codex::from_client(spawn(fake()).await);
    let mut command = within("command/exec", codex.command(["fault-exit"]).send()).await.unwrap();
    let first = within("the output", command.next()).await.unwrap().unwrap();
    assert_eq!(first, CommandEvent::Stdout(b"partial\n".to_vec()));
    let error = within("the end", command.next()).await.expect("an error").expect_err("the runtime is gone");
    assert!(error.is_process_exited(), "{error:?}");
    assert!(within("the stream's end", command.next()).await.is_none());
    let error = within("run", codex.command(["fault-exit"]).run()).await.expect_err("the runtime is gone");
    assert!(error.is_process_exited(), "{error:?}");

    // Output that is not base64 is an error in the stream; the rest goes on.
    let codex = Codex::from_client(spawn(fake()).await);
    let command = within("command/exec", codex.command(["fault-bad-base64"]).send()).await.unwrap();
    let events: Vec<_> = within("the events", command.collect::<Vec<_>>()).await;
    assert!(matches!(&events[0], Err(Error::Protocol { method, .. }) if method == "command/exec/outputDelta"), "{events:?}");
    assert_eq!(events[1].as_ref().unwrap(), &CommandEvent::Stdout(b"ok\n".to_vec()));
    assert_eq!(events[2].as_ref().unwrap(), &CommandEvent::Exited(0));
    let error = within("wait", codex.command(["fault-bad-base64"]).run()).await.expect_err("output was lost");
    assert!(matches!(error, Error::Protocol { .. }), "{error:?}");

    // An answer that does not decode.
    let error = within("run", codex.command(["anything"]).run()).await.expect_err("undecodable");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    codex.close().await;
}
