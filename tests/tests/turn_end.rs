//! A turn always ends, proven against a fake runtime (in-memory pipe): its
//! end survives a full event buffer, an end that does not decode is an
//! error, and a turn that never ends (the runtime keeps reconnecting, or
//! just goes quiet) is interrupted under the turn policy and ends with an
//! error carrying the runtime's last message and the partial result.

mod fake_app_server;

use std::sync::Arc;
use std::time::Duration;

use fake_app_server::{agent_message, connect_scripted, turn, Script, THREAD_ID, TURN_ID};
use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::types::{ThreadItem, TurnStatus};
use openai_codex::{Codex, Error, StallReason, TurnPolicy};
use serde_json::{json, Value};

/// Every test's bound: a hang fails instead of stalling the suite.
const BOUND: Duration = Duration::from_secs(20);

async fn bounded<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, future).await.unwrap_or_else(|_| panic!("{what} did not finish within {BOUND:?}"))
}

/// A script that answers `turn/start` with `events` after the response (and
/// `turn/interrupt` with `on_interrupt` after its response, if given).
fn turn_script(events: Vec<Value>, on_interrupt: Option<Vec<Value>>) -> Script {
    Arc::new(move |frame: &Value| match frame["method"].as_str() {
        Some("turn/start") => {
            let mut lines = vec![
                json!({"id": frame["id"], "result": {"turn": turn("inProgress", json!([]))}}),
                json!({"method": "turn/started", "params": {"threadId": THREAD_ID, "turn": turn("inProgress", json!([]))}}),
            ];
            lines.extend(events.iter().cloned());
            Some(lines)
        }
        Some("turn/interrupt") => {
            let mut lines = vec![json!({"id": frame["id"], "result": {}})];
            lines.extend(on_interrupt.iter().flatten().cloned());
            Some(lines)
        }
        _ => None,
    })
}

fn item_completed(item: Value) -> Value {
    json!({"method": "item/completed", "params": {"threadId": THREAD_ID, "turnId": TURN_ID, "completedAtMs": 1, "item": item}})
}

fn turn_completed(status: &str, items: Value) -> Value {
    json!({"method": "turn/completed", "params": {"threadId": THREAD_ID, "turn": turn(status, items)}})
}

fn reconnecting(attempt: u32) -> Value {
    json!({"method": "error", "params": {
        "threadId": THREAD_ID, "turnId": TURN_ID, "willRetry": true,
        "error": {
            "message": format!("Reconnecting... {attempt}/5"),
            "codexErrorInfo": {"responseStreamDisconnected": {"httpStatusCode": null}},
            "additionalDetails": "Connection failed: connection refused"
        }
    }})
}

