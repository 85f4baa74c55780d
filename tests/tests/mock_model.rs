//! The mock Responses API on its own, driven by a plain HTTP client (no
//! runtime needed).

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use futures::FutureExt as _;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use openai_codex_tests::mock_model::{Answer, Matcher, MockModel, Output, Request, DEFAULT_TEXT};
use serde_json::{json, Value};
use tokio::net::TcpStream;

const WAIT: Duration = Duration::from_secs(5);

/// Sends one request on a fresh connection; returns the response with its
/// body still streaming.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &Value,
) -> hyper::Response<Incoming> {
    let stream = TcpStream::connect(addr).await.expect("connect to the mock");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1 handshake");
    tokio::spawn(connection);
    let request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("valid request");
    sender
        .send_request(request)
        .await
        .expect("send the request")
}

/// A `POST /v1/responses` body whose last user message says `text`.
fn responses_body(text: &str) -> Value {
    json!({
        "model": "mock-model",
        "stream": true,
        "input": [
            { "type": "message", "role": "user", "content": [{ "type": "input_text", "text": "<environment_context/>" }] },
            { "type": "message", "role": "user", "content": [{ "type": "input_text", "text": text }] },
        ],
        "tools": [{ "type": "function", "name": "exec_command" }, { "type": "web_search" }],
    })
}

async fn post(mock: &MockModel, text: &str) -> hyper::Response<Incoming> {
    post_to(mock.addr(), text).await
}

async fn post_to(addr: SocketAddr, text: &str) -> hyper::Response<Incoming> {
    send(addr, "POST", "/v1/responses", &responses_body(text)).await
}

async fn body_text(response: hyper::Response<Incoming>) -> String {
    let bytes = tokio::time::timeout(WAIT, response.into_body().collect())
        .await
        .expect("the body ends in time")
        .expect("read the body")
        .to_bytes();
    String::from_utf8(bytes.to_vec()).expect("UTF-8 body")
}

/// The `data:` payloads of an SSE body, checking each `event:` line names
/// the payload's `type`.
fn sse_events(body: &str) -> Vec<Value> {
    body.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let mut lines = block.lines();
            let event = lines
                .next()
                .and_then(|l| l.strip_prefix("event: "))
                .expect("event line");
            let data = lines
                .next()
                .and_then(|l| l.strip_prefix("data: "))
                .expect("data line");
            let value: Value = serde_json::from_str(data).expect("JSON data");
            assert_eq!(value["type"], event);
            value
        })
        .collect()
}

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|event| event["type"].as_str().unwrap())
        .collect()
}

async fn post_for_events(mock: &MockModel, text: &str) -> Vec<Value> {
    let response = post(mock, text).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    sse_events(&body_text(response).await)
}

