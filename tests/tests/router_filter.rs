//! The notification router's filters over a fake transport: a subscriber to
//! one thread gets exactly that thread's events (its turns' included), one
//! to a turn exactly that turn's, and one to everything all of them, each in
//! order. The fake sends a fixed mix and then closes the connection, so
//! every stream ends and what it got can be compared whole: an event that
//! reached the wrong subscriber, or missed the right one, shows.

use std::time::Duration;

use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::{Client, NotificationStream};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// The mix: two threads, three turns, and an event of no thread.
fn events() -> Vec<Value> {
    let name = |thread: &str, name: &str| json!({"method": "thread/name/updated", "params": {"threadId": thread, "threadName": name}});
    let diff = |thread: &str, turn: &str, diff: &str| {
        json!({"method": "turn/diff/updated", "params": {"threadId": thread, "turnId": turn, "diff": diff}})
    };
    vec![
        name("thread-a", "a1"),
        diff("thread-a", "turn-x", "ax1"),
        diff("thread-b", "turn-z", "bz1"),
        json!({"method": "account/updated", "params": {"authMode": null, "planType": null}}),
        diff("thread-a", "turn-y", "ay1"),
        name("thread-b", "b1"),
        diff("thread-a", "turn-x", "ax2"),
    ]
}

/// A short label for an event, to compare streams whole.
fn label(notification: &ServerNotification) -> String {
    match notification {
        ServerNotification::ThreadNameUpdated(update) => update.thread_name.clone().unwrap_or_default(),
        ServerNotification::TurnDiffUpdated(update) => update.diff.clone(),
        ServerNotification::AccountUpdated(_) => "account".to_owned(),
        other => panic!("the fake sent no {other:?}"),
    }
}

/// A fake that answers `initialize`, sends the mix when told (`test/emit`)
/// and then closes its side.
async fn connect() -> Client {
    let (client_side, server_side) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let (read, mut write) = tokio::io::split(server_side);
        let mut lines = BufReader::new(read).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let frame: Value = serde_json::from_str(&line).unwrap();
            let replies = match frame["method"].as_str() {
                Some("initialize") => vec![json!({"id": frame["id"], "result": {
                    "codexHome": "/nowhere", "platformFamily": "unix", "platformOs": "linux", "userAgent": "fake/1.0"
                }})],
                Some("test/emit") => events(),
                _ => vec![],
            };
            for reply in replies {
                write.write_all(format!("{reply}\n").as_bytes()).await.unwrap();
            }
            if frame["method"] == "test/emit" {
                write.shutdown().await.unwrap();
                return; // dropping both halves closes the connection
            }
        }
    });
    let (read, write) = tokio::io::split(client_side);
    Client::builder().connect_io(read, write).await.expect("initialize works")
}

/// Everything a stream yields until the connection's end ends it.
async fn collect(mut stream: NotificationStream) -> Vec<String> {
    let mut labels = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(event) = stream.next().await {
            match event {
                Ok(notification) => labels.push(label(&notification)),
                Err(error) if error.is_process_exited() => break,
                Err(error) => panic!("unexpected {error}"),
            }
        }
    })
    .await
    .expect("the stream ends when the connection closes");
    labels
}

#[tokio::test]
async fn each_subscriber_gets_exactly_the_events_of_its_thread_or_turn_in_order() {
    let client = connect().await;
    let all = client.notifications();
    let thread_a = client.thread_notifications("thread-a");
    let thread_b = client.thread_notifications("thread-b");
    let thread_none = client.thread_notifications("thread-none");
    let turn_x = client.turn_notifications("turn-x");
    let turn_y = client.turn_notifications("turn-y");
    let turn_z = client.turn_notifications("turn-z");
    let turn_none = client.turn_notifications("turn-none");
    client.notify_raw("test/emit", json!({})).await.unwrap();

    assert_eq!(collect(all).await, ["a1", "ax1", "bz1", "account", "ay1", "b1", "ax2"]);
    assert_eq!(collect(thread_a).await, ["a1", "ax1", "ay1", "ax2"], "thread-a: its own events and its turns'");
    assert_eq!(collect(thread_b).await, ["bz1", "b1"]);
    assert_eq!(collect(thread_none).await, Vec::<String>::new(), "an unknown thread gets nothing");
    assert_eq!(collect(turn_x).await, ["ax1", "ax2"], "turn-x: only its own events");
    assert_eq!(collect(turn_y).await, ["ay1"]);
    assert_eq!(collect(turn_z).await, ["bz1"]);
    assert_eq!(collect(turn_none).await, Vec::<String>::new(), "an unknown turn gets nothing");
}