async fn fake(events: Vec<Value>, on_interrupt: Option<Vec<Value>>, buffer: usize) -> (Codex, fake_app_server::Recorder) {
    connect_scripted(Some(turn_script(events, on_interrupt)), |builder| builder.event_buffer(buffer)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_end_of_a_turn_survives_a_full_event_buffer() {
    const DELTAS: usize = 500;
    let mut events: Vec<Value> = (0..DELTAS)
        .map(|i| {
            json!({"method": "item/agentMessage/delta", "params": {
                "threadId": THREAD_ID, "turnId": TURN_ID, "itemId": "msg-1", "delta": format!("{i} ")
            }})
        })
        .collect();
    let message = agent_message("msg-1", "all deltas");
    events.push(item_completed(message.clone()));
    events.push(turn_completed("completed", json!([message])));
    let (codex, _recorder) = fake(events, None, 8).await;
    let thread = codex.thread_start().send().await.unwrap();

    let mut handle = thread.turn("Stream a lot.").send().await.unwrap();
    // Nobody reads while the whole turn arrives: the 8-event buffer overflows.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut lagged = 0;
    let mut last = None;
    bounded("the lagging stream", async {
        while let Some(event) = handle.next().await {
            match event {
                Err(Error::Lagged { missed }) => lagged += missed,
                Err(other) => panic!("{other}"),
                Ok(event) => last = Some(event.method().to_owned()),
            }
        }
    })
    .await;
    assert!(lagged > 0, "the buffer overflowed");
    assert_eq!(last.as_deref(), Some("turn/completed"), "the end came after the gap");
    let result = handle.wait().await.expect("the collected result");
    assert_eq!(result.status, TurnStatus::Completed);

    // `run` (no reading at all until the end) returns too.
    let result = bounded("run with a full buffer", async {
        let handle = thread.turn("Again.").send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        handle.wait().await
    })
    .await
    .expect("the turn completes");
    assert_eq!(result.status, TurnStatus::Completed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_end_that_does_not_decode_ends_the_turn_with_an_error() {
    let message = agent_message("msg-1", "partial answer");
    let undecodable = json!({"method": "turn/completed", "params": {
        "threadId": THREAD_ID,
        "turn": {"id": TURN_ID, "status": 42, "items": "not a list", "apiKey": "sk-secret"}
    }});
    let (codex, _recorder) = fake(vec![item_completed(message), undecodable], None, 64).await;
    let thread = codex.thread_start().send().await.unwrap();

    let error = bounded("the turn", thread.run("Hi.")).await.expect_err("an undecodable end is an error");
    let Error::TurnEndUndecodable { raw, partial, .. } = &error else {
        panic!("expected Error::TurnEndUndecodable, got {error:?}")
    };
    assert!(raw.as_str().contains("42"), "{raw}");
    assert!(!format!("{error} {error:?}").contains("sk-secret"), "secrets are redacted: {error}");
    assert_eq!(partial.id, TURN_ID);
    assert_eq!(partial.final_response.as_deref(), Some("partial answer"), "{partial:?}");
    assert!(error.to_string().contains("did not decode"), "{error}");
    assert!(error.turn_result().is_some());

    // As a stream: the raw event, then the error, then the end.
    let mut handle = thread.turn("Hi again.").send().await.unwrap();
    let events = bounded("the stream", async {
        let mut events = Vec::new();
        while let Some(event) = handle.next().await {
            events.push(event);
        }
        events
    })
    .await;
    let n = events.len();
    assert!(matches!(&events[n - 2], Ok(ServerNotification::Unknown { method, .. }) if method == "turn/completed"));
    assert!(matches!(&events[n - 1], Err(Error::TurnEndUndecodable { .. })), "{:?}", events[n - 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runtime_that_keeps_reconnecting_is_interrupted_and_the_error_says_why() {
    let interrupted = turn_completed("interrupted", json!([]));
    let (codex, recorder) = fake(vec![reconnecting(1), reconnecting(2)], Some(vec![interrupted]), 64).await;
    let policy = TurnPolicy::default().with_reconnect_limit(Duration::from_millis(300));
    let codex = codex.with_turn_policy(policy);
    let thread = codex.thread_start().send().await.unwrap();

    let mut handle = thread.turn("Hello?").send().await.unwrap();
    let mut seen_errors = Vec::new();
    let ending = bounded("the reconnecting turn", async {
        loop {
            match handle.next().await.expect("the stream ends with an error") {
                Ok(ServerNotification::Error(error)) => seen_errors.push(error),
                Ok(_) => {}
                Err(error) => break error,
            }
        }
    })
    .await;
    assert_eq!(seen_errors.len(), 2, "the runtime's errors are typed events of the turn");
    assert!(seen_errors.iter().all(|error| error.will_retry));
    assert_eq!(handle.errors().len(), 2, "the handle keeps them too");
    let Error::TurnStalled { reason, last_message, partial } = &ending else {
        panic!("expected Error::TurnStalled, got {ending:?}")
    };
    assert_eq!(*reason, StallReason::Reconnecting(Duration::from_millis(300)));
    let last_message = last_message.as_deref().unwrap_or_default();
    assert!(last_message.contains("Reconnecting... 2/5"), "{last_message}");
    assert!(last_message.contains("connection refused"), "{last_message}");
    assert_eq!(partial.status, TurnStatus::Interrupted, "the runtime confirmed the interrupt");
    assert_eq!(partial.errors.len(), 2, "{partial:?}");
    assert!(recorder.methods().contains(&"turn/interrupt".to_owned()), "{:?}", recorder.methods());
    assert_eq!(recorder.last_params("turn/interrupt"), json!({"threadId": THREAD_ID, "turnId": TURN_ID}));
    assert!(ending.to_string().contains("reconnecting"), "{ending}");
    assert!(handle.next().await.is_none(), "the stream ends after the error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_past_its_timeout_ends_even_if_the_runtime_ignores_the_interrupt() {
    let message = agent_message("msg-1", "half done");
    let (codex, recorder) = fake(vec![item_completed(message)], None, 64).await;
    let codex = codex.with_turn_policy(TurnPolicy::default().with_interrupt_grace(Duration::from_millis(300)));
    let thread = codex.thread_start().send().await.unwrap();

    // The per-turn setting overrides the client's one-hour default.
    let handle = thread.turn("Take forever.").timeout(Duration::from_millis(300)).send().await.unwrap();
    assert_eq!(handle.policy().timeout, Some(Duration::from_millis(300)));
    let error = bounded("the silent turn", handle.wait()).await.expect_err("a timed-out turn is an error");
    let Error::TurnStalled { reason, last_message, partial } = &error else {
        panic!("expected Error::TurnStalled, got {error:?}")
    };
    assert_eq!(*reason, StallReason::Timeout(Duration::from_millis(300)));
    assert_eq!(*last_message, None);
    assert_eq!(partial.status, TurnStatus::InProgress, "the runtime never confirmed the end");
    assert!(
        matches!(partial.items.as_slice(), [ThreadItem::AgentMessage { text, .. }] if text == "half done"),
        "{:?}",
        partial.items
    );
    assert!(recorder.methods().contains(&"turn/interrupt".to_owned()), "{:?}", recorder.methods());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_policy_is_bounded_and_can_be_lifted() {
    let policy = TurnPolicy::default();
    assert_eq!(policy.timeout, Some(openai_codex::DEFAULT_TURN_TIMEOUT));
    assert_eq!(policy.reconnect_limit, Some(openai_codex::DEFAULT_RECONNECT_LIMIT));
    assert_eq!(openai_codex::DEFAULT_TURN_TIMEOUT, Duration::from_secs(3600));
    assert_eq!(openai_codex::DEFAULT_RECONNECT_LIMIT, Duration::from_secs(120));

    let (codex, _recorder) = fake(vec![turn_completed("completed", json!([]))], None, 64).await;
    assert_eq!(codex.turn_policy(), policy, "a client gets the default");
    let thread = codex.thread_start().send().await.unwrap();
    let handle = thread.turn("x").timeout(None).reconnect_limit(None).send().await.unwrap();
    assert_eq!(handle.policy().timeout, None);
    assert_eq!(handle.policy().reconnect_limit, None);
    bounded("the turn", handle.wait()).await.expect("completes");
}

/// `interrupt` right after `turn/start` may reach the runtime before the turn
/// is active; the runtime refuses with -32600 "no active turn to interrupt"
/// and the SDK retries. Another -32600 refusal ("thread not found") is
/// returned at once: the code and the message are both matched.
#[tokio::test]
async fn interrupt_retries_only_the_not_active_yet_refusal() {
    use std::sync::atomic::{AtomicU32, Ordering};

    for (message, refusals, expect_ok) in
        [("no active turn to interrupt", 2, true), ("thread not found: thread-1", 1, false)]
    {
        let refused = Arc::new(AtomicU32::new(0));
        let counter = refused.clone();
        let script: Script = Arc::new(move |frame: &Value| match frame["method"].as_str() {
            Some("turn/start") => Some(vec![json!({"id": frame["id"], "result": {"turn": turn("inProgress", json!([]))}})]),
            Some("turn/interrupt") if counter.fetch_add(1, Ordering::SeqCst) < refusals => {
                Some(vec![json!({"id": frame["id"], "error": {"code": -32600, "message": message}})])
            }
            Some("turn/interrupt") => Some(vec![json!({"id": frame["id"], "result": {}})]),
            _ => None,
        });
        let (codex, recorder) = connect_scripted(Some(script), |builder| builder).await;
        let thread = codex.thread_start().send().await.unwrap();
        let handle = thread.turn("Stop at once.").send().await.unwrap();
        let outcome = bounded("interrupt", handle.interrupt()).await;
        let interrupts = recorder.methods().iter().filter(|method| *method == "turn/interrupt").count();
        if expect_ok {
            outcome.expect("the interrupt lands once the turn is active");
            assert_eq!(interrupts, 3, "two refusals, then the interrupt that lands");
        } else {
            let error = outcome.expect_err("another refusal is returned");
            assert_eq!(error.code(), Some(-32600));
            assert_eq!(interrupts, 1, "not retried");
        }
    }
}
