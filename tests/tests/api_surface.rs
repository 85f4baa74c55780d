//! The friendly API's whole surface, async and blocking: every public entry
//! point is called with every parameter and setter by name, so renaming or
//! dropping one fails to compile here. The calls run against a scripted fake
//! app-server (an in-memory pipe); the few that need a real runtime or
//! account (spawning, signing in) only type-check, behind `if false`.

mod fake_app_server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use fake_app_server::{connect, connect_blocking, ANSWER, THREAD_ID, TURN_ID};
use futures::StreamExt;
use openai_codex::handler::DeclineAll;
use openai_codex::methods::ServerNotification;
use openai_codex::types::{
    FunctionCallOutputBody, Personality, ReasoningEffort, ReasoningSummary, SortDirection, ThreadSortKey,
    ThreadSourceKind, TurnStatus, TurnToolOutput, UserInput,
};
use openai_codex::{
    blocking, ApiKey, ApprovalMode, Codex, CodexBuilder, Input, LoginOutcome, Metadata, OutputSchema, RetryPolicy, Sandbox, Thread,
    TurnHandle, TurnInput, TurnResult, TurnTiming,
};
use serde_json::{json, Value};

/// The structured answer of the fake's turns.
/// A structured answer (`{"answer": "..."}`, as the fake app-server gives).
#[derive(Debug, serde::Deserialize, openai_codex::schemars::JsonSchema)]
#[schemars(crate = "openai_codex::schemars")]
struct Answer {
    answer: String,
}

fn config() -> serde_json::Map<String, Value> {
    let mut config = serde_json::Map::new();
    config.insert("model_verbosity".into(), json!("low"));
    config
}

fn tool_output() -> TurnToolOutput {
    TurnToolOutput {
        name: "lookup".into(),
        namespace: Some("tools".into()),
        output: FunctionCallOutputBody::String("42".into()),
        retain: Some(true),
    }
}

fn effort() -> ReasoningEffort {
    "high".parse().unwrap()
}

/// Every input form a turn takes.
fn inputs() -> Vec<TurnInput> {
    let text = String::from("hi");
    vec![
        TurnInput::from("hi"),
        TurnInput::from(text.clone()),
        TurnInput::from(&text),
        TurnInput::from(Input::Text("hi".into())),
        TurnInput::from(vec![Input::ImageUrl("https://example.com/a.png".into())]),
        TurnInput::from([
            Input::LocalImage(PathBuf::from("/tmp/a.png")),
            Input::Skill { name: "review".into(), path: PathBuf::from("/skills/review/SKILL.md") },
            Input::Mention { name: "README".into(), path: "/work/README.md".into() },
        ]),
        TurnInput::from(vec![UserInput::Text { text: "raw".into(), text_elements: None }]),
        TurnInput::empty(),
    ]
}

fn check_result(result: &TurnResult) {
    let TurnResult { id, status, error, final_response, items, usage, timing, .. } = result;
    let TurnTiming { started_at, completed_at, duration_ms, .. } = *timing;
    assert_eq!(id, TURN_ID);
    assert_eq!(*status, TurnStatus::Completed);
    assert!(error.is_none() && usage.is_none());
    assert_eq!(final_response.as_deref(), Some(ANSWER));
    assert_eq!(items.len(), 1);
    assert_eq!((started_at, completed_at, duration_ms), (None, None, None));
}

fn check_metadata(metadata: &Metadata) {
    let Metadata { user_agent, codex_home, platform_family, platform_os, runtime_version, sdk_version, .. } = metadata;
    assert_eq!(user_agent, "fake/1.0");
    assert_eq!(codex_home, "/nowhere");
    assert_eq!((platform_family.as_str(), platform_os.as_str()), ("unix", "linux"));
    assert_eq!(runtime_version, &openai_codex::runtime::VERSION);
    assert_eq!(runtime_version, sdk_version);
}

