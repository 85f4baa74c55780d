//! A turn always ends, against the real runtime: with the model endpoint
//! unreachable the runtime reconnects forever (it never ends the turn by
//! itself), so the SDK's turn policy interrupts it and returns a clear error;
//! and a turn whose events overflow a small buffer still ends.

use std::time::{Duration, Instant};

use futures::StreamExt;
use openai_codex::types::TurnStatus;
use openai_codex::{Codex, Error, Sandbox, StallReason, TurnPolicy};
use openai_codex_tests::codex_home::CodexHome;
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::{Answer, MockModel};
use openai_codex_tests::scenario::within;

/// A loopback URL where nothing listens.
async fn closed_port_url() -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/v1")
}

/// A harness whose model provider points at a closed port.
async fn unreachable_model() -> Harness {
    let home = CodexHome::builder(&closed_port_url().await).build().unwrap();
    let cwd = tempfile::Builder::new().prefix("codex-cwd-").tempdir().unwrap();
    // The mock is not the provider; it only satisfies the harness.
    Harness { mock: MockModel::start().await.unwrap(), home, cwd }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_model_ends_the_turn_with_the_runtimes_last_message() {
    let harness = unreachable_model().await;
    let client = harness.client_builder().spawn().await.unwrap();
    let limit = Duration::from_secs(3);
    let codex = Codex::from_client(client).with_turn_policy(TurnPolicy::default().with_reconnect_limit(limit));
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).cwd(harness.cwd()).send().await.unwrap();

    let started = Instant::now();
    let error = within("the unreachable turn", thread.run("Anyone there?")).await.expect_err("the turn cannot succeed");
    let elapsed = started.elapsed();
    eprintln!("stopped after {elapsed:?}: {error}");
    let Error::TurnStalled { reason, last_message, partial } = &error else {
        panic!("expected Error::TurnStalled, got {error:?}")
    };
    assert_eq!(*reason, StallReason::Reconnecting(limit));
    let last_message = last_message.as_deref().unwrap_or_default();
    assert!(last_message.contains("Reconnecting"), "{last_message}");
    assert!(!partial.errors.is_empty() && partial.errors.iter().all(|error| error.will_retry), "{:?}", partial.errors);
    assert!(error.to_string().contains("Reconnecting"), "{error}");
    // The runtime retries at about 0.1 s and 5 s: the limit ends it after
    // the second attempt at the latest (a generous bound, not a timing test).
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    assert_eq!(partial.status, TurnStatus::Interrupted, "the runtime confirmed the SDK's interrupt");

    let read = thread.read(true).await.unwrap();
    let turn = read.turns.iter().find(|turn| turn.id == partial.id).expect("the turn is in the thread");
    assert_eq!(turn.status, TurnStatus::Interrupted, "the runtime no longer runs it");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_whose_events_overflow_a_small_buffer_still_ends() {
    let harness = Harness::start().await;
    let text: String = (0..400).map(|i| format!("word{i} ")).collect::<String>().trim_end().to_owned();
    harness.mock.push(Answer::text(&text));
    let client = harness.client_builder().event_buffer(16).spawn().await.unwrap();
    let codex = Codex::from_client(client);
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).cwd(harness.cwd()).send().await.unwrap();

    let mut handle = thread.turn("Say many words.").send().await.unwrap();
    // Read nothing until the model has answered and the events piled up.
    harness.mock.wait_for_requests(1, Duration::from_secs(30)).await.expect("the model was called");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut missed = 0;
    within("the lagging turn", async {
        while let Some(event) = handle.next().await {
            match event {
                Err(Error::Lagged { missed: count }) => missed += count,
                Err(other) => panic!("{other}"),
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(missed > 0, "the 16-event buffer overflowed");
    let result = handle.wait().await.expect("the turn's end was not lost");
    assert_eq!(result.status, TurnStatus::Completed);
    assert_eq!(result.final_response.as_deref(), Some(text.as_str()), "the completed item is kept or in the turn");
    close_and_check(codex.client().clone()).await;
}
