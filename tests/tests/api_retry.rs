//! `retry_on_overload` and `RetryPolicy`: only overloaded errors are
//! retried, attempts are bounded, the waits back off; and end to end, a turn
//! the mock model answers with 429 is retried while a 500 is not.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use openai_codex::types::CodexErrorInfo;
use openai_codex::{retry_on_overload, Codex, Error, RetryPolicy};
use openai_codex_tests::harness::Harness;
use openai_codex_tests::mock_model::Answer;

fn overloaded() -> Error {
    Error::JsonRpc {
        method: "thread/start".into(),
        code: -32001,
        message: "Server overloaded; retry later.".into(),
        data: None,
    }
}

fn invalid_params() -> Error {
    Error::JsonRpc { method: "thread/start".into(), code: -32602, message: "invalid params".into(), data: None }
}

/// A fast policy so the tests do not sleep long.
fn fast(max_attempts: u32) -> RetryPolicy {
    RetryPolicy { max_attempts, initial_delay: Duration::from_millis(2), max_delay: Duration::from_millis(20) }
}

#[tokio::test]
async fn overloaded_errors_are_retried_until_success() {
    let calls = AtomicU32::new(0);
    let value = retry_on_overload(|| async {
        let call = calls.fetch_add(1, Ordering::SeqCst) + 1;
        if call < 3 {
            Err(overloaded())
        } else {
            Ok(call)
        }
    })
    .await
    .expect("the third call succeeds");
    assert_eq!(value, 3);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn other_errors_are_returned_at_once() {
    let calls = AtomicU32::new(0);
    let error = retry_on_overload(|| async {
        calls.fetch_add(1, Ordering::SeqCst);
        Err::<(), _>(invalid_params())
    })
    .await
    .unwrap_err();
    assert_eq!(error.code(), Some(-32602));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // No backoff before giving up, shown without a stopwatch: with hour-long
    // waits, a single backoff would hang past this (generous) bound.
    let slow = RetryPolicy { max_attempts: 5, initial_delay: Duration::from_secs(3600), max_delay: Duration::from_secs(3600) };
    let calls = AtomicU32::new(0);
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        slow.retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(invalid_params())
        }),
    )
    .await
    .expect("a non-overload error is returned without waiting");
    assert_eq!(outcome.unwrap_err().code(), Some(-32602));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// The code decides, not the words: the runtime marks overload with -32001
/// only, so another error that mentions "overloaded" is returned at once.
#[tokio::test]
async fn the_code_not_the_message_marks_an_overload() {
    assert!(!mentions_overloaded().is_overloaded());
    let calls = AtomicU32::new(0);
    let error = fast(4)
        .retry(|| {
            calls.fetch_add(1, Ordering::SeqCst);
            let error = mentions_overloaded();
            async move { Err::<(), _>(error) }
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(-32603));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let coded = Error::JsonRpc { method: "x".into(), code: -32001, message: String::new(), data: None };
    assert!(coded.is_overloaded());
}

fn mentions_overloaded() -> Error {
    Error::JsonRpc { method: "thread/start".into(), code: -32603, message: "overloaded".into(), data: None }
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_error_is_returned() {
    let calls = AtomicU32::new(0);
    let error = fast(4)
        .retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(overloaded())
        })
        .await
        .unwrap_err();
    assert!(error.is_overloaded());
    assert_eq!(calls.load(Ordering::SeqCst), 4);

    // Zero attempts still calls once.
    let calls = AtomicU32::new(0);
    let _ = fast(0)
        .retry(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(overloaded())
        })
        .await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_waits_back_off_within_bounds() {
    // Eleven waits of 40 ms doubling, capped at 80 ms: 40 + 10 × 80 = 840 ms
    // at most, at least half that with the jitter in [half, all]. Without
    // the cap they would add up to 40 × (2^11 − 1) ms, over 80 s, so the
    // upper bound can be generous (a loaded machine cannot reach it) and
    // still catch a missing cap.
    let policy = RetryPolicy { max_attempts: 12, initial_delay: Duration::from_millis(40), max_delay: Duration::from_millis(80) };
    let started = Instant::now();
    let _ = policy.retry(|| async { Err::<(), _>(overloaded()) }).await;
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(420), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    assert_eq!(RetryPolicy::default().max_attempts, 5);
}

#[test]
fn the_blocking_form_retries_synchronous_closures() {
    let mut calls = 0;
    let value = openai_codex::blocking::retry_on_overload(|| {
        calls += 1;
        if calls < 2 {
            Err(overloaded())
        } else {
            Ok("done")
        }
    })
    .unwrap();
    assert_eq!((value, calls), ("done", 2));

    let mut calls = 0;
    let error = fast(3)
        .retry_blocking(|| {
            calls += 1;
            Err::<(), _>(invalid_params())
        })
        .unwrap_err();
    assert_eq!((error.code(), calls), (Some(-32602), 1));

    let mut calls = 0;
    let _ = fast(3).retry_blocking(|| {
        calls += 1;
        Err::<(), _>(overloaded())
    });
    assert_eq!(calls, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_turn_is_retried_and_a_server_error_is_not() {
    let harness = Harness::start().await;
    let codex = Codex::from_client(harness.client_builder().spawn().await.expect("the runtime starts"));
    let thread = codex.thread_start().send().await.expect("thread/start");

    // 429: the turn fails as overloaded; the retry's turn gets the answer.
    harness.mock.push(Answer::rate_limited());
    harness.mock.push(Answer::text("after the rate limit"));
    let attempts = AtomicU32::new(0);
    let errors = std::sync::Mutex::new(Vec::new());
    let result = fast(3)
        .retry(|| async {
            attempts.fetch_add(1, Ordering::SeqCst);
            let result = thread.run("hello").await;
            if let Err(error) = &result {
                errors.lock().unwrap().push((matches!(error, Error::TurnFailed(_)), format!("{error:?}")));
            }
            result
        })
        .await
        .unwrap_or_else(|error| panic!("the retry succeeds, got {error:?}; errors: {:?}", errors.lock().unwrap()));
    assert_eq!(result.final_response.as_deref(), Some("after the rate limit"));
    assert_eq!(attempts.load(Ordering::SeqCst), 2, "{:?}", errors.lock().unwrap());
    let (turn_failed, first) = errors.lock().unwrap().remove(0);
    assert!(turn_failed && first.contains("429"), "{first}");

    // 500: the turn fails, not as overloaded, and is not retried.
    harness.mock.push(Answer::server_error());
    harness.mock.push(Answer::text("never asked for"));
    let attempts = AtomicU32::new(0);
    let error = fast(3)
        .retry(|| async {
            attempts.fetch_add(1, Ordering::SeqCst);
            thread.run("hello again").await
        })
        .await
        .unwrap_err();
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    let Error::TurnFailed(result) = &error else { panic!("expected a failed turn, got {error:?}") };
    assert!(!error.is_overloaded(), "{error:?}");
    let info = result.error.as_ref().and_then(|error| error.codex_error_info.clone());
    assert!(!matches!(info, Some(CodexErrorInfo::ServerOverloaded)), "{info:?}");
    assert_eq!(harness.mock.pending(), 1, "the answer for a retry was not used");

    codex.close().await;
}