/// Every setter of [`CodexBuilder`], for both the async and blocking builders.
fn async_builder() -> CodexBuilder {
    Codex::builder()
        .codex_bin("/nonexistent/codex")
        .env("CODEX_HOME", "/nonexistent/home")
        .env_remove("OPENAI_API_KEY")
        .cwd("/")
        .config("model", "\"mock-model\"")
        .client_info("surface-test", "0.0.0")
        .approval_handler(DeclineAll)
        .experimental_api(false)
        .install_if_missing(false)
        .allow_version_mismatch(false)
        .request_timeout(Duration::from_secs(5))
        .with_client(|client| client.shutdown_grace(Duration::from_secs(1)))
        .arg("--unused")
        .client_title("Surface test")
        .handler_timeout(None)
        .outgoing_queue(16)
        .runtime_log("warn")
        .event_buffer(64)
        .shutdown_grace(Duration::from_secs(1))
        .bearer_token("not-a-token")
        .jwt_signer(openai_codex::JwtSigner::new("secret", "surface-test", "codex"))
        .connect_timeout(Duration::from_secs(1))
        .start_daemon_if_missing(false)
        .turn_policy(openai_codex::TurnPolicy::default())
        .turn_timeout(Duration::from_secs(60))
        .reconnect_limit(None)
        .on_command_approval(|_| async { openai_codex::Decision::Decline })
}

#[tokio::test]
async fn the_async_codex_and_its_builder() {
    // A binary that does not exist: `spawn` fails without starting anything.
    assert!(async_builder().spawn().await.is_err());
    if false {
        let _: Codex = Codex::new().await.unwrap();
    }

    let (codex, wire) = connect().await;
    let low_level: &openai_codex::Client = codex.client();
    assert!(!low_level.is_closed());
    check_metadata(&codex.metadata());
    let codex = Codex::from_client(codex.client().clone());
    codex.close().await;
    assert!(codex.thread_start().send().await.is_err(), "a closed Codex sends nothing");
    assert_eq!(wire.methods(), Vec::<String>::new());
}

