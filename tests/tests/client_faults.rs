//! Faults: a runtime killed mid-turn, malformed input from a fake transport,
//! a version mismatch, a missing binary, and a handler that panics.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use futures::StreamExt;
use openai_codex::handler::{HandlerFuture, ServerRequestHandler};
use openai_codex::methods::ServerNotification;
use openai_codex::types::{
    CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse, SandboxMode,
    ThreadStartParams, TurnStartParams, UserInput,
};
use openai_codex::{Client, Error};
use openai_codex_tests::harness::{close_and_check, process_exists, Harness};
use openai_codex_tests::mock_model::Answer;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// How soon a death must reach pending calls and streams: far below the
/// request timeout (120 s) that would otherwise end them, generous for a
/// loaded machine.
const PROMPTLY: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_runtime_mid_turn_ends_calls_and_streams_promptly() {
    let harness = Harness::start().await;
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    let client = harness.client_builder().spawn().await.unwrap();
    let pid = client.process_id().unwrap();
    let params = ThreadStartParams {
        cwd: Some(harness.cwd().display().to_string()),
        sandbox: Some(SandboxMode::ReadOnly),
        ..Default::default()
    };
    let thread_id = client.thread_start(params).await.unwrap().thread.id;
    let mut events = client.thread_notifications(&thread_id);
    let turn: TurnStartParams = serde_json::from_value(json!({
        "threadId": thread_id,
        "input": [{"type": "text", "text": "stall please"}],
    }))
    .unwrap();
    client.turn_start(turn).await.unwrap();
    assert!(gate.reached(Duration::from_secs(30)).await, "the model call started");

    // A request that cannot be answered, in flight while the process dies:
    // the runtime is stopped (SIGSTOP) first, so it never answers, and the
    // call can only end by the death being noticed.
    let stopped = std::process::Command::new("kill").args(["-STOP", &pid.to_string()]).status().unwrap();
    assert!(stopped.success(), "SIGSTOP to the runtime {pid}");
    let pending = tokio::spawn({
        let client = client.clone();
        async move { client.request_raw("thread/list", json!({"limit": 1})).await }
    });
    client.kill().await;

    // The bound is the point (a death is reported promptly, not after the
    // 120 s request timeout), so it is far below that but generous: a loaded
    // CI machine must not break it.
    let stream_error = tokio::time::timeout(PROMPTLY, async {
        loop {
            match events.next().await {
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Some(error),
                None => return None,
            }
        }
    })
    .await
    .expect("the stream ends promptly");
    assert!(matches!(stream_error, Some(Error::ProcessExited { .. })), "{stream_error:?}");
    assert!(events.next().await.is_none(), "then the stream ends");

    let call = tokio::time::timeout(PROMPTLY, pending)
        .await
        .expect("the pending call ends promptly")
        .unwrap();
    assert!(matches!(call, Err(Error::ProcessExited { .. })), "{call:?}");
    assert!(!process_exists(pid), "the killed app-server was reaped");

    let after = client.request_raw("thread/list", json!({})).await.unwrap_err();
    assert!(after.is_process_exited(), "{after}");
    assert!(after.to_string().contains("exited"), "{after}");
    gate.open();
}

/// A fake app-server on an in-memory pipe: answers `initialize`; when the
/// client sends the `test/emit` notification, writes garbage, an unknown
/// notification and a known one.
async fn fake_server(server: tokio::io::DuplexStream) {
    let (read, mut write) = tokio::io::split(server);
    let mut lines = BufReader::new(read).lines();
    let initialize: Value = serde_json::from_str(&lines.next_line().await.unwrap().unwrap()).unwrap();
    assert_eq!(initialize["method"], "initialize");
    let reply = json!({"id": initialize["id"], "result": {
        "codexHome": "/nowhere", "platformFamily": "unix", "platformOs": "linux", "userAgent": "fake/1.0"
    }});
    send(&mut write, &reply.to_string()).await;
    while let Ok(Some(line)) = lines.next_line().await {
        if !line.contains("test/emit") {
            continue;
        }
        let frames = [
            "this is not json".to_owned(),
            "{\"neither\": \"id nor method\"}".to_owned(),
            "[1, 2, 3]".to_owned(),
            json!({"id": 999, "result": {}}).to_string(),
            json!({"method": "future/notification", "params": {"x": 1}}).to_string(),
            json!({"method": "thread/name/updated", "params": {"threadId": "t-1", "threadName": "renamed"}}).to_string(),
        ];
        for frame in frames {
            send(&mut write, &frame).await;
        }
    }
}

