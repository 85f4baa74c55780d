//! Smoke test of the real runtime, driven with raw JSON-RPC against the mock
//! model: initialize, thread/start, one text turn.

use std::time::Duration;

use openai_codex_tests::codex_home::CodexHome;
use openai_codex_tests::mock_model::{Answer, MockModel};
use openai_codex_tests::raw_rpc::RawSession;
use serde_json::{json, Value};

const TURN_TIMEOUT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_turn_completes_with_the_mock_answer() {
    let mock = MockModel::start().await.unwrap();
    mock.push(Answer::text("Hello from the mock."));
    let home = CodexHome::new(&mock.url()).unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let mut command = home.app_server_command();
    command.current_dir(cwd.path());
    let mut session = RawSession::spawn(command).unwrap();

    let pid = session.pid().expect("the runtime is running");
    let outcome = run_text_turn(&mut session, &cwd.path().display().to_string()).await;
    let log = session.shutdown().await;
    assert_process_gone(pid);
    let completed = outcome.unwrap_or_else(|error| panic!("{error:#}\nframes: {log:#?}"));

    assert_eq!(completed["turn"]["status"], "completed", "{completed}");
    assert_eq!(agent_message_texts(&log), ["Hello from the mock."]);
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].last_user_text().as_deref(), Some("Say hello."));
    assert!(requests[0]
        .tool_names()
        .iter()
        .any(|name| name == "exec_command"));
}

/// Runs the handshake and one turn; returns the `turn/completed` params.
async fn run_text_turn(session: &mut RawSession, cwd: &str) -> anyhow::Result<Value> {
    let init = session.initialize().await?;
    anyhow::ensure!(init["userAgent"].is_string(), "initialize result: {init}");
    let thread = session
        .request(
            "thread/start",
            json!({ "cwd": cwd, "sandbox": "workspace-write" }),
        )
        .await?;
    let thread_id = thread["thread"]["id"].clone();
    let input = json!([{ "type": "text", "text": "Say hello.", "text_elements": [] }]);
    session
        .request(
            "turn/start",
            json!({ "threadId": thread_id, "input": input }),
        )
        .await?;
    session
        .wait_for_notification("turn/completed", TURN_TIMEOUT)
        .await
}

/// The texts of completed `agentMessage` items in a session log.
fn agent_message_texts(log: &[Value]) -> Vec<String> {
    log.iter()
        .filter(|entry| entry["method"] == "item/completed")
        .map(|entry| &entry["frame"]["params"]["item"])
        .filter(|item| item["type"] == "agentMessage")
        .filter_map(|item| item["text"].as_str().map(str::to_owned))
        .collect()
}

/// After `shutdown` the child was waited for, so no process (not even a
/// zombie) is left with its pid.
fn assert_process_gone(pid: u32) {
    if cfg!(target_os = "linux") {
        let proc_entry = std::path::PathBuf::from(format!("/proc/{pid}"));
        assert!(
            !proc_entry.exists(),
            "codex app-server {pid} is still there"
        );
    }
}