#[tokio::test]
async fn every_async_builder_and_setter() {
    let (codex, wire) = connect().await;

    let start = codex
        .thread_start()
        .model("mock-model")
        .model_provider("mock")
        .cwd("/work")
        .sandbox(Sandbox::WorkspaceWrite)
        .approval_mode(ApprovalMode::DenyAll)
        .base_instructions("base")
        .developer_instructions("developer")
        .ephemeral(true)
        .personality(Personality::Pragmatic)
        .service_tier("flex")
        .config_overrides(config())
        .with_params(|params| params.service_name = Some("surface".into()));
    assert_eq!(start.params().model.as_deref(), Some("mock-model"));
    let thread: Thread = start.send().await.unwrap();
    assert_eq!(
        wire.last_params("thread/start"),
        json!({
            "model": "mock-model", "modelProvider": "mock", "cwd": "/work", "sandbox": "workspace-write",
            "approvalPolicy": "never", "baseInstructions": "base", "developerInstructions": "developer",
            "ephemeral": true, "personality": "pragmatic", "serviceTier": "flex",
            "config": {"model_verbosity": "low"}, "serviceName": "surface"
        })
    );

    let resume = codex
        .thread_resume(THREAD_ID)
        .model("mock-model")
        .model_provider("mock")
        .cwd("/work")
        .sandbox(Sandbox::ReadOnly)
        .approval_mode(ApprovalMode::AutoReview)
        .base_instructions("base")
        .developer_instructions("developer")
        .personality(Personality::Friendly)
        .service_tier("flex")
        .config_overrides(config())
        .include_turns(false)
        .with_params(|params| params.path = Some("/rollout.jsonl".into()));
    assert_eq!(resume.params().thread_id, THREAD_ID);
    let _: Thread = resume.send().await.unwrap();
    assert_eq!(
        wire.last_params("thread/resume"),
        json!({
            "threadId": THREAD_ID, "model": "mock-model", "modelProvider": "mock", "cwd": "/work",
            "sandbox": "read-only", "approvalPolicy": "on-request", "approvalsReviewer": "auto_review",
            "baseInstructions": "base", "developerInstructions": "developer", "personality": "friendly",
            "serviceTier": "flex", "config": {"model_verbosity": "low"}, "excludeTurns": true,
            "path": "/rollout.jsonl"
        })
    );

    let fork = codex
        .thread_fork(THREAD_ID)
        .approval_mode(ApprovalMode::DenyAll)
        .base_instructions("base")
        .config_overrides(config())
        .cwd("/work")
        .developer_instructions("developer")
        .ephemeral(false)
        .include_turns(true)
        .up_to_turn(TURN_ID)
        .model("mock-model")
        .model_provider("mock")
        .sandbox(Sandbox::FullAccess)
        .service_tier("flex")
        .with_params(|params| params.path = Some("/rollout.jsonl".into()));
    assert_eq!(fork.params().last_turn_id.as_deref(), Some(TURN_ID));
    let _: Thread = fork.send().await.unwrap();
    assert_eq!(
        wire.last_params("thread/fork"),
        json!({
            "threadId": THREAD_ID, "approvalPolicy": "never", "baseInstructions": "base",
            "config": {"model_verbosity": "low"}, "cwd": "/work", "developerInstructions": "developer",
            "ephemeral": false, "excludeTurns": false, "lastTurnId": TURN_ID, "model": "mock-model",
            "modelProvider": "mock", "sandbox": "danger-full-access", "serviceTier": "flex",
            "path": "/rollout.jsonl"
        })
    );

    let list = codex
        .thread_list()
        .archived(false)
        .cursor("cursor-1")
        .cwd("/work")
        .limit(10u32)
        .model_providers(vec!["mock".to_owned()])
        .search("hello")
        .sort_direction(SortDirection::Asc)
        .sort_key(ThreadSortKey::UpdatedAt)
        .source_kinds(vec![ThreadSourceKind::Cli])
        .with_params(|params| params.limit = Some(20));
    assert_eq!(list.params().limit, Some(20));
    let page: openai_codex::types::ThreadListResponse = list.send().await.unwrap();
    assert_eq!(page.data[0].id, THREAD_ID);
    assert_eq!(
        wire.last_params("thread/list"),
        json!({
            "archived": false, "cursor": "cursor-1", "cwd": "/work", "limit": 20, "modelProviders": ["mock"],
            "searchTerm": "hello", "sortDirection": "asc", "sortKey": "updated_at", "sourceKinds": ["cli"]
        })
    );

    let archive = codex.thread_archive(THREAD_ID).with_params(|params| params.thread_id = THREAD_ID.into());
    assert_eq!(archive.params().thread_id, THREAD_ID);
    let (): () = archive.send().await.unwrap();
    assert_eq!(wire.last_params("thread/archive"), json!({"threadId": THREAD_ID}));

    let unarchive = codex.thread_unarchive(THREAD_ID).with_params(|params| params.thread_id = THREAD_ID.into());
    assert_eq!(unarchive.params().thread_id, THREAD_ID);
    let _: Thread = unarchive.send().await.unwrap();
    assert_eq!(wire.last_params("thread/unarchive"), json!({"threadId": THREAD_ID}));

    let turn = thread
        .turn(TurnInput::empty())
        .approval_mode(ApprovalMode::AutoReview)
        .cwd("/work")
        .effort(effort())
        .model("mock-model")
        .output_schema(OutputSchema::as_given(json!({"type": "object"})))
        .personality(Personality::None)
        .sandbox(Sandbox::WorkspaceWrite)
        .service_tier("flex")
        .summary(ReasoningSummary::Concise)
        .tool_output(tool_output())
        .with_params(|params| params.client_user_message_id = Some("message-1".into()));
    assert!(turn.params().input.is_empty());
    let handle: TurnHandle = turn.send().await.unwrap();
    assert_eq!(
        wire.last_params("turn/start"),
        json!({
            "threadId": THREAD_ID, "input": [], "approvalPolicy": "on-request", "approvalsReviewer": "auto_review",
            "cwd": "/work", "effort": "high", "model": "mock-model", "outputSchema": {"type": "object"},
            "personality": "none", "sandboxPolicy": {"type": "workspaceWrite"}, "serviceTier": "flex",
            "summary": "concise", "toolOutput": {"name": "lookup", "namespace": "tools", "output": "42", "retain": true},
            "clientUserMessageId": "message-1"
        })
    );
    check_result(&handle.wait().await.unwrap());
    codex.close().await;
}

