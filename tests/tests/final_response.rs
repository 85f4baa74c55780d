//! `TurnResult::final_response` over a fake runtime whose turns carry several
//! agent messages: each rule of the official choice (the last final-answer
//! message, else the last one without a phase; commentary and partial answers
//! never count), whether the items arrive as `item/completed` events or only
//! inside `turn/completed`.

mod fake_app_server;

use std::sync::Arc;
use std::time::Duration;

use fake_app_server::{connect_scripted, turn, Script, THREAD_ID, TURN_ID};
use serde_json::{json, Value};

/// An agent message; `phase` is `null` for a message without a phase.
fn message(id: &str, text: &str, phase: Value) -> Value {
    json!({
        "delivery": null, "id": id, "memoryCitation": null, "phase": phase,
        "questions": null, "text": text, "type": "agentMessage"
    })
}

fn user_message() -> Value {
    json!({"type": "userMessage", "id": "user-1", "content": [{"type": "text", "text": "hi", "text_elements": []}]})
}

/// Where the fake puts the turn's items.
#[derive(Clone, Copy, Debug)]
enum Delivery {
    /// One `item/completed` per item, and the same items in `turn/completed`.
    Events,
    /// Only in `turn/completed` (a client that saw no item event).
    TurnOnly,
}

/// Runs one turn whose items are `items` and returns its final response.
async fn final_response_of(items: Vec<Value>, delivery: Delivery) -> Option<String> {
    let script: Script = Arc::new(move |frame: &Value| {
        if frame["method"] != "turn/start" {
            return None;
        }
        let mut lines = vec![
            json!({"id": frame["id"], "result": {"turn": turn("inProgress", json!([]))}}),
            json!({"method": "turn/started", "params": {"threadId": THREAD_ID, "turn": turn("inProgress", json!([]))}}),
        ];
        if let Delivery::Events = delivery {
            for item in &items {
                lines.push(json!({"method": "item/completed", "params": {
                    "threadId": THREAD_ID, "turnId": TURN_ID, "completedAtMs": 1, "item": item
                }}));
            }
        }
        lines.push(json!({"method": "turn/completed", "params": {
            "threadId": THREAD_ID, "turn": turn("completed", Value::Array(items.clone()))
        }}));
        Some(lines)
    });
    let (codex, _wire) = connect_scripted(Some(script), |builder| builder).await;
    let thread = codex.thread_start().send().await.unwrap();
    let result = tokio::time::timeout(Duration::from_secs(30), thread.run("hi"))
        .await
        .expect("the scripted turn ends")
        .unwrap();
    result.final_response
}

/// Each rule, as (what the turn holds, what the final response must be).
fn cases() -> Vec<(&'static str, Vec<Value>, Option<&'static str>)> {
    vec![
        (
            "the last final-answer message wins over an earlier one, commentary and phase-less messages",
            vec![
                user_message(),
                message("m1", "thinking out loud", json!("commentary")),
                message("m2", "first answer", json!("final_answer")),
                message("m3", "no phase, before", Value::Null),
                message("m4", "last answer", json!("final_answer")),
                message("m5", "more commentary", json!("commentary")),
                message("m6", "no phase, after", Value::Null),
            ],
            Some("last answer"),
        ),
        (
            "a final-answer message wins over a later phase-less one",
            vec![
                message("m1", "the answer", json!("final_answer")),
                message("m2", "no phase", Value::Null),
            ],
            Some("the answer"),
        ),
        (
            "without a final answer, the last phase-less message (not commentary, not partial)",
            vec![
                message("m1", "first plain", Value::Null),
                message("m2", "second plain", Value::Null),
                message("m3", "commentary after", json!("commentary")),
                message("m4", "partial after", json!("partial_answer")),
            ],
            Some("second plain"),
        ),
        (
            "only commentary and partial answers: no final response",
            vec![
                message("m1", "commentary", json!("commentary")),
                message("m2", "partial", json!("partial_answer")),
            ],
            None,
        ),
        ("no agent message: no final response", vec![user_message()], None),
    ]
}

#[tokio::test]
async fn final_response_follows_every_rule_from_item_events() {
    for (rule, items, expected) in cases() {
        let got = final_response_of(items, Delivery::Events).await;
        assert_eq!(got.as_deref(), expected, "{rule}");
    }
}

#[tokio::test]
async fn final_response_follows_every_rule_from_the_completed_turn_alone() {
    for (rule, items, expected) in cases() {
        let got = final_response_of(items, Delivery::TurnOnly).await;
        assert_eq!(got.as_deref(), expected, "{rule} (items only in turn/completed)");
    }
}

/// A turn ends with its own `turn/completed` only: another turn's end on
/// the same thread (say, one started elsewhere) passes by.
#[tokio::test]
async fn a_turn_ends_only_with_its_own_completion() {
    let script: Script = Arc::new(|frame: &Value| {
        if frame["method"] != "turn/start" {
            return None;
        }
        let mut other = turn("completed", json!([message("o1", "the other turn's answer", json!("final_answer"))]));
        other["id"] = json!("turn-other");
        let ours = message("m1", "our answer", json!("final_answer"));
        Some(vec![
            json!({"id": frame["id"], "result": {"turn": turn("inProgress", json!([]))}}),
            json!({"method": "turn/started", "params": {"threadId": THREAD_ID, "turn": turn("inProgress", json!([]))}}),
            json!({"method": "turn/completed", "params": {"threadId": THREAD_ID, "turn": other}}),
            json!({"method": "item/completed", "params": {"threadId": THREAD_ID, "turnId": TURN_ID, "completedAtMs": 1, "item": ours}}),
            json!({"method": "turn/completed", "params": {"threadId": THREAD_ID, "turn": turn("completed", json!([ours]))}}),
        ])
    });
    let (codex, _wire) = connect_scripted(Some(script), |builder| builder).await;
    let thread = codex.thread_start().send().await.unwrap();
    let result = tokio::time::timeout(Duration::from_secs(30), thread.run("hi")).await.expect("the turn ends").unwrap();
    assert_eq!(result.id, TURN_ID);
    assert_eq!(result.final_response.as_deref(), Some("our answer"));
}
