//! The JSON-RPC engine over a scripted fake app-server (an in-memory pipe):
//! error codes and data kept, overload recognised, timeouts, secrets
//! redacted from decode errors, and back-pressure per subscriber.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::types::ThreadStartParams;
use openai_codex::{Client, Error};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// What the fake answers to one incoming frame: lines to write back.
type Script = Arc<dyn Fn(&Value) -> Vec<Value> + Send + Sync>;

/// Starts a fake app-server that answers `initialize` and then follows `script`.
async fn connect(script: Script, configure: impl FnOnce(openai_codex::ClientBuilder) -> openai_codex::ClientBuilder) -> Client {
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let (read, mut write) = tokio::io::split(server_side);
        let mut lines = BufReader::new(read).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let frame: Value = serde_json::from_str(&line).unwrap();
            let replies = if frame["method"] == "initialize" {
                vec![json!({"id": frame["id"], "result": {
                    "codexHome": "/nowhere", "platformFamily": "unix", "platformOs": "linux", "userAgent": "fake/1.0"
                }})]
            } else {
                script(&frame)
            };
            for reply in replies {
                let mut text = reply.to_string();
                text.push('\n');
                if write.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
            }
        }
    });
    let (read, write) = tokio::io::split(client_side);
    configure(Client::builder()).connect_io(read, write).await.expect("initialize works")
}

#[tokio::test]
async fn a_json_rpc_error_keeps_code_message_and_data_and_overload_is_recognised() {
    let script: Script = Arc::new(|frame| match frame["method"].as_str() {
        Some("thread/list") => vec![json!({"id": frame["id"], "error": {
            "code": -32001, "message": "Server overloaded; retry later", "data": {"retryAfterMs": 50}
        }})],
        Some(_) => vec![json!({"id": frame["id"], "error": {"code": -32602, "message": "bad params"}})],
        None => vec![],
    });
    let client = connect(script, |builder| builder).await;

    let error = client.request_raw("thread/list", json!({})).await.unwrap_err();
    match &error {
        Error::JsonRpc { method, code, message, data } => {
            assert_eq!(method, "thread/list");
            assert_eq!(*code, -32001);
            assert_eq!(message, "Server overloaded; retry later");
            assert_eq!(data.as_ref().unwrap()["retryAfterMs"], 50);
        }
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }
    assert!(error.is_overloaded());
    assert_eq!(error.code(), Some(-32001));

    let other = client.thread_start(ThreadStartParams::default()).await.unwrap_err();
    assert_eq!(other.code(), Some(-32602));
    assert!(!other.is_overloaded());
}

#[tokio::test]
async fn a_request_without_an_answer_times_out_and_the_client_still_works() {
    let script: Script = Arc::new(|frame| match frame["method"].as_str() {
        Some("thread/list") => vec![], // never answered
        _ => vec![json!({"id": frame["id"], "result": {"data": [], "nextCursor": null}})],
    });
    let client = connect(script, |builder| builder.request_timeout(Duration::from_millis(200))).await;
    let error = client.request_raw("thread/list", json!({})).await.unwrap_err();
    assert!(matches!(error, Error::Timeout { ref method, .. } if method == "thread/list"), "{error:?}");
    let answer = client.request_raw("thread/loaded/list", json!({})).await.unwrap();
    assert_eq!(answer["data"], json!([]));
}

#[tokio::test]
async fn a_decode_error_keeps_the_method_and_raw_message_with_secrets_redacted() {
    let script: Script = Arc::new(|frame| {
        vec![json!({"id": frame["id"], "result": {"thread": 42, "accessToken": "sk-very-secret", "tokenUsage": {"total": 7}}})]
    });
    let client = connect(script, |builder| builder).await;
    let error = client.thread_start(ThreadStartParams::default()).await.unwrap_err();
    let Error::Decode { what, raw, .. } = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(what.contains("thread/start"), "{what}");
    assert!(raw.as_str().contains("<redacted>"), "{raw}");
    assert!(raw.as_str().contains("\"total\":7"), "non-secret data is kept: {raw}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("sk-very-secret"), "the secret leaked: {shown}");
}

#[tokio::test]
async fn a_slow_subscriber_does_not_stall_the_others_and_learns_it_lagged() {
    // 200 events: the first 15 and the last about thread "t", the rest about
    // "other". The fast reader subscribes to "t" only, so its 16 always fit
    // its buffer of 16: it must get every one of them, in order, with no gap;
    // its last one also shows that all 200 were published. The slow reader
    // takes everything and never reads until then: its buffer fills and it
    // must learn exactly how many it missed.
    const EVENTS: usize = 200;
    const BUFFER: usize = 16;
    let fast_gets = |i: usize| i < BUFFER - 1 || i == EVENTS - 1;
    let script: Script = Arc::new(move |frame| {
        if frame["method"] != "test/burst" {
            return vec![];
        }
        (0..EVENTS)
            .map(|i| {
                let thread = if fast_gets(i) { "t" } else { "other" };
                json!({"method": "thread/name/updated", "params": {"threadId": thread, "threadName": format!("name {i}")}})
            })
            .collect()
    });
    let client = connect(script, |builder| builder.event_buffer(BUFFER)).await;
    let mut slow = client.notifications(); // never read until the end
    let mut fast = client.thread_notifications("t");
    client.notify_raw("test/burst", json!({})).await.unwrap();

    let mut names = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        while names.len() < BUFFER {
            match fast.next().await.unwrap() {
                Ok(ServerNotification::ThreadNameUpdated(update)) => names.push(update.thread_name.unwrap()),
                Ok(other) => panic!("unexpected {other:?}"),
                Err(other) => panic!("the fast subscriber lost events: {other}"),
            }
        }
    })
    .await
    .expect("the fast subscriber is never stalled by the slow one");
    let expected: Vec<String> = (0..EVENTS).filter(|i| fast_gets(*i)).map(|i| format!("name {i}")).collect();
    assert_eq!(names, expected, "every event of the fast subscriber, in order");

    // The slow reader finds its buffer (the first 16, in order), then a
    // Lagged error counting exactly the rest.
    let mut buffered = Vec::new();
    let missed = loop {
        match slow.next().await.unwrap() {
            Ok(ServerNotification::ThreadNameUpdated(update)) => buffered.push(update.thread_name.unwrap()),
            Ok(other) => panic!("unexpected {other:?}"),
            Err(Error::Lagged { missed }) => break missed,
            Err(other) => panic!("{other}"),
        }
    };
    assert_eq!(buffered, (0..BUFFER).map(|i| format!("name {i}")).collect::<Vec<_>>());
    assert_eq!(missed as usize, EVENTS - BUFFER, "every dropped event is counted");
}
