//! Handshake parity with the official SDKs: the client asks for the
//! experimental API by default (with an opt-out), and every notification
//! the runtime sends under that handshake, in the main flows, decodes into a
//! typed variant: not one `Unknown`.

mod fake_app_server;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::{ApprovalMode, Codex, Error, Sandbox};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::{Answer, Output};
use openai_codex_tests::scenario::{escalated_write, within, write_file, CountingApprover};

#[tokio::test]
async fn the_client_asks_for_the_experimental_api_unless_told_not_to() {
    let (_codex, recorder) = fake_app_server::connect_scripted(None, |builder| builder).await;
    let initialize = &recorder.frames()[0];
    assert_eq!(initialize["method"], "initialize");
    assert_eq!(initialize["params"]["capabilities"]["experimentalApi"], true, "{initialize}");

    let (_codex, recorder) = fake_app_server::connect_scripted(None, |builder| builder.experimental_api(false)).await;
    assert_eq!(recorder.frames()[0]["params"]["capabilities"]["experimentalApi"], false);
}

/// Collects every notification of a client, in a task, until dropped.
struct Recording {
    events: Arc<Mutex<Vec<Result<ServerNotification, String>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Recording {
    fn start(codex: &Codex) -> Self {
        let mut stream = codex.client().notifications();
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        let task = tokio::spawn(async move {
            while let Some(event) = stream.next().await {
                sink.lock().unwrap().push(event.map_err(|error| error.to_string()));
            }
        });
        Self { events, task }
    }

    fn events(&self) -> Vec<Result<ServerNotification, String>> {
        self.events.lock().unwrap().clone()
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_flows_bring_no_unknown_notification() {
    let harness = Harness::start().await;
    let approver = CountingApprover::new(true);
    let client = harness.client_builder().handler(approver.clone()).spawn().await.unwrap();
    let codex = Codex::from_client(client);
    let recording = Recording::start(&codex);

    // A streamed answer with reasoning, a command, an approval, a sandbox change.
    harness.mock.push(Answer::output(vec![Output::reasoning("Thinking it over."), Output::message("Hello there.")]));
    harness.mock.push(write_file("call-write", &harness.cwd().join("a.txt")));
    harness.mock.push(Answer::text("wrote a"));
    harness.mock.push(escalated_write("call-esc", &harness.cwd().join("b.txt")));
    harness.mock.push(Answer::text("wrote b"));
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .approval_mode(ApprovalMode::AskHandler)
        .cwd(harness.cwd())
        .send()
        .await
        .unwrap();
    within("a streamed turn", thread.run("Say hello.")).await.unwrap();
    within("a command turn", thread.turn("Write a.").sandbox(Sandbox::WorkspaceWrite).send().await.unwrap().wait())
        .await
        .unwrap();
    within("an approval turn", thread.turn("Write b.").sandbox(Sandbox::ReadOnly).send().await.unwrap().wait())
        .await
        .unwrap();
    assert_eq!(approver.seen(), 1, "the approval flow ran");

    // Steer, interrupt, a failed turn, structured output, naming.
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    let handle = thread.turn("Stall.").send().await.unwrap();
    assert!(gate.reached(Duration::from_secs(30)).await);
    handle.steer("Also this.").await.unwrap();
    handle.interrupt().await.unwrap();
    within("the interrupted turn", handle.wait()).await.unwrap();
    harness.mock.push(Answer::server_error());
    let failed = within("a failed turn", thread.run("Fail.")).await;
    assert!(matches!(failed, Err(Error::TurnFailed(_))), "{failed:?}");
    harness.mock.push(Answer::text(r#"{"n": 1}"#));
    within("a structured turn", thread.run_structured::<Count>("Count."))
        .await
        .unwrap();
    thread.set_name("flows").await.unwrap();

    // The thread lifecycle.
    let id = thread.id().to_owned();
    let resumed = codex.thread_resume(&id).sandbox(Sandbox::WorkspaceWrite).send().await.unwrap();
    within("a resumed turn", resumed.run("Again.")).await.unwrap();
    let fork = codex.thread_fork(&id).send().await.unwrap();
    within("a forked turn", fork.run("Forked.")).await.unwrap();
    codex.thread_list().send().await.unwrap();
    codex.thread_archive(fork.id()).send().await.unwrap();
    codex.thread_unarchive(fork.id()).send().await.unwrap();
    // Let the last notifications arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let events = recording.events();
    let errors: Vec<&String> = events.iter().filter_map(|event| event.as_ref().err()).collect();
    assert!(errors.is_empty(), "the recording lost events: {errors:?}");
    let methods: BTreeSet<&str> = events.iter().filter_map(|event| event.as_ref().ok()).map(|event| event.method()).collect();
    eprintln!("{} notifications, methods: {methods:?}", events.len());
    let unknown: Vec<_> = events.iter().filter_map(|event| event.as_ref().ok()).filter(|event| event.is_unknown()).collect();
    assert!(unknown.is_empty(), "notifications without a typed variant: {unknown:?}");
    for expected in ["thread/started", "turn/completed", "item/agentMessage/delta", "serverRequest/resolved", "error"] {
        assert!(methods.contains(expected), "{expected} missing from {methods:?}");
    }
    assert!(
        methods.contains("thread/settings/updated"),
        "the runtime reports settings changes only under the experimental handshake: {methods:?}"
    );
    drop(recording);
    close_and_check(codex.client().clone()).await;
}

/// A structured answer (strict structured output needs named fields, not a map).
#[derive(Debug, serde::Deserialize, openai_codex::schemars::JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
#[allow(dead_code)] // only decoded
struct Count {
    n: u32,
}