#[tokio::test]
async fn every_async_thread_and_turn_call() {
    let (codex, wire) = connect().await;
    let thread = codex.thread_start().send().await.unwrap();
    assert_eq!(thread.id(), THREAD_ID);
    assert_eq!(thread.info().id, THREAD_ID);
    assert_eq!(thread.codex().metadata(), codex.metadata());

    check_result(&thread.run("hi").await.unwrap());
    let answer: Answer = thread.run_structured("answer in JSON").await.unwrap();
    assert_eq!(answer.answer, "hi");
    let _: openai_codex::types::Thread = thread.read(true).await.unwrap();
    thread.set_name("surface").await.unwrap();
    thread.compact().await.unwrap();
    for input in inputs() {
        let _: Vec<UserInput> = input.clone().into_wire();
        thread.turn(input).send().await.unwrap().run().await.unwrap();
    }

    let mut handle = thread.turn("hi").send().await.unwrap();
    assert_eq!(handle.id(), TURN_ID);
    assert_eq!(handle.thread().id(), THREAD_ID);
    handle.steer("more").await.unwrap();
    handle.steer(Input::Text("more".into())).await.unwrap();
    handle.interrupt().await.unwrap();
    let mut events = Vec::new();
    while let Some(event) = handle.next().await {
        events.push(event.unwrap());
    }
    assert!(matches!(events.last(), Some(ServerNotification::TurnCompleted(_))), "{events:?}");

    let read = openai_codex::retry_on_overload(|| thread.read(false)).await.unwrap();
    assert_eq!(read.id, THREAD_ID);
    let policy = RetryPolicy { max_attempts: 2, initial_delay: Duration::ZERO, max_delay: Duration::ZERO };
    policy.retry(|| thread.set_name("again")).await.unwrap();

    let methods = wire.methods();
    for method in [
        "thread/read", "thread/name/set", "thread/compact/start", "turn/start", "turn/steer", "turn/interrupt",
    ] {
        assert!(methods.iter().any(|sent| sent == method), "{method} was not sent: {methods:?}");
    }
    assert_eq!(
        wire.last_params("turn/steer"),
        json!({"threadId": THREAD_ID, "expectedTurnId": TURN_ID, "input": [{"type": "text", "text": "more"}]})
    );
    assert_eq!(wire.last_params("turn/interrupt"), json!({"threadId": THREAD_ID, "turnId": TURN_ID}));

    // Presets and the wire values they stand for (every mapping both ways:
    // api_wire.rs, presets_and_approval_modes_map_both_ways_...).
    let wire_of = |sandbox: Sandbox| (serde_json::to_value(sandbox.mode()).unwrap(), serde_json::to_value(sandbox.policy()).unwrap());
    assert_eq!(wire_of(Sandbox::ReadOnly), (json!("read-only"), json!({"type": "readOnly"})));
    assert_eq!(wire_of(Sandbox::WorkspaceWrite), (json!("workspace-write"), json!({"type": "workspaceWrite"})));
    assert_eq!(wire_of(Sandbox::FullAccess), (json!("danger-full-access"), json!({"type": "dangerFullAccess"})));
    let (policy, reviewer) = ApprovalMode::DenyAll.wire();
    assert_eq!((serde_json::to_value(policy).unwrap(), reviewer), (json!("never"), None));
    codex.close().await;
}

