//! Streaming by intent: `TurnHandle::text_stream` (the answer's text as
//! string pieces; an `Iterator` in the blocking API) and
//! `TurnHandle::events` (typed item events ending with the turn's result),
//! against the real runtime and the mock model; the lag case against a fake
//! runtime.

mod fake_app_server;

use std::sync::Arc;
use std::time::Duration;

use fake_app_server::{agent_message, connect_scripted, turn, Script, THREAD_ID, TURN_ID};
use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::types::{CommandExecutionStatus, ThreadItem, TurnStatus};
use openai_codex::{Codex, Error, Sandbox, Thread, TurnEvent};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::{Answer, Output};
use openai_codex_tests::scenario::{codex, within};
use serde_json::{json, Value};

async fn thread(codex: &Codex, harness: &Harness) -> Thread {
    codex
        .thread_start()
        .sandbox(Sandbox::WorkspaceWrite)
        .cwd(harness.cwd())
        .send()
        .await
        .expect("thread/start")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_stream_yields_pieces_that_add_up_to_the_answer_then_holds_the_result() {
    let harness = Harness::start().await;
    let answer = "The quick brown fox jumps over the lazy dog.";
    harness.mock.push(Answer::text(answer));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let mut text = thread.turn("Tell me about foxes.").send().await.expect("turn/start").text_stream();
    let mut pieces = Vec::new();
    within("the text stream", async {
        while let Some(piece) = text.next().await {
            pieces.push(piece.expect("no stream error"));
        }
    })
    .await;
    assert!(pieces.len() > 1, "the answer arrived in pieces: {pieces:?}");
    assert_eq!(pieces.concat(), answer);
    let result = text.result().expect("the result after the end");
    assert_eq!(result.status, TurnStatus::Completed);
    assert_eq!(result.final_response.as_deref(), Some(answer));
    assert!(text.next().await.is_none(), "the stream stays ended");
    close_and_check(codex.client().clone()).await;
}

/// A message the model sends with no text deltas: its whole text still
/// arrives (at the latest when the item completes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_stream_delivers_a_message_that_came_without_deltas() {
    let harness = Harness::start().await;
    let answer = "Sent in one piece.";
    harness.mock.push(Answer::output(vec![Output::raw(json!({
        "type": "message", "role": "assistant", "id": "msg_whole", "status": "completed",
        "content": [{"type": "output_text", "text": answer, "annotations": []}],
    }))]));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let mut text = thread.turn("Answer at once.").send().await.expect("turn/start").text_stream();
    let mut pieces = Vec::new();
    within("the text stream", async {
        while let Some(piece) = text.next().await {
            pieces.push(piece.expect("no stream error"));
        }
    })
    .await;
    assert_eq!(pieces.concat(), answer, "{pieces:?}");
    assert_eq!(text.into_result().expect("the result").final_response.as_deref(), Some(answer));
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_typed_items_text_and_the_result_last() {
    let harness = Harness::start().await;
    let note = harness.cwd().join("note.txt");
    harness.mock.push(Answer::exec_command("call-1", &format!("sleep 0.3; printf hi > '{}'", note.display())));
    harness.mock.push(Answer::text("Wrote the note."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let mut events = thread.turn("Write a note.").send().await.expect("turn/start").events();
    let mut seen = Vec::new();
    within("the events", async {
        while let Some(event) = events.next().await {
            seen.push(event.expect("no stream error"));
        }
    })
    .await;

    let started_command = seen.iter().position(|event| {
        matches!(event, TurnEvent::ItemStarted(ThreadItem::CommandExecution { .. }))
    });
    let completed_command = seen.iter().position(|event| {
        matches!(event, TurnEvent::ItemCompleted(ThreadItem::CommandExecution { status, .. })
            if *status == CommandExecutionStatus::Completed)
    });
    let (Some(started), Some(completed)) = (started_command, completed_command) else {
        panic!("the command's start and end are typed item events: {seen:#?}")
    };
    assert!(started < completed);
    assert_eq!(std::fs::read_to_string(&note).unwrap(), "hi", "the command ran");

    let text: String = seen
        .iter()
        .filter_map(|event| match event {
            TurnEvent::Text(piece) => Some(piece.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Wrote the note.");
    assert!(
        seen.iter().any(|event| matches!(event, TurnEvent::ItemCompleted(ThreadItem::AgentMessage { text, .. }) if text == "Wrote the note.")),
        "{seen:#?}"
    );
    // Nothing is lost: what has no variant of its own comes as `Other`.
    assert!(
        seen.iter().any(|event| matches!(event, TurnEvent::Other(ServerNotification::TurnStarted(_)))),
        "{seen:#?}"
    );
    assert!(
        seen.iter().any(|event| matches!(event, TurnEvent::Other(ServerNotification::ThreadTokenUsageUpdated(_)))),
        "{seen:#?}"
    );
    let Some(TurnEvent::Completed(result)) = seen.last() else { panic!("the result comes last: {seen:#?}") };
    assert_eq!(result.status, TurnStatus::Completed);
    assert_eq!(result.final_response.as_deref(), Some("Wrote the note."));
    assert_eq!(seen.iter().filter(|event| matches!(event, TurnEvent::Completed(_))).count(), 1);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_turn_ends_both_streams_with_turn_failed() {
    let harness = Harness::start().await;
    harness.mock.push(Answer::server_error());
    harness.mock.push(Answer::server_error());
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let mut text = thread.turn("This will fail.").send().await.expect("turn/start").text_stream();
    let outcomes: Vec<_> = within("the text stream", async {
        let mut outcomes = Vec::new();
        while let Some(piece) = text.next().await {
            outcomes.push(piece);
        }
        outcomes
    })
    .await;
    match outcomes.last() {
        Some(Err(Error::TurnFailed(result))) => assert_eq!(result.status, TurnStatus::Failed),
        other => panic!("expected the stream to end with Error::TurnFailed, got {other:?}"),
    }
    assert!(text.result().is_none(), "no result of a failed turn");

    let mut events = thread.turn("This will fail too.").send().await.expect("turn/start").events();
    let outcomes: Vec<_> = within("the events", async {
        let mut outcomes = Vec::new();
        while let Some(event) = events.next().await {
            outcomes.push(event);
        }
        outcomes
    })
    .await;
    assert!(
        matches!(outcomes.last(), Some(Err(Error::TurnFailed(_)))),
        "the last event is the failure: {outcomes:#?}"
    );
    assert!(!outcomes.iter().any(|event| matches!(event, Ok(TurnEvent::Completed(_)))), "{outcomes:#?}");
    close_and_check(codex.client().clone()).await;
}

/// The streams still steer and interrupt their turn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_streams_interrupt_their_turn() {
    let harness = Harness::start().await;
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    let (second_stall, second_gate) = Answer::stall();
    harness.mock.push(second_stall);
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness).await;

    let mut events = thread.turn("Stall, please.").send().await.expect("turn/start").events();
    let first = within("the first event", events.next()).await.expect("an event").expect("no error");
    assert!(matches!(first, TurnEvent::Other(ServerNotification::TurnStarted(_))), "{first:?}");
    assert!(gate.reached(Duration::from_secs(30)).await, "the model call started");
    events.interrupt().await.expect("turn/interrupt");
    let result = within("the interrupted turn", events.wait()).await.expect("the result");
    assert_eq!(result.status, TurnStatus::Interrupted);

    let mut text = thread.turn("Stall again.").send().await.expect("turn/start").text_stream();
    assert!(second_gate.reached(Duration::from_secs(30)).await, "the model call started");
    text.interrupt().await.expect("turn/interrupt");
    let pieces: Vec<_> = within("the text stream", async {
        let mut pieces = Vec::new();
        while let Some(piece) = text.next().await {
            pieces.push(piece.expect("no error"));
        }
        pieces
    })
    .await;
    assert!(pieces.is_empty(), "{pieces:?}");
    assert_eq!(text.result().expect("the result").status, TurnStatus::Interrupted);
    close_and_check(codex.client().clone()).await;
}

#[test]
fn blocking_text_stream_is_an_iterator_of_pieces() {
    let (harness, runtime) = {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        (runtime.block_on(Harness::start()), runtime)
    };
    let answer = "Blocking pieces add up too.";
    harness.mock.push(Answer::text(answer));
    harness.mock.push(Answer::text("Typed events too."));
    let client = runtime.block_on(harness.client_builder().spawn()).expect("the runtime starts");
    let codex = openai_codex::blocking::Codex::from_async(Codex::from_client(client), runtime);
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .cwd(harness.cwd())
        .send()
        .expect("thread/start");

    let mut text = thread.turn("Say it.").send().expect("turn/start").text_stream();
    let pieces: Vec<String> = text.by_ref().collect::<Result<_, _>>().expect("no stream error");
    assert!(pieces.len() > 1, "{pieces:?}");
    assert_eq!(pieces.concat(), answer);
    assert_eq!(text.result().expect("the result").final_response.as_deref(), Some(answer));

    let events: Vec<TurnEvent> =
        thread.turn("Again.").send().expect("turn/start").events().collect::<Result<_, _>>().expect("no error");
    assert!(matches!(events.last(), Some(TurnEvent::Completed(result)) if result.final_response.as_deref() == Some("Typed events too.")));
    assert!(events.iter().any(|event| matches!(event, TurnEvent::ItemStarted(ThreadItem::AgentMessage { .. }))));
    codex.close();
}

// --- A stream that falls behind, against a fake runtime ---------------------

const BOUND: Duration = Duration::from_secs(20);

fn turn_script(events: Vec<Value>) -> Script {
    Arc::new(move |frame: &Value| match frame["method"].as_str() {
        Some("turn/start") => {
            let mut lines = vec![
                json!({"id": frame["id"], "result": {"turn": turn("inProgress", json!([]))}}),
                json!({"method": "turn/started", "params": {"threadId": THREAD_ID, "turn": turn("inProgress", json!([]))}}),
            ];
            lines.extend(events.iter().cloned());
            Some(lines)
        }
        _ => None,
    })
}

/// 500 deltas into an 8-event buffer nobody reads: the lag is reported, the
/// stream goes on to the end, and the result holds the whole text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_text_stream_reports_the_lag_and_still_ends_with_the_result() {
    const DELTAS: usize = 500;
    let pieces: Vec<String> = (0..DELTAS).map(|i| format!("{i} ")).collect();
    let full = pieces.concat();
    let mut events: Vec<Value> = pieces
        .iter()
        .map(|delta| {
            json!({"method": "item/agentMessage/delta", "params": {
                "threadId": THREAD_ID, "turnId": TURN_ID, "itemId": "msg-1", "delta": delta
            }})
        })
        .collect();
    let message = agent_message("msg-1", &full);
    events.push(json!({"method": "item/completed", "params": {"threadId": THREAD_ID, "turnId": TURN_ID, "completedAtMs": 1, "item": message}}));
    events.push(json!({"method": "turn/completed", "params": {"threadId": THREAD_ID, "turn": turn("completed", json!([message]))}}));
    let (codex, _recorder) = connect_scripted(Some(turn_script(events)), |builder| builder.event_buffer(8)).await;
    let thread = codex.thread_start().send().await.unwrap();

    let mut text = thread.turn("Stream a lot.").send().await.unwrap().text_stream();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut lagged = 0;
    let mut received = String::new();
    tokio::time::timeout(BOUND, async {
        while let Some(piece) = text.next().await {
            match piece {
                Ok(piece) => received.push_str(&piece),
                Err(Error::Lagged { missed }) => lagged += missed,
                Err(other) => panic!("{other}"),
            }
        }
    })
    .await
    .expect("the lagging stream ends");
    assert!(lagged > 0, "the buffer overflowed and the stream said so");
    assert!(full.ends_with(&received[received.len().saturating_sub(4)..]), "the last pieces arrived: {received}");
    assert_eq!(text.result().expect("the turn's end still came").final_response.as_deref(), Some(full.as_str()));
}
