//! Real messages recorded from the pinned runtime (tests/fixtures/recorded/)
//! decode into their typed variants, never `Unknown`, and re-encode to the
//! same JSON (except `null`-valued optional fields, which may be left out).

use std::path::PathBuf;

use openai_codex::methods::{client, ClientMethod, ServerNotification, ServerRequest};
use openai_codex::types::{ItemCompletedNotification, ItemStartedNotification, ThreadItem};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// One line of a fixture file.
struct Frame {
    file: String,
    direction: String,
    kind: String,
    method: String,
    frame: Value,
}

fn fixtures() -> Vec<Frame> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/recorded");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut frames = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "jsonl")) {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let entry: Value = serde_json::from_str(line).unwrap();
            // The raw line is what the runtime wrote; decode from it.
            let frame = match entry["raw"].as_str() {
                Some(raw) => serde_json::from_str(raw).unwrap(),
                None => entry["frame"].clone(),
            };
            frames.push(Frame {
                file: file.clone(),
                direction: entry["dir"].as_str().unwrap().to_owned(),
                kind: entry["kind"].as_str().unwrap().to_owned(),
                method: entry["method"].as_str().unwrap_or_default().to_owned(),
                frame,
            });
        }
    }
    assert!(frames.len() > 100, "the recorded fixtures are there");
    frames
}

/// Removes object fields whose value is `null`, at any depth.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn assert_same_json(context: &str, original: &Value, reencoded: &Value) {
    assert_eq!(
        without_nulls(original),
        without_nulls(reencoded),
        "{context}: re-encoding changed the message"
    );
}

fn round_trip<T: DeserializeOwned + Serialize>(context: &str, value: &Value) {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{context}: does not decode: {error}\n{value}"));
    assert_same_json(context, value, &serde_json::to_value(&typed).unwrap());
}

#[test]
fn every_recorded_notification_decodes_to_its_typed_variant_and_round_trips() {
    let mut count = 0;
    for frame in fixtures().iter().filter(|f| f.direction == "recv" && f.kind == "notification") {
        let context = format!("{} {}", frame.file, frame.method);
        let message: ServerNotification = serde_json::from_str(&frame.frame.to_string())
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        assert!(!message.is_unknown(), "{context} decoded as Unknown");
        assert_eq!(message.method(), frame.method);
        // A known item type with a body that does not fit would fall back to
        // `ThreadItem::Unknown` silently; recorded items must all be typed.
        if let ServerNotification::ItemStarted(ItemStartedNotification { item, .. })
        | ServerNotification::ItemCompleted(ItemCompletedNotification { item, .. }) = &message
        {
            assert!(!matches!(item, ThreadItem::Unknown(_)), "{context}: item decoded as Unknown: {item:?}");
        }
        assert_same_json(&context, &frame.frame["params"], &serde_json::to_value(&message).unwrap()["params"]);
        count += 1;
    }
    assert!(count > 50, "{count} notifications checked");
}

#[test]
fn every_recorded_server_request_decodes_to_its_typed_variant_and_round_trips() {
    let mut methods = Vec::new();
    for frame in fixtures().iter().filter(|f| f.direction == "recv" && f.kind == "request") {
        let context = format!("{} {}", frame.file, frame.method);
        let message: ServerRequest = serde_json::from_str(&frame.frame.to_string())
            .unwrap_or_else(|error| panic!("{context}: {error}"));
        assert!(!message.is_unknown(), "{context} decoded as Unknown");
        assert_same_json(&context, &frame.frame["params"], &serde_json::to_value(&message).unwrap()["params"]);
        methods.push(frame.method.clone());
    }
    assert!(methods.iter().any(|m| m == "item/commandExecution/requestApproval"), "{methods:?}");
    assert!(methods.iter().any(|m| m == "item/fileChange/requestApproval"), "{methods:?}");
}

/// Decodes `result` as the response type of `M` when the frame answers `M`.
fn check_response<M: ClientMethod>(method: &str, context: &str, result: &Value) -> bool
where
    M::Response: Serialize,
{
    if method != M::METHOD {
        return false;
    }
    round_trip::<M::Response>(context, result);
    true
}

#[test]
fn every_recorded_response_decodes_to_its_response_type_and_round_trips() {
    let mut checked = 0;
    for frame in fixtures().iter().filter(|f| f.direction == "recv" && f.kind == "response") {
        let context = format!("{} response to {}", frame.file, frame.method);
        let result = &frame.frame["result"];
        let method = frame.method.as_str();
        let known = check_response::<client::Initialize>(method, &context, result)
            || check_response::<client::ThreadStart>(method, &context, result)
            || check_response::<client::TurnStart>(method, &context, result)
            || check_response::<client::ThreadRead>(method, &context, result)
            || check_response::<client::ThreadList>(method, &context, result)
            || check_response::<client::ModelList>(method, &context, result)
            || check_response::<client::AccountRead>(method, &context, result)
            || check_response::<client::ConfigRead>(method, &context, result)
            || check_response::<client::TurnInterrupt>(method, &context, result);
        assert!(known, "{context}: add its method to this test");
        checked += 1;
    }
    assert!(checked >= 9, "{checked} responses checked");
}

/// Decodes `params` as the params type of `M` when the frame is an `M` request.
fn check_params<M: ClientMethod>(method: &str, context: &str, params: &Value) -> bool
where
    M::Params: DeserializeOwned,
{
    if method != M::METHOD {
        return false;
    }
    round_trip::<M::Params>(context, params);
    true
}

#[test]
fn every_request_the_recorder_sent_decodes_as_its_params_type() {
    let mut checked = 0;
    for frame in fixtures().iter().filter(|f| f.direction == "sent" && f.kind == "request") {
        let context = format!("{} sent {}", frame.file, frame.method);
        let params = &frame.frame["params"];
        let method = frame.method.as_str();
        let known = check_params::<client::Initialize>(method, &context, params)
            || check_params::<client::ThreadStart>(method, &context, params)
            || check_params::<client::TurnStart>(method, &context, params)
            || check_params::<client::ThreadRead>(method, &context, params)
            || check_params::<client::ThreadList>(method, &context, params)
            || check_params::<client::ModelList>(method, &context, params)
            || check_params::<client::AccountRead>(method, &context, params)
            || check_params::<client::ConfigRead>(method, &context, params)
            || check_params::<client::TurnInterrupt>(method, &context, params);
        assert!(known, "{context}: add its method to this test");
        checked += 1;
    }
    assert!(checked >= 9, "{checked} requests checked");
}
