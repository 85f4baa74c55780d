//! The friendly API's turns against the real runtime and the mock model:
//! `run`, a streamed turn, interrupt, steer, the thread lifecycle (resume,
//! fork, list, archive, unarchive), structured output, and a failed turn.

use std::time::{Duration, Instant};

use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::types::{ThreadItem, TurnStatus};
use openai_codex::{Codex, Error, Sandbox, Thread};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::Answer;
use openai_codex_tests::scenario::{codex, within};

async fn thread(codex: &Codex, harness: &Harness) -> Thread {
    codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .cwd(harness.cwd())
        .send()
        .await
        .expect("thread/start")
}

fn agent_texts(items: &[ThreadItem]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            ThreadItem::AgentMessage { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_returns_the_models_answer_as_the_final_response() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("Hello from the mock."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let started = Instant::now();
    let result = within("the turn", thread.run("Say hello.")).await.expect("the turn completes");
    eprintln!("one run took {:?}", started.elapsed());

    assert_eq!(result.final_response.as_deref(), Some("Hello from the mock."));
    assert_eq!(result.status, TurnStatus::Completed);
    assert!(result.error.is_none());
    assert!(!result.id.is_empty());
    assert!(
        result.items.iter().any(|item| matches!(item, ThreadItem::UserMessage { .. })),
        "{:?}",
        result.items
    );
    assert_eq!(agent_texts(&result.items), ["Hello from the mock."]);
    assert!(result.usage.is_some(), "the mock reports usage and the runtime passes it on");
    assert!(result.timing.started_at.is_some(), "{:?}", result.timing);
    assert_eq!(harness.mock.requests()[0].last_user_text().as_deref(), Some("Say hello."));
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_turn_yields_deltas_that_add_up_to_the_final_response() {
    let harness = Harness::start().await;
    let answer = "The quick brown fox jumps over the lazy dog.";
    harness.mock.push(Answer::text(answer));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let mut handle = thread.turn("Tell me about foxes.").send().await.expect("turn/start");
    let turn_id = handle.id().to_owned();
    let mut deltas = Vec::new();
    let mut methods = Vec::new();
    within("the stream", async {
        while let Some(event) = handle.next().await {
            let event = event.expect("no stream error");
            methods.push(event.method().to_owned());
            if let ServerNotification::ItemAgentMessageDelta(delta) = &event {
                assert_eq!(delta.turn_id, turn_id);
                deltas.push(delta.delta.clone());
            }
        }
    })
    .await;

    assert!(deltas.len() > 1, "the answer came in several deltas: {deltas:?}");
    assert_eq!(deltas.concat(), answer, "{deltas:?}");
    assert_eq!(methods.last().map(String::as_str), Some("turn/completed"), "{methods:?}");
    let result = handle.wait().await.expect("the collected result");
    assert_eq!(result.final_response.as_deref(), Some(answer));
    assert_eq!(result.id, turn_id);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_ends_a_stalled_turn_as_interrupted() {
    let harness = Harness::start().await;
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let handle = thread.turn("Stall, please.").send().await.expect("turn/start");
    assert!(gate.reached(Duration::from_secs(30)).await, "the model call started");
    let interrupted_at = Instant::now();
    handle.interrupt().await.expect("turn/interrupt");
    let result = within("the interrupted turn", handle.wait()).await.expect("an interrupted turn is not an error");
    eprintln!("the turn ended {:?} after interrupt", interrupted_at.elapsed());

    assert_eq!(result.status, TurnStatus::Interrupted);
    assert!(result.final_response.is_none(), "{:?}", result.final_response);
    assert!(gate.client_gone(Duration::from_secs(5)).await, "the runtime dropped the model call");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steer_reaches_the_models_next_request() {
    let harness = Harness::start().await;
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    harness.mock.push(Answer::text("Bananas noted."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let handle = thread.turn("Talk about fruit.").send().await.expect("turn/start");
    assert!(gate.reached(Duration::from_secs(30)).await, "the first model call started");
    handle.steer("Also mention bananas.").await.expect("turn/steer");
    gate.open();
    let result = within("the steered turn", handle.wait()).await.expect("the turn completes");

    let requests = harness.mock.requests();
    assert!(requests.len() >= 2, "the steer made another model request: {} requests", requests.len());
    assert!(
        !requests[0].body.to_string().contains("Also mention bananas."),
        "the first request was sent before the steer"
    );
    let next = &requests[1];
    assert_eq!(next.last_user_text().as_deref(), Some("Also mention bananas."), "{:?}", next.input());
    assert_eq!(result.status, TurnStatus::Completed);
    assert_eq!(result.final_response.as_deref(), Some("Bananas noted."));
    close_and_check(codex.client().clone()).await;
}

fn ids(threads: &[openai_codex::types::Thread]) -> Vec<&str> {
    threads.iter().map(|thread| thread.id.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_fork_list_archive_and_unarchive_round_trip() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text("first answer"));
    let first_codex = codex(&harness).await;
    let original = thread(&first_codex, &harness).await;
    let id = original.id().to_owned();
    within("the first turn", original.run("first question")).await.expect("the first turn");
    original.set_name("round trip").await.expect("thread/name/set");
    first_codex.close().await;

    // A new runtime on the same home finds the thread and resumes it.
    let codex = codex(&harness).await;
    let listed = codex.thread_list().send().await.expect("thread/list");
    assert!(ids(&listed.data).contains(&id.as_str()), "{:?}", ids(&listed.data));
    let resumed = codex.thread_resume(&id).send().await.expect("thread/resume");
    assert_eq!(resumed.id(), id);
    assert_eq!(resumed.info().name.as_deref(), Some("round trip"));
    harness.mock.push(Answer::text("second answer"));
    let second = within("the resumed turn", resumed.run("second question")).await.expect("the resumed turn");
    assert_eq!(second.final_response.as_deref(), Some("second answer"));
    let history = harness.mock.requests().last().expect("a model request").body.to_string();
    assert!(
        history.contains("first question") && history.contains("first answer"),
        "the resumed thread's next request carries its history: {history}"
    );
    let read = resumed.read(true).await.expect("thread/read");
    assert_eq!(read.turns.len(), 2, "{:?}", read.turns);

    let fork = codex.thread_fork(&id).send().await.expect("thread/fork");
    assert_ne!(fork.id(), id);
    assert_eq!(fork.info().forked_from_id.as_deref(), Some(id.as_str()));
    harness.mock.push(Answer::text("fork answer"));
    within("the fork's turn", fork.run("fork question")).await.expect("the fork's turn");
    let fork_history = harness.mock.requests().last().expect("a model request").body.to_string();
    assert!(fork_history.contains("second question"), "the fork has the history: {fork_history}");

    codex.thread_archive(&id).send().await.expect("thread/archive");
    let active = codex.thread_list().send().await.expect("thread/list");
    assert!(!ids(&active.data).contains(&id.as_str()), "archived yet listed: {:?}", ids(&active.data));
    assert!(ids(&active.data).contains(&fork.id()), "the fork stays: {:?}", ids(&active.data));
    let archived = codex.thread_list().archived(true).send().await.expect("thread/list archived");
    assert_eq!(ids(&archived.data), [id.as_str()]);

    let unarchived = codex.thread_unarchive(&id).send().await.expect("thread/unarchive");
    assert_eq!(unarchived.id(), id);
    let active = codex.thread_list().send().await.expect("thread/list");
    assert!(ids(&active.data).contains(&id.as_str()), "unarchived yet missing: {:?}", ids(&active.data));
    let archived = codex.thread_list().archived(true).send().await.expect("thread/list archived");
    assert!(archived.data.is_empty(), "{:?}", ids(&archived.data));
    close_and_check(codex.client().clone()).await;
}

/// A structured answer.
#[derive(Debug, PartialEq, serde::Deserialize, openai_codex::schemars::JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
struct Fruit {
    apples: u32,
    pears: u32,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_structured_parses_json_and_reports_raw_text_that_is_not() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::text(r#"{"apples": 3, "pears": 5}"#));
    harness.mock.push(Answer::text("Sorry, no JSON today."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let counts = within("the structured turn", thread.run_structured::<Fruit>("Count the fruit."))
        .await
        .expect("the answer parses");
    assert_eq!(counts, Fruit { apples: 3, pears: 5 });
    let format = &harness.mock.requests()[0].body["text"]["format"];
    assert_eq!(format["type"], "json_schema", "the output schema reached the model: {format}");
    assert_eq!(format["strict"], true, "{format}");
    assert_eq!(format["schema"]["type"], "object", "{format}");
    assert_eq!(format["schema"]["additionalProperties"], false, "{format}");

    let error = within("the second turn", thread.run_structured::<Fruit>("Again."))
        .await
        .expect_err("a non-JSON answer is an error");
    match error {
        Error::StructuredOutput { raw, .. } => assert_eq!(raw, "Sorry, no JSON today."),
        other => panic!("expected Error::StructuredOutput, got {other:?}"),
    }
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_turn_is_an_error_carrying_the_result() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::server_error());
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let error = within("the failing turn", thread.run("This will fail.")).await.expect_err("the turn fails");
    let Error::TurnFailed(result) = &error else { panic!("expected Error::TurnFailed, got {error:?}") };
    assert_eq!(result.status, TurnStatus::Failed);
    let turn_error = result.error.as_ref().expect("a failed turn says why");
    assert!(!turn_error.message.is_empty(), "{turn_error:?}");
    assert!(error.to_string().contains(&result.id), "{error}");
    eprintln!("failed turn: {error}");

    // The thread stays usable.
    harness.mock.push(Answer::text("recovered"));
    let next = within("the next turn", thread.run("Try again.")).await.expect("the next turn completes");
    assert_eq!(next.final_response.as_deref(), Some("recovered"));
    close_and_check(codex.client().clone()).await;
}