/// Signing in needs a real account: these calls only type-check.
async fn async_auth_surface(codex: Codex) -> openai_codex::Result<()> {
    let key = ApiKey::new("sk-test");
    let _: &str = key.expose_secret();
    codex.login_api_key(key).await?;
    codex.login_api_key("sk-test").await?;
    codex.login_api_key(String::from("sk-test")).await?;
    let mut browser: openai_codex::ChatgptLogin = codex.login_chatgpt().await?;
    let _: (&str, &str) = (browser.auth_url(), browser.login_id());
    let outcome: LoginOutcome = browser.wait(Some(Duration::from_secs(1))).await?;
    let _: bool = outcome.is_success();
    let _: openai_codex::types::CancelLoginAccountStatus = browser.cancel().await?;
    let mut device: openai_codex::DeviceCodeLogin = codex.login_chatgpt_device_code().await?;
    let _: (&str, &str, &str) = (device.verification_url(), device.user_code(), device.login_id());
    let _: LoginOutcome = device.wait(None).await?;
    // Both handles are one generic `Login`, with the kind's accessors.
    let _: &mut openai_codex::Login<openai_codex::ChatgptDeviceCode> = &mut device;
    let _: &openai_codex::Login<openai_codex::ChatgptBrowser> = &browser;
    device.cancel().await?;
    codex.logout().await?;
    let _: openai_codex::types::GetAccountResponse = codex.account().await?;
    let _: Vec<openai_codex::types::Model> = codex.models().await?;
    Ok(())
}

#[test]
fn auth_calls_type_check() {
    // Compiling the two functions is the check; naming them keeps them used.
    let _ = async_auth_surface;
    let _: fn(blocking::Codex) -> openai_codex::Result<()> = blocking_auth_surface;
}

/// The blocking twin of [`async_auth_surface`].
fn blocking_auth_surface(codex: blocking::Codex) -> openai_codex::Result<()> {
    codex.login_api_key(ApiKey::new("sk-test"))?;
    codex.login_api_key("sk-test")?;
    let mut browser: blocking::ChatgptLogin = codex.login_chatgpt()?;
    let _: (&str, &str) = (browser.auth_url(), browser.login_id());
    let _: LoginOutcome = browser.wait(Some(Duration::from_secs(1)))?;
    browser.cancel()?;
    let mut device: blocking::DeviceCodeLogin = codex.login_chatgpt_device_code()?;
    let _: (&str, &str, &str) = (device.verification_url(), device.user_code(), device.login_id());
    let _: LoginOutcome = device.wait(None)?;
    let _: &mut blocking::Login<openai_codex::ChatgptDeviceCode> = &mut device;
    let _: &blocking::Login<openai_codex::ChatgptBrowser> = &browser;
    device.cancel()?;
    codex.logout()?;
    let _: openai_codex::types::GetAccountResponse = codex.account()?;
    let _: Vec<openai_codex::types::Model> = codex.models()?;
    Ok(())
}

#[test]
fn the_blocking_codex_and_its_builder() {
    // Every setter of the blocking builder, on a binary that does not exist.
    let builder: blocking::CodexBuilder = blocking::Codex::builder()
        .codex_bin("/nonexistent/codex")
        .env("CODEX_HOME", "/nonexistent/home")
        .env_remove("OPENAI_API_KEY")
        .cwd("/")
        .config("model", "\"mock-model\"")
        .client_info("surface-test", "0.0.0")
        .approval_handler(DeclineAll)
        .experimental_api(false)
        .install_if_missing(false)
        .allow_version_mismatch(false)
        .request_timeout(Duration::from_secs(5))
        .with_client(|client| client.shutdown_grace(Duration::from_secs(1)))
        .with_async(|builder| builder.client_info("surface-test", "0.0.1"))
        .arg("--unused")
        .client_title("Surface test")
        .handler_timeout(None)
        .outgoing_queue(16)
        .runtime_log("warn")
        .event_buffer(64)
        .shutdown_grace(Duration::from_secs(1))
        .bearer_token("not-a-token")
        .jwt_signer(openai_codex::JwtSigner::new("secret", "surface-test", "codex"))
        .connect_timeout(Duration::from_secs(1))
        .start_daemon_if_missing(false)
        .turn_policy(openai_codex::TurnPolicy::default())
        .turn_timeout(Duration::from_secs(60))
        .reconnect_limit(None)
        .on_command_approval(|_| openai_codex::Decision::Decline)
        .runtime(tokio::runtime::Runtime::new().unwrap());
    assert!(builder.spawn().is_err());
    assert!(blocking::CodexBuilder::from(async_builder()).runtime(Arc::new(tokio::runtime::Runtime::new().unwrap())).spawn().is_err());
    if false {
        let _: blocking::Codex = blocking::Codex::new().unwrap();
    }

    let (codex, wire) = connect_blocking();
    let _: &Codex = codex.as_async();
    let _: &openai_codex::Client = codex.client();
    check_metadata(&codex.metadata());
    let runtime = Arc::new(tokio::runtime::Runtime::new().unwrap());
    let (async_codex, _) = runtime.block_on(connect());
    let other = blocking::Codex::from_async(async_codex, Arc::clone(&runtime));
    let answer = other.block_on(other.as_async().client().request_raw("thread/read", json!({"threadId": THREAD_ID})));
    assert_eq!(answer.unwrap()["thread"]["id"], THREAD_ID);
    other.close();
    codex.close();
    assert!(codex.thread_start().send().is_err(), "a closed Codex sends nothing");
    assert_eq!(wire.methods(), Vec::<String>::new());
}

