//! Tools written in Rust (`Tool`, `ToolNamespace`, `Toolset`) against the real
//! runtime, with the mock model calling them: the arguments arrive typed, the
//! output reaches the model, every failure answers the model with a message,
//! a resumed or forked thread keeps its tools, the client's own handler still
//! gets what the tools do not take, and calls run concurrently.

mod fake_app_server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openai_codex::handler::{ready, HandlerFuture, ServerRequestHandler};
use openai_codex::schemars::JsonSchema;
use openai_codex::types::{
    CommandExecutionApprovalDecision, CommandExecutionRequestApprovalParams, CommandExecutionRequestApprovalResponse,
    DynamicToolCallOutputContentItem, DynamicToolCallParams, DynamicToolCallResponse, DynamicToolCallStatus,
    DynamicToolSpec, ThreadItem,
};
use openai_codex::{
    blocking, ApprovalMode, Codex, Sandbox, Tool, ToolCall, ToolNamespace, ToolOutput, Toolset, TurnResult,
};
use openai_codex_tests::harness::Harness;
use openai_codex_tests::mock_model::{Answer, MockModel, Output};
use openai_codex_tests::scenario::{codex, escalated_write, within};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

/// The arguments of `get_weather`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
struct WeatherArgs {
    /// The city.
    city: String,
    /// The unit (default: celsius).
    unit: Option<Unit>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
struct NoteArgs {
    name: String,
}

/// `get_weather`, recording the arguments it gets.
fn weather_tool(seen: &Arc<Mutex<Vec<WeatherArgs>>>) -> Tool {
    let seen = Arc::clone(seen);
    Tool::new("get_weather", "The current weather of a city.", move |args: WeatherArgs| {
        let seen = Arc::clone(&seen);
        async move {
            let answer = format!("18 degrees in {}", args.city);
            seen.lock().unwrap().push(args);
            answer
        }
    })
    .unwrap()
}

/// One dynamic tool call item: (tool, namespace, status, success, texts).
type CallItem = (String, Option<String>, DynamicToolCallStatus, Option<bool>, Vec<String>);

/// The dynamic tool calls among a turn's items.
fn tool_calls(result: &TurnResult) -> Vec<CallItem> {
    result
        .items
        .iter()
        .filter_map(|item| match item {
            ThreadItem::DynamicToolCall { tool, namespace, status, success, content_items, .. } => {
                let texts = content_items
                    .iter()
                    .flatten()
                    .filter_map(|item| match item {
                        DynamicToolCallOutputContentItem::InputText { text } => Some(text.clone()),
                        _ => None,
                    })
                    .collect();
                Some((tool.clone(), namespace.clone(), status.clone(), *success, texts))
            }
            _ => None,
        })
        .collect()
}

/// What the model was sent back for `call_id` (panics if nothing was).
fn output_for(mock: &MockModel, call_id: &str) -> String {
    mock.requests()
        .iter()
        .find_map(|request| request.function_call_output_text(call_id))
        .unwrap_or_else(|| panic!("the model got no output for {call_id}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn typed_arguments_reach_the_tool_and_its_output_reaches_the_model() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let weather = weather_tool(&seen);
    let schema = weather.input_schema().clone();
    // A top-level tool with the same name as the namespace's: calls must
    // reach the one they name.
    let wrong_read = Tool::new("read", "Not this one.", |_: NoteArgs| async { "the top-level read" }).unwrap();
    let calls_seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&calls_seen);
    let notes = ToolNamespace::new("notes", "The user's notes.").tool(
        Tool::with_call("read", "Read a note.", move |args: NoteArgs, call: ToolCall| {
            record.lock().unwrap().push(call);
            async move { format!("note {}: buy milk", args.name) }
        })
        .unwrap(),
    );
    let thread = codex
        .thread_start()
        .cwd(harness.cwd())
        .tools(weather)
        .tools(Toolset::new().tool(wrong_read).namespace(notes))
        .send()
        .await
        .unwrap();

    harness.mock.push(Answer::output(vec![
        Output::function_call("call-w", "get_weather", json!({"city": "Paris", "unit": "celsius"})),
        Output::namespaced_function_call("call-n", "notes", "read", json!({"name": "todo"})),
    ]));
    harness.mock.push(Answer::text("It is 18 degrees."));
    let result = within("the turn", thread.run("Weather in Paris?")).await.unwrap();

    // The arguments arrived as the Rust type.
    assert_eq!(*seen.lock().unwrap(), vec![WeatherArgs { city: "Paris".into(), unit: Some(Unit::Celsius) }]);
    // The model was offered the tools with their strict schemas...
    let requests = harness.mock.requests();
    let spec = requests[0].tool_spec(None, "get_weather").expect("get_weather is offered");
    // The runtime passes the schema on unchanged, but for the root's `title`.
    let mut sent = schema.clone();
    sent.as_object_mut().unwrap().remove("title");
    assert_eq!(spec["parameters"], sent);
    assert_eq!(schema["additionalProperties"], json!(false));
    assert_eq!(schema["required"], json!(["city", "unit"]));
    assert!(requests[0].tool_spec(Some("notes"), "read").is_some(), "the namespace is offered");
    // ...and got each call's output, from the tool the call named.
    assert_eq!(output_for(&harness.mock, "call-w"), "18 degrees in Paris");
    assert_eq!(output_for(&harness.mock, "call-n"), "note todo: buy milk");
    // The turn's items record the calls (completed in either order).
    let mut calls = tool_calls(&result);
    calls.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        calls,
        vec![
            ("get_weather".into(), None, DynamicToolCallStatus::Completed, Some(true), vec!["18 degrees in Paris".into()]),
            (
                "read".into(),
                Some("notes".into()),
                DynamicToolCallStatus::Completed,
                Some(true),
                vec!["note todo: buy milk".into()]
            ),
        ]
    );
    assert_eq!(result.final_response.as_deref(), Some("It is 18 degrees."));
    // `with_call` tools see who called.
    let calls_seen = calls_seen.lock().unwrap().clone();
    assert_eq!(calls_seen.len(), 1);
    let call = &calls_seen[0];
    assert_eq!((call.thread_id.as_str(), call.turn_id.as_str()), (thread.id(), result.id.as_str()));
    assert_eq!((call.call_id.as_str(), call.tool.as_str(), call.namespace.as_deref()), ("call-n", "read", Some("notes")));
    assert_eq!(call.arguments, json!({"name": "todo"}));
    codex.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_failure_answers_the_model_with_a_message() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let fails = Tool::new("fails", "Always fails.", |_: NoteArgs| async {
        Err::<String, _>(std::io::Error::other("the database is down"))
    })
    .unwrap();
    let panics = Tool::new("panics", "Always panics.", |args: NoteArgs| async move {
        if !args.name.is_empty() {
            panic!("a bug in the tool");
        }
        "unreachable"
    })
    .unwrap();
    let slow = Tool::new("slow", "Never finishes in time.", |_: NoteArgs| async {
        tokio::time::sleep(Duration::from_secs(600)).await;
        "too late"
    })
    .unwrap()
    .timeout(Duration::from_millis(300));
    let thread = codex
        .thread_start()
        .cwd(harness.cwd())
        .tools([weather_tool(&seen), fails, panics, slow])
        .send()
        .await
        .unwrap();

    harness.mock.push(Answer::output(vec![
        Output::function_call("call-bad", "get_weather", json!({"town": "Paris"})),
        Output::function_call("call-err", "fails", json!({"name": "x"})),
        Output::function_call("call-panic", "panics", json!({"name": "x"})),
        Output::function_call("call-slow", "slow", json!({"name": "x"})),
    ]));
    harness.mock.push(Answer::text("Nothing worked."));
    let result = within("the turn", thread.run("Try everything.")).await.unwrap();

    let bad = output_for(&harness.mock, "call-bad");
    assert!(bad.contains("do not match its input schema") && bad.contains("city"), "{bad}");
    assert!(seen.lock().unwrap().is_empty(), "the tool never ran with arguments that do not decode");
    assert_eq!(output_for(&harness.mock, "call-err"), "error: the database is down");
    let panicked = output_for(&harness.mock, "call-panic");
    assert!(panicked.contains("`panics`") && panicked.contains("panicked"), "{panicked}");
    let slow = output_for(&harness.mock, "call-slow");
    assert!(slow.contains("`slow`") && slow.contains("timed out"), "{slow}");
    let calls = tool_calls(&result);
    assert_eq!(calls.len(), 4, "{calls:?}");
    for (tool, _, status, success, _) in &calls {
        assert_eq!((status, success), (&DynamicToolCallStatus::Failed, &Some(false)), "{tool}");
    }

    // The client lives on: the next call works.
    harness.mock.push(Answer::function_call("call-ok", "get_weather", json!({"city": "Oslo", "unit": null})));
    harness.mock.push(Answer::text("Oslo it is."));
    within("the next turn", thread.run("And Oslo?")).await.unwrap();
    assert_eq!(output_for(&harness.mock, "call-ok"), "18 degrees in Oslo");
    codex.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_or_forked_thread_keeps_its_tools_and_an_unknown_tool_is_reported() {
    let harness = Harness::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let forgotten = Tool::new("forgotten", "Not given on resume.", |_: NoteArgs| async { "old" }).unwrap();
    let first = codex(&harness).await;
    let thread = first
        .thread_start()
        .cwd(harness.cwd())
        .tools([weather_tool(&seen), forgotten])
        .send()
        .await
        .unwrap();
    within("the first turn", thread.run("hello")).await.unwrap();
    let thread_id = thread.id().to_owned();
    first.close().await;

    // Another client resumes the stored thread: the runtime still offers the
    // tools, and the ones given on resume answer.
    let second = codex(&harness).await;
    let resumed = second.thread_resume(&thread_id).tools(weather_tool(&seen)).send().await.unwrap();
    harness.mock.clear_requests();
    harness.mock.push(Answer::output(vec![
        Output::function_call("call-r", "get_weather", json!({"city": "Rome", "unit": "fahrenheit"})),
        Output::function_call("call-gone", "forgotten", json!({"name": "x"})),
    ]));
    harness.mock.push(Answer::text("resumed"));
    let result = within("the resumed turn", resumed.run("Weather in Rome?")).await.unwrap();
    assert_eq!(output_for(&harness.mock, "call-r"), "18 degrees in Rome");
    let unknown = output_for(&harness.mock, "call-gone");
    assert!(unknown.contains("no tool `forgotten`") && unknown.contains("get_weather"), "{unknown}");
    // The runtime may complete the two calls' items in either order.
    let success_of = |name: &str| tool_calls(&result).into_iter().find(|call| call.0 == name).map(|call| call.3);
    assert_eq!(success_of("get_weather"), Some(Some(true)));
    assert_eq!(success_of("forgotten"), Some(Some(false)));
    assert_eq!(seen.lock().unwrap().last().unwrap().unit, Some(Unit::Fahrenheit));

    // A fork in the same client inherits the registered tools.
    let fork = second.thread_fork(&thread_id).send().await.unwrap();
    assert_ne!(fork.id(), thread_id);
    harness.mock.push(Answer::function_call("call-f", "get_weather", json!({"city": "Bern", "unit": null})));
    harness.mock.push(Answer::text("forked"));
    within("the forked turn", fork.run("Weather in Bern?")).await.unwrap();
    assert_eq!(output_for(&harness.mock, "call-f"), "18 degrees in Bern");
    second.close().await;
}

/// A handler that answers raw tool calls and counts approval requests.
#[derive(Clone, Default)]
struct RawHandler {
    tool_calls: Arc<Mutex<Vec<DynamicToolCallParams>>>,
    approvals: Arc<AtomicUsize>,
}

impl ServerRequestHandler for RawHandler {
    fn item_tool_call(&self, params: DynamicToolCallParams) -> HandlerFuture<'_, DynamicToolCallResponse> {
        let text = format!("raw answer for {}", params.tool);
        self.tool_calls.lock().unwrap().push(params);
        ready(Ok(ToolOutput::text(text).into_response()))
    }

    fn item_command_execution_request_approval(
        &self,
        _params: CommandExecutionRequestApprovalParams,
    ) -> HandlerFuture<'_, CommandExecutionRequestApprovalResponse> {
        self.approvals.fetch_add(1, Ordering::SeqCst);
        ready(Ok(CommandExecutionRequestApprovalResponse::new(CommandExecutionApprovalDecision::Decline)))
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_clients_handler_gets_raw_tool_calls_of_threads_without_tools_and_every_other_request() {
    let harness = Harness::start().await;
    let handler = RawHandler::default();
    let client = harness.client_builder().handler(handler.clone()).spawn().await.unwrap();
    let codex = Codex::from_client(client);

    // A thread whose tool specs were set on the wire, with no Rust tools.
    let spec = DynamicToolSpec::Function {
        defer_loading: None,
        description: "Answered by the handler.".into(),
        input_schema: json!({"type": "object", "properties": {}, "additionalProperties": false}),
        name: "raw_tool".into(),
    };
    let raw = codex
        .thread_start()
        .cwd(harness.cwd())
        .with_params(|params| params.dynamic_tools = Some(vec![spec]))
        .send()
        .await
        .unwrap();
    harness.mock.push(Answer::function_call("call-raw", "raw_tool", json!({})));
    harness.mock.push(Answer::text("raw done"));
    within("the raw turn", raw.run("Use the raw tool.")).await.unwrap();
    assert_eq!(output_for(&harness.mock, "call-raw"), "raw answer for raw_tool");
    assert_eq!(handler.tool_calls.lock().unwrap().len(), 1);

    // A thread with Rust tools: its calls go to the tools, its approvals to
    // the handler.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let typed = codex
        .thread_start()
        .cwd(harness.cwd())
        .sandbox(Sandbox::ReadOnly)
        .approval_mode(ApprovalMode::AskHandler)
        .tools(weather_tool(&seen))
        .send()
        .await
        .unwrap();
    let target = harness.cwd().join("escalated.txt");
    harness.mock.push(Answer::function_call("call-t", "get_weather", json!({"city": "Lima", "unit": null})));
    harness.mock.push(escalated_write("call-x", &target));
    harness.mock.push(Answer::text("typed done"));
    within("the typed turn", typed.run("Weather, then write.")).await.unwrap();
    assert_eq!(output_for(&harness.mock, "call-t"), "18 degrees in Lima");
    assert_eq!(handler.tool_calls.lock().unwrap().len(), 1, "the handler did not see the tool's call");
    assert_eq!(handler.approvals.load(Ordering::SeqCst), 1, "the handler was asked the approval");
    assert!(!target.exists(), "the declined command wrote nothing");
    codex.close().await;
}

#[test]
fn tools_work_in_the_blocking_api() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let harness = runtime.block_on(Harness::start());
    let client = runtime.block_on(harness.client_builder().spawn()).unwrap();
    let codex = blocking::Codex::from_async(Codex::from_client(client), runtime);
    let lengths = Tool::blocking("count_chars", "Counts the characters of a note.", |args: NoteArgs| {
        std::thread::sleep(Duration::from_millis(20));
        format!("{} has {} characters", args.name, args.name.chars().count())
    })
    .unwrap();
    let thread = codex.thread_start().cwd(harness.cwd()).tools(lengths).send().unwrap();
    harness.mock.push(Answer::function_call("call-b", "count_chars", json!({"name": "groceries"})));
    harness.mock.push(Answer::text("counted"));
    let result = thread.run("How long is it?").unwrap();
    assert_eq!(result.final_response.as_deref(), Some("counted"));
    assert_eq!(output_for(&harness.mock, "call-b"), "groceries has 9 characters");
    codex.close();
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_tool_names_are_refused_before_anything_is_sent() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let error = codex
        .thread_start()
        .tools([weather_tool(&seen), weather_tool(&seen)])
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`get_weather` is given twice"), "{error}");
    let threads = codex.thread_list().send().await.unwrap();
    assert!(threads.data.is_empty(), "no thread was started");
    codex.close().await;
}

/// Two calls at once (the fake runtime sends both before either is
/// answered): each tool waits for the other to start, so they only finish
/// if they run concurrently.
#[tokio::test(flavor = "multi_thread")]
async fn calls_run_concurrently() {
    use fake_app_server::{connect_scripted, THREAD_ID, TURN_ID};

    let script: fake_app_server::Script = Arc::new(|frame: &Value| {
        if frame["method"] != "thread/name/set" {
            return None;
        }
        let call = |id: &str, tool: &str| {
            json!({"id": id, "method": "item/tool/call", "params": {
                "threadId": THREAD_ID, "turnId": TURN_ID, "callId": id, "tool": tool,
                "namespace": null, "arguments": {"name": id}
            }})
        };
        Some(vec![json!({"id": frame["id"], "result": {}}), call("call-1", "meet"), call("call-2", "meet")])
    });
    let (codex, recorder) = connect_scripted(Some(script), |builder| builder).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let meet = Tool::new("meet", "Waits for the other call.", move |args: NoteArgs| {
        let barrier = Arc::clone(&barrier);
        async move {
            match tokio::time::timeout(Duration::from_secs(10), barrier.wait()).await {
                Ok(_) => format!("{} met the other", args.name),
                Err(_) => format!("{} waited alone", args.name),
            }
        }
    })
    .unwrap();
    let thread = codex.thread_start().tools(meet).send().await.unwrap();
    thread.set_name("go").await.unwrap();

    let answers = within("both answers", async {
        loop {
            let answers: Vec<Value> =
                recorder.frames().into_iter().filter(|frame| frame.get("result").is_some()).collect();
            if answers.len() == 2 {
                return answers;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    for answer in answers {
        let id = answer["id"].as_str().unwrap();
        assert_eq!(answer["result"]["success"], json!(true), "{answer}");
        assert_eq!(answer["result"]["contentItems"][0]["text"], json!(format!("{id} met the other")));
    }
}

fn echo_tool(name: &str) -> Tool {
    Tool::new(name, "Echoes the name.", |args: NoteArgs| async move { args.name }).unwrap()
}

/// `tools` on start sends the specs as `dynamicTools`; on resume and fork it
/// is an SDK setting, and nothing more goes on the wire. The same in the
/// blocking API.
#[tokio::test]
async fn the_tools_setters_and_what_they_send() {
    let (codex, wire) = fake_app_server::connect().await;
    let tools = Toolset::new()
        .tool(echo_tool("echo").defer_loading(true))
        .namespace(ToolNamespace::new("group", "A group.").tool(echo_tool("inner")));
    let start = codex.thread_start().tools(tools).tools(echo_tool("second"));
    assert_eq!(start.params().dynamic_tools.as_ref().map(Vec::len), Some(3));
    start.send().await.unwrap();
    let schema = echo_tool("x").input_schema().clone();
    assert_eq!(
        wire.last_params("thread/start")["dynamicTools"],
        json!([
            {"type": "function", "name": "echo", "description": "Echoes the name.", "inputSchema": schema, "deferLoading": true},
            {"type": "function", "name": "second", "description": "Echoes the name.", "inputSchema": schema},
            {"type": "namespace", "name": "group", "description": "A group.", "tools": [
                {"type": "function", "name": "inner", "description": "Echoes the name.", "inputSchema": schema}
            ]},
        ])
    );
    codex.thread_resume(fake_app_server::THREAD_ID).tools(echo_tool("echo")).send().await.unwrap();
    assert_eq!(wire.last_params("thread/resume"), json!({"threadId": fake_app_server::THREAD_ID}));
    codex.thread_fork(fake_app_server::THREAD_ID).tools([echo_tool("echo")]).send().await.unwrap();
    assert_eq!(wire.last_params("thread/fork"), json!({"threadId": fake_app_server::THREAD_ID}));
}

#[test]
fn the_blocking_tools_setters() {
    let (codex, wire) = fake_app_server::connect_blocking();
    let _: blocking::Thread = codex.thread_start().tools(echo_tool("echo")).send().unwrap();
    assert_eq!(wire.last_params("thread/start")["dynamicTools"][0]["name"], "echo");
    let _: blocking::Thread = codex.thread_resume(fake_app_server::THREAD_ID).tools(echo_tool("echo")).send().unwrap();
    let _: blocking::Thread = codex.thread_fork(fake_app_server::THREAD_ID).tools(vec![echo_tool("echo")]).send().unwrap();
    assert_eq!(wire.last_params("thread/fork"), json!({"threadId": fake_app_server::THREAD_ID}));
}

#[derive(Deserialize, JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
struct FreeForm {
    #[allow(dead_code)]
    anything: std::collections::HashMap<String, String>,
}

#[test]
fn an_argument_type_strict_mode_cannot_express_is_refused_when_the_tool_is_made() {
    let error = Tool::new("free", "Free-form.", |_: FreeForm| async { "never" }).unwrap_err();
    assert!(matches!(error, openai_codex::Error::UnsupportedSchema(_)), "{error}");
}

/// Dynamic tools are experimental: without the experimental API the runtime
/// refuses them, and the error says why.
#[tokio::test(flavor = "multi_thread")]
async fn without_the_experimental_api_tools_are_refused_clearly() {
    let harness = Harness::start().await;
    let client = harness.client_builder().experimental_api(false).spawn().await.unwrap();
    let codex = Codex::from_client(client);
    let error = codex.thread_start().cwd(harness.cwd()).tools(echo_tool("echo")).send().await.unwrap_err();
    assert!(error.to_string().contains("dynamicTools requires experimentalApi"), "{error}");
    codex.close().await;
}

/// A 1×1 transparent PNG.
const PIXEL: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

#[tokio::test(flavor = "multi_thread")]
async fn images_reach_the_model_with_the_text() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let chart = Tool::new("chart", "Draws a chart.", |args: NoteArgs| async move {
        ToolOutput::text(format!("the chart of {}", args.name)).and_image_url(PIXEL)
    })
    .unwrap();
    let thread = codex.thread_start().cwd(harness.cwd()).tools(chart).send().await.unwrap();
    harness.mock.push(Answer::function_call("call-i", "chart", json!({"name": "sales"})));
    harness.mock.push(Answer::text("drawn"));
    within("the turn", thread.run("Draw it.")).await.unwrap();
    let output = harness
        .mock
        .requests()
        .iter()
        .find_map(|request| request.function_call_output("call-i").cloned())
        .expect("the model got the output");
    let parts = output["output"].as_array().unwrap_or_else(|| panic!("a content list: {output}"));
    assert_eq!(parts[0], json!({"type": "input_text", "text": "the chart of sales"}), "{output}");
    assert_eq!(parts[1]["type"], "input_image", "{output}");
    assert_eq!(parts[1]["image_url"], PIXEL, "{output}");
    codex.close().await;
}

/// Tools are answered by the connection, whatever carries it: the same
/// typed call over a WebSocket to an app-server that listens on loopback.
#[tokio::test(flavor = "multi_thread")]
async fn tools_work_over_a_websocket_connection() {
    use openai_codex_tests::listen::{ListeningServer, WsAuth};
    let harness = Harness::start().await;
    let server = ListeningServer::ws(&harness.home, harness.cwd(), WsAuth::None).await;
    let codex = within("connecting", Codex::builder().connect(server.url())).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let thread = codex.thread_start().cwd(harness.cwd()).tools(weather_tool(&seen)).send().await.unwrap();

    harness.mock.push(Answer::output(vec![Output::function_call(
        "call-ws",
        "get_weather",
        json!({"city": "Oslo", "unit": null}),
    )]));
    harness.mock.push(Answer::text("Mild in Oslo."));
    let result = within("the turn over ws", thread.run("Weather in Oslo?")).await.unwrap();

    assert_eq!(*seen.lock().unwrap(), vec![WeatherArgs { city: "Oslo".into(), unit: None }]);
    let output = harness.mock.requests().iter().find_map(|request| request.function_call_output_text("call-ws"));
    assert_eq!(output.as_deref(), Some("18 degrees in Oslo"));
    assert_eq!(result.final_response.as_deref(), Some("Mild in Oslo."));
    let calls = tool_calls(&result);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].0, "get_weather");
    assert_eq!(calls[0].3, Some(true));
}