async fn send(write: &mut (impl AsyncWriteExt + Unpin), line: &str) {
    write.write_all(line.as_bytes()).await.unwrap();
    write.write_all(b"\n").await.unwrap();
}

#[tokio::test]
async fn malformed_lines_are_skipped_and_unknown_methods_passed_on() {
    let (client_side, server_side) = tokio::io::duplex(64 * 1024);
    let server = tokio::spawn(fake_server(server_side));
    let (read, write) = tokio::io::split(client_side);
    let client = Client::builder().connect_io(read, write).await.expect("initialize works");
    assert_eq!(client.initialize_response().user_agent, "fake/1.0");
    let mut events = client.notifications();
    client.notify_raw("test/emit", json!({})).await.unwrap();

    let seen = tokio::time::timeout(Duration::from_secs(5), async {
        vec![events.next().await.unwrap().unwrap(), events.next().await.unwrap().unwrap()]
    })
    .await
    .expect("both notifications arrive despite the garbage before them");

    assert!(
        matches!(&seen[0], ServerNotification::Unknown { method, params: Some(params) }
            if method == "future/notification" && params["x"] == 1),
        "{:?}",
        seen[0]
    );
    match &seen[1] {
        ServerNotification::ThreadNameUpdated(updated) => assert_eq!(updated.thread_id, "t-1"),
        other => panic!("expected thread/name/updated, got {other:?}"),
    }
    assert!(!client.is_closed());
    drop(client);
    server.await.unwrap();
}

/// A script that pretends to be a codex binary of another version.
fn fake_codex(dir: &Path, version: &str) -> std::path::PathBuf {
    let path = dir.join("codex");
    std::fs::write(&path, format!("#!/bin/sh\necho codex-cli {version}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn a_version_mismatch_is_refused_with_both_versions_named() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_codex(dir.path(), "0.0.1");
    let error = Client::builder().codex_bin(&fake).spawn().await.unwrap_err();
    assert!(matches!(error, Error::VersionMismatch { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("0.0.1") && message.contains(openai_codex::runtime::VERSION), "{message}");
    assert!(message.contains("runtime::install()"), "says how to fix it: {message}");
}

#[tokio::test]
async fn a_missing_binary_says_where_it_looked() {
    let error = Client::builder()
        .codex_bin("/nonexistent/codex")
        .spawn()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RuntimeNotFound { .. }), "{error:?}");
    let message = error.to_string();
    assert!(message.contains("/nonexistent/codex"), "{message}");
    assert!(message.contains("openai_codex::runtime::install()"), "{message}");
}

struct PanickingHandler;

impl ServerRequestHandler for PanickingHandler {
    fn item_command_execution_request_approval(
        &self,
        _params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        Box::pin(async { panic!("the handler blew up") })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_still_answers_the_runtime() {
    let harness = Harness::start().await;
    let marker = harness.cwd().join("should-not-exist.txt");
    harness.mock.push(Answer::function_call(
        "call-1",
        "exec_command",
        json!({"cmd": format!("touch {}", marker.display()), "sandbox_permissions": "require_escalated"}),
    ));
    harness.mock.push(Answer::text("after the panic"));
    let client = harness.client_builder().handler(PanickingHandler).spawn().await.unwrap();
    let params: ThreadStartParams = serde_json::from_value(json!({
        "cwd": harness.cwd(),
        "sandbox": "read-only",
        "approvalPolicy": "on-request",
        "approvalsReviewer": "user",
    }))
    .unwrap();
    let thread_id = client.thread_start(params).await.unwrap().thread.id;
    let mut events = client.thread_notifications(&thread_id);
    let turn = TurnStartParams {
        thread_id: thread_id.clone(),
        input: vec![UserInput::Text { text: "go".into(), text_elements: None }],
        ..serde_json::from_value(json!({"threadId": thread_id, "input": []})).unwrap()
    };
    client.turn_start(turn).await.unwrap();
    let completed = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(event) = events.next().await {
            if let ServerNotification::TurnCompleted(done) = event.unwrap() {
                return done;
            }
        }
        panic!("stream ended");
    })
    .await
    .expect("the turn completes: the runtime got an answer despite the panic");
    assert!(!marker.exists(), "a failed handler never approves");
    let _ = completed;
    close_and_check(client).await;
}