fn deltas(events: &[Value]) -> String {
    events
        .iter()
        .filter(|event| event["type"] == "response.output_text.delta")
        .map(|event| event["delta"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn text_answer_streams_deltas_then_the_message_and_usage() {
    let mock = MockModel::start().await.unwrap();
    mock.push(Answer::text("Hello there, streamed world."));
    let events = post_for_events(&mock, "hi").await;

    assert_eq!(types(&events)[0], "response.created");
    assert_eq!(types(&events)[1], "response.output_item.added");
    assert_eq!(
        types(&events)[events.len() - 2],
        "response.output_item.done"
    );
    assert_eq!(types(&events)[events.len() - 1], "response.completed");
    assert_eq!(deltas(&events), "Hello there, streamed world.");
    assert!(
        deltas(&events).len() > 1 && events.len() > 6,
        "several deltas"
    );
    let item = &events[events.len() - 2]["item"];
    assert_eq!(item["type"], "message");
    assert_eq!(item["role"], "assistant");
    assert_eq!(
        item["content"][0],
        json!({ "type": "output_text", "text": "Hello there, streamed world.", "annotations": [] })
    );
    let completed = &events[events.len() - 1]["response"];
    assert_eq!(completed["id"], events[0]["response"]["id"]);
    assert_eq!(completed["usage"]["total_tokens"], 15);
}

#[tokio::test]
async fn requests_are_recorded_with_their_json_body() {
    let mock = MockModel::start().await.unwrap();
    post_for_events(&mock, "first").await;
    post_for_events(&mock, "second").await;

    let requests = mock.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(requests[0].path, "/v1/responses");
    assert_eq!(requests[0].body, responses_body("first"));
    assert_eq!(requests[1].last_user_text().as_deref(), Some("second"));
    assert_eq!(requests[1].tool_names(), ["exec_command", "web_search"]);
}

#[tokio::test]
async fn function_call_answer_carries_json_arguments_and_call_id() {
    let mock = MockModel::start().await.unwrap();
    mock.push(Answer::exec_command("call_1", "touch x"));
    let events = post_for_events(&mock, "run it").await;

    let done: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "response.output_item.done")
        .collect();
    assert_eq!(done.len(), 1);
    let item = &done[0]["item"];
    assert_eq!(item["type"], "function_call");
    assert_eq!(item["name"], "exec_command");
    assert_eq!(item["call_id"], "call_1");
    let arguments: Value = serde_json::from_str(item["arguments"].as_str().unwrap()).unwrap();
    assert_eq!(arguments, json!({ "cmd": "touch x" }));
    assert_eq!(types(&events).last(), Some(&"response.completed"));
}

#[tokio::test]
async fn output_items_stream_in_order_with_their_indexes() {
    let mock = MockModel::start().await.unwrap();
    mock.push(Answer::output(vec![
        Output::reasoning("Let me think."),
        Output::web_search("rust"),
        Output::custom_tool_call("call_p", "apply_patch", "*** Begin Patch\n*** End Patch\n"),
    ]));
    let events = post_for_events(&mock, "go").await;

    let done: Vec<(&Value, &Value)> = events
        .iter()
        .filter(|e| e["type"] == "response.output_item.done")
        .map(|e| (&e["output_index"], &e["item"]["type"]))
        .collect();
    assert_eq!(
        done,
        [
            (&json!(0), &json!("reasoning")),
            (&json!(1), &json!("web_search_call")),
            (&json!(2), &json!("custom_tool_call")),
        ]
    );
    assert!(types(&events).contains(&"response.reasoning_summary_text.delta"));
}

#[tokio::test]
async fn error_statuses_have_api_shaped_bodies() {
    let mock = MockModel::start().await.unwrap();
    mock.push(Answer::server_error());
    mock.push(Answer::rate_limited());
    mock.push(Answer::status(
        400,
        json!({ "error": { "message": "bad" } }),
    ));

    let response = post(&mock, "a").await;
    assert_eq!(response.status(), 500);
    let body: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(body["error"]["type"], "server_error");

    let response = post(&mock, "b").await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    let response = post(&mock, "c").await;
    assert_eq!(response.status(), 400);
    assert_eq!(body_text(response).await, r#"{"error":{"message":"bad"}}"#);
}

#[tokio::test]
async fn response_failed_is_an_sse_event() {
    let mock = MockModel::start().await.unwrap();
    mock.push(Answer::response_failed("server_is_overloaded", "busy"));
    let events = post_for_events(&mock, "x").await;
    assert_eq!(types(&events), ["response.created", "response.failed"]);
    assert_eq!(
        events[1]["response"]["error"]["code"],
        "server_is_overloaded"
    );
}

#[tokio::test]
async fn an_empty_queue_answers_the_default_text() {
    let mock = MockModel::start().await.unwrap();
    assert_eq!(deltas(&post_for_events(&mock, "x").await), DEFAULT_TEXT);

    mock.set_default(Answer::text("fallback"));
    assert_eq!(deltas(&post_for_events(&mock, "y").await), "fallback");
    assert_eq!(mock.pending(), 0);
}

#[tokio::test]
async fn other_paths_get_404_and_are_kept_apart() {
    let mock = MockModel::start().await.unwrap();
    let response = send(mock.addr(), "GET", "/v1/models", &Value::Null).await;
    assert_eq!(response.status(), 404);
    body_text(response).await;

    assert!(mock.requests().is_empty());
    let others = mock.other_requests();
    assert_eq!(others.len(), 1);
    assert_eq!(
        (others[0].method.as_str(), others[0].path.as_str()),
        ("GET", "/v1/models")
    );
}

#[tokio::test]
async fn a_stall_holds_the_stream_until_the_gate_opens() {
    let mock = MockModel::start().await.unwrap();
    let (stall, gate) = Answer::stall();
    mock.push(stall);
    let mut body = post(&mock, "wait").await.into_body();

    let first = next_chunk(&mut body)
        .await
        .expect("response.created arrives");
    assert!(first.contains("response.created"));
    assert!(gate.reached(WAIT).await);
    // The server is held at the gate, which it reaches only after writing
    // `response.created`: nothing more is there to read (checked without a
    // sleep: a poll that finds no frame).
    assert!(body.frame().now_or_never().is_none(), "nothing more while the gate is closed");
    assert!(!gate.passed());

    gate.open();
    let mut rest = String::new();
    while let Some(chunk) = next_chunk(&mut body).await {
        rest.push_str(&chunk);
    }
    let events = sse_events(&rest);
    assert_eq!(deltas(&events), DEFAULT_TEXT);
    assert!(!types(&events).contains(&"response.created"), "response.created came once, before the gate");
    assert_eq!(types(&events).last(), Some(&"response.completed"));
    assert!(gate.passed(), "the answer went through the opened gate; its client never left");
}

#[tokio::test]
async fn dropping_the_gate_releases_the_stall() {
    let mock = MockModel::start().await.unwrap();
    let (answer, gate) = Answer::text("late").gated();
    mock.push(answer);
    let response = post(&mock, "wait").await;
    assert!(gate.reached(WAIT).await);
    drop(gate);
    assert_eq!(deltas(&sse_events(&body_text(response).await)), "late");
}

#[tokio::test]
async fn a_stall_notices_the_client_leaving() {
    let mock = MockModel::start().await.unwrap();
    let (stall, gate) = Answer::stall();
    mock.push(stall);
    let response = post(&mock, "wait").await;
    assert!(gate.reached(WAIT).await);
    drop(response);
    assert!(gate.client_gone(WAIT).await);
}

#[tokio::test]
async fn a_gated_error_status_waits_for_the_gate() {
    let mock = MockModel::start().await.unwrap();
    let (answer, gate) = Answer::server_error().gated();
    mock.push(answer);
    let request = post_to(mock.addr(), "x");
    tokio::pin!(request);
    // Order, not a sleep: the request reaches the gate before any answer.
    tokio::select! {
        response = &mut request => panic!("answered before the gate: {}", response.status()),
        reached = gate.reached(WAIT) => assert!(reached),
    }
    assert!((&mut request).now_or_never().is_none(), "no answer while the gate is closed");
    gate.open();
    assert_eq!(request.await.status(), 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_routed_by_matcher() {
    let mock = MockModel::start().await.unwrap();
    let (held, gate) = Answer::text("answer for alpha").gated();
    mock.push_when(Matcher::user_text_contains("alpha"), held);
    mock.push_when(
        Matcher::user_text_contains("beta"),
        Answer::text("answer for beta"),
    );

    let addr = mock.addr();
    let alpha = tokio::spawn(async move {
        deltas(&sse_events(
            &body_text(post_to(addr, "please alpha").await).await,
        ))
    });
    assert!(gate.reached(WAIT).await, "alpha is held");
    // beta completes while alpha's stream is still open
    assert_eq!(
        deltas(&post_for_events(&mock, "now beta").await),
        "answer for beta"
    );
    assert!(!alpha.is_finished());
    gate.open();
    assert_eq!(alpha.await.unwrap(), "answer for alpha");
    assert_eq!(mock.pending(), 0);
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn an_unmatched_request_leaves_routed_answers_queued() {
    let mock = MockModel::start().await.unwrap();
    mock.push_when(
        Matcher::user_text_contains("special"),
        Answer::text("routed"),
    );
    assert_eq!(
        deltas(&post_for_events(&mock, "ordinary").await),
        DEFAULT_TEXT
    );
    assert_eq!(mock.pending(), 1);
    assert_eq!(
        deltas(&post_for_events(&mock, "a special one").await),
        "routed"
    );
}

#[tokio::test]
async fn wait_for_requests_returns_when_enough_arrived_or_times_out() {
    let mock = MockModel::start().await.unwrap();
    // No request is ever sent here: the 100 ms is the timeout under test,
    // not a wait for something not to happen.
    assert!(mock
        .wait_for_requests(1, Duration::from_millis(100))
        .await
        .is_none());
    let waiter = mock.wait_for_requests(2, WAIT);
    let client = async {
        post_for_events(&mock, "one").await;
        post_for_events(&mock, "two").await;
    };
    let (requests, ()) = tokio::join!(waiter, client);
    assert_eq!(requests.expect("two requests").len(), 2);
}

#[tokio::test]
async fn dropping_the_mock_closes_held_streams_and_the_port() {
    let mock = MockModel::start().await.unwrap();
    let addr = mock.addr();
    let (stall, gate) = Answer::stall();
    mock.push(stall);
    let mut body = post(&mock, "wait").await.into_body();
    assert!(next_chunk(&mut body).await.is_some());
    assert!(gate.reached(WAIT).await);

    drop(mock);
    let ended = tokio::time::timeout(WAIT, async {
        while let Some(Ok(_)) = body.frame().await {}
    })
    .await;
    assert!(ended.is_ok(), "the held stream ends when the mock drops");
    tokio::task::yield_now().await;
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "nothing listens any more"
    );
}

#[test]
fn request_helpers_read_the_responses_body() {
    let request = Request {
        method: "POST".into(),
        path: "/v1/responses".into(),
        body: json!({
            "input": [
                { "type": "message", "role": "user", "content": [{ "type": "input_text", "text": "do it" }] },
                { "type": "function_call", "call_id": "c1", "name": "exec_command", "arguments": "{}" },
                { "type": "function_call_output", "call_id": "c1", "output": "ok" },
                { "type": "custom_tool_call_output", "call_id": "c2", "output": "patched" },
            ],
            "tools": [{ "type": "function", "name": "exec_command" }, { "type": "custom", "name": "apply_patch" }],
        }),
    };
    assert_eq!(request.last_user_text().as_deref(), Some("do it"));
    assert_eq!(request.tool_names(), ["exec_command", "apply_patch"]);
    assert_eq!(request.function_call_output("c1").unwrap()["output"], "ok");
    assert_eq!(
        request.function_call_output("c2").unwrap()["output"],
        "patched"
    );
    assert!(request.function_call_output("c3").is_none());
    assert!(Matcher::has_output_for("c1").matches(&request));
    assert!(!Matcher::has_output_for("c3").matches(&request));
    assert!(Matcher::user_text_contains("do").matches(&request));
    assert!(!Matcher::user_text_contains("other").matches(&request));
}

/// The next data chunk of a body, as text; `None` at its end.
async fn next_chunk(body: &mut Incoming) -> Option<String> {
    let frame = tokio::time::timeout(WAIT, body.frame())
        .await
        .expect("a chunk in time")?;
    let data = frame.expect("read a chunk").into_data().ok()?;
    Some(String::from_utf8(data.to_vec()).unwrap())
}