#[test]
fn every_blocking_builder_and_setter() {
    let (codex, wire) = connect_blocking();
    let thread: blocking::Thread = codex
        .thread_start()
        .model("mock-model")
        .model_provider("mock")
        .cwd("/work")
        .sandbox(Sandbox::WorkspaceWrite)
        .approval_mode(ApprovalMode::DenyAll)
        .base_instructions("base")
        .developer_instructions("developer")
        .ephemeral(true)
        .personality(Personality::Pragmatic)
        .service_tier("flex")
        .config_overrides(config())
        .with_params(|params| params.service_name = Some("surface".into()))
        .send()
        .unwrap();
    let start = wire.last_params("thread/start");

    let resume: blocking::ThreadResumeBuilder<'_> = codex
        .thread_resume(THREAD_ID)
        .model("mock-model")
        .model_provider("mock")
        .cwd("/work")
        .sandbox(Sandbox::ReadOnly)
        .approval_mode(ApprovalMode::AutoReview)
        .base_instructions("base")
        .developer_instructions("developer")
        .personality(Personality::Friendly)
        .service_tier("flex")
        .config_overrides(config())
        .include_turns(false)
        .with_params(|params| params.path = Some("/rollout.jsonl".into()));
    assert_eq!(resume.params().thread_id, THREAD_ID);
    let _: blocking::Thread = resume.send().unwrap();

    let fork: blocking::ThreadForkBuilder<'_> = codex
        .thread_fork(THREAD_ID)
        .approval_mode(ApprovalMode::DenyAll)
        .base_instructions("base")
        .config_overrides(config())
        .cwd("/work")
        .developer_instructions("developer")
        .ephemeral(false)
        .include_turns(true)
        .up_to_turn(TURN_ID)
        .model("mock-model")
        .model_provider("mock")
        .sandbox(Sandbox::FullAccess)
        .service_tier("flex")
        .with_params(|params| params.path = Some("/rollout.jsonl".into()));
    assert_eq!(fork.params().thread_id, THREAD_ID);
    let _: blocking::Thread = fork.send().unwrap();

    let list: blocking::ThreadListBuilder<'_> = codex
        .thread_list()
        .archived(false)
        .cursor("cursor-1")
        .cwd("/work")
        .limit(10u32)
        .model_providers(vec!["mock".to_owned()])
        .search("hello")
        .sort_direction(SortDirection::Asc)
        .sort_key(ThreadSortKey::UpdatedAt)
        .source_kinds(vec![ThreadSourceKind::Cli])
        .with_params(|params| params.limit = Some(20));
    assert_eq!(list.params().limit, Some(20));
    let _: openai_codex::types::ThreadListResponse = list.send().unwrap();

    let archive: blocking::ThreadArchiveBuilder<'_> = codex.thread_archive(THREAD_ID).with_params(|_| {});
    assert_eq!(archive.params().thread_id, THREAD_ID);
    let (): () = archive.send().unwrap();
    let unarchive: blocking::ThreadUnarchiveBuilder<'_> = codex.thread_unarchive(THREAD_ID).with_params(|_| {});
    assert_eq!(unarchive.params().thread_id, THREAD_ID);
    let _: blocking::Thread = unarchive.send().unwrap();

    let turn: blocking::TurnBuilder<'_> = thread
        .turn(TurnInput::empty())
        .approval_mode(ApprovalMode::AutoReview)
        .cwd("/work")
        .effort(effort())
        .model("mock-model")
        .output_schema(OutputSchema::as_given(json!({"type": "object"})))
        .personality(Personality::None)
        .sandbox(Sandbox::WorkspaceWrite)
        .service_tier("flex")
        .summary(ReasoningSummary::Concise)
        .tool_output(tool_output())
        .with_params(|params| params.client_user_message_id = Some("message-1".into()));
    assert!(turn.params().input.is_empty());
    let handle: blocking::TurnHandle = turn.send().unwrap();
    let turn_params = wire.last_params("turn/start");
    check_result(&handle.wait().unwrap());

    // The blocking builders send exactly what the async ones send.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let expected = rt.block_on(async {
        let (codex, wire) = connect().await;
        let thread = codex
            .thread_start()
            .model("mock-model")
            .model_provider("mock")
            .cwd("/work")
            .sandbox(Sandbox::WorkspaceWrite)
            .approval_mode(ApprovalMode::DenyAll)
            .base_instructions("base")
            .developer_instructions("developer")
            .ephemeral(true)
            .personality(Personality::Pragmatic)
            .service_tier("flex")
            .config_overrides(config())
            .with_params(|params| params.service_name = Some("surface".into()))
            .send()
            .await
            .unwrap();
        thread
            .turn(TurnInput::empty())
            .approval_mode(ApprovalMode::AutoReview)
            .cwd("/work")
            .effort(effort())
            .model("mock-model")
            .output_schema(OutputSchema::as_given(json!({"type": "object"})))
            .personality(Personality::None)
            .sandbox(Sandbox::WorkspaceWrite)
            .service_tier("flex")
            .summary(ReasoningSummary::Concise)
            .tool_output(tool_output())
            .with_params(|params| params.client_user_message_id = Some("message-1".into()))
            .send()
            .await
            .unwrap();
        (wire.last_params("thread/start"), wire.last_params("turn/start"))
    });
    assert_eq!((start, turn_params), expected);
    codex.close();
}

#[test]
fn every_blocking_thread_and_turn_call() {
    let (codex, wire) = connect_blocking();
    let thread = codex.thread_start().send().unwrap();
    assert_eq!(thread.id(), THREAD_ID);
    assert_eq!(thread.info().id, THREAD_ID);
    assert_eq!(thread.codex().metadata(), codex.metadata());
    assert_eq!(thread.as_async().id(), THREAD_ID);

    check_result(&thread.run("hi").unwrap());
    let answer: Answer = thread.run_structured("answer in JSON").unwrap();
    assert_eq!(answer.answer, "hi");
    let _: openai_codex::types::Thread = thread.read(true).unwrap();
    thread.set_name("surface").unwrap();
    thread.compact().unwrap();
    for input in inputs() {
        thread.turn(input).send().unwrap().run().unwrap();
    }

    let handle = thread.turn("hi").send().unwrap();
    assert_eq!(handle.id(), TURN_ID);
    assert_eq!(handle.thread().id(), THREAD_ID);
    assert_eq!(handle.as_async().id(), TURN_ID);
    handle.steer("more").unwrap();
    handle.interrupt().unwrap();
    let events: Vec<ServerNotification> = handle.map(Result::unwrap).collect();
    assert!(matches!(events.last(), Some(ServerNotification::TurnCompleted(_))), "{events:?}");

    let read = blocking::retry_on_overload(|| thread.read(false)).unwrap();
    assert_eq!(read.id, THREAD_ID);
    RetryPolicy { max_attempts: 2, ..RetryPolicy::default() }.retry_blocking(|| thread.set_name("again")).unwrap();

    let methods = wire.methods();
    for method in [
        "thread/read", "thread/name/set", "thread/compact/start", "turn/start", "turn/steer", "turn/interrupt",
    ] {
        assert!(methods.iter().any(|sent| sent == method), "{method} was not sent: {methods:?}");
    }
    codex.close();
}
