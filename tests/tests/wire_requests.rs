//! Typed client requests serialise to JSON that the pinned schema accepts
//! (checked with a JSON Schema validator), and so do the default handler's
//! answers to every server request. The catalog holds every method of the
//! schema.

use std::path::PathBuf;

use openai_codex::handler::{DeclineAll, ServerRequestHandler};
use openai_codex::methods::{self, ClientMethod, ServerRequest};
use openai_codex::types::{
    AskForApproval, ApprovalsReviewer, SandboxMode, SandboxPolicy, ThreadListParams,
    ThreadResumeParams, ThreadStartParams, TurnInterruptParams, TurnStartParams, UserInput,
};
use serde::Serialize;
use serde_json::{json, Value};

fn snapshot(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/snapshot").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Validates `instance` against `schema`, listing every error.
fn assert_valid(schema: &Value, instance: &Value, context: &str) {
    let validator = jsonschema::validator_for(schema).expect("the snapshot is a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{context}: {instance}\nis not valid:\n{}", errors.join("\n"));
}

/// A whole request frame, as the client sends it.
fn request_frame<M: ClientMethod>(params: M::Params) -> Value {
    let mut frame = json!({"id": 1, "method": M::METHOD});
    let params = serde_json::to_value(params).unwrap();
    if !params.is_null() {
        frame["params"] = params;
    }
    frame
}

fn assert_valid_request<M: ClientMethod>(params: M::Params) -> Value {
    let frame = request_frame::<M>(params);
    assert_valid(&snapshot("ClientRequest.json"), &frame, M::METHOD);
    frame
}

fn text(text: &str) -> Vec<UserInput> {
    vec![UserInput::Text { text: text.to_owned(), text_elements: Some(Vec::new()) }]
}

fn turn(sandbox: Option<SandboxPolicy>) -> TurnStartParams {
    let mut params: TurnStartParams =
        serde_json::from_value(json!({"threadId": "thread-1", "input": []})).unwrap();
    params.input = text("hello");
    params.sandbox_policy = sandbox;
    params
}

#[test]
fn thread_start_with_each_sandbox_mode_is_valid() {
    for (mode, wire) in [
        (SandboxMode::ReadOnly, "read-only"),
        (SandboxMode::WorkspaceWrite, "workspace-write"),
        (SandboxMode::DangerFullAccess, "danger-full-access"),
    ] {
        let params = ThreadStartParams {
            cwd: Some("/work".into()),
            sandbox: Some(mode),
            approval_policy: Some(AskForApproval::OnRequest),
            approvals_reviewer: Some(ApprovalsReviewer::AutoReview),
            model: Some("gpt-5.5".into()),
            ..Default::default()
        };
        let frame = assert_valid_request::<methods::client::ThreadStart>(params);
        assert_eq!(frame["params"]["sandbox"], wire);
    }
}

#[test]
fn turn_start_with_each_sandbox_policy_is_valid() {
    let policies = [
        (None, Value::Null),
        (Some(SandboxPolicy::ReadOnly { network_access: None }), json!({"type": "readOnly"})),
        (
            Some(SandboxPolicy::WorkspaceWrite {
                exclude_slash_tmp: None,
                exclude_tmpdir_env_var: None,
                network_access: Some(false),
                writable_roots: Some(Vec::new()),
            }),
            json!({"type": "workspaceWrite", "networkAccess": false, "writableRoots": []}),
        ),
        (Some(SandboxPolicy::DangerFullAccess), json!({"type": "dangerFullAccess"})),
    ];
    for (policy, wire) in policies {
        let frame = assert_valid_request::<methods::client::TurnStart>(turn(policy));
        assert_eq!(frame["params"].get("sandboxPolicy").cloned().unwrap_or(Value::Null), wire);
        assert_eq!(frame["params"]["input"][0]["type"], "text");
    }
}

#[test]
fn other_requests_are_valid() {
    assert_valid_request::<methods::client::ThreadList>(ThreadListParams::default());
    let resume = ThreadResumeParams {
        sandbox: Some(SandboxMode::ReadOnly),
        ..serde_json::from_value(json!({"threadId": "thread-1"})).unwrap()
    };
    assert_valid_request::<methods::client::ThreadResume>(resume);
    let interrupt: TurnInterruptParams =
        serde_json::from_value(json!({"threadId": "thread-1", "turnId": "turn-1"})).unwrap();
    assert_valid_request::<methods::client::TurnInterrupt>(interrupt);
    assert_valid_request::<methods::client::AccountLogout>(());
}

/// The JSON Schema of one definition of the full bundle.
fn definition_schema(name: &str) -> Value {
    let mut bundle = snapshot("codex_app_server_protocol.schemas.json");
    let bundle_object = bundle.as_object_mut().unwrap();
    bundle_object.remove("title");
    bundle_object.remove("type");
    bundle_object.insert("allOf".into(), json!([{"$ref": format!("#/definitions/{name}")}]));
    bundle
}

/// Recorded or minimal params for each server request, enough to call the handler.
fn sample_request(method: &str) -> Option<ServerRequest> {
    let ids = json!({"threadId": "t", "turnId": "u", "itemId": "i", "startedAtMs": 1});
    let with_ids = |extra: Value| {
        let mut params = ids.clone();
        params.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        params
    };
    let params = match method {
        "item/commandExecution/requestApproval" => ids.clone(),
        "item/fileChange/requestApproval" => ids.clone(),
        "item/permissions/requestApproval" => with_ids(json!({"cwd": "/w", "permissions": {}})),
        "item/tool/requestUserInput" => with_ids(json!({"isBlocking": true, "questions": []})),
        "mcpServer/elicitation/request" => json!({"threadId": "t", "serverName": "s", "mode": "url", "message": "m", "url": "https://example.invalid", "elicitationId": "e"}),
        "item/tool/call" => json!({"threadId": "t", "turnId": "u", "callId": "c", "tool": "x", "arguments": {}}),
        "account/chatgptAuthTokens/refresh" => json!({"reason": "unauthorized"}),
        "attestation/generate" => json!({}),
        "applyPatchApproval" => json!({"conversationId": "t", "callId": "c", "fileChanges": {}}),
        "execCommandApproval" => json!({"conversationId": "t", "callId": "c", "command": ["ls"], "cwd": "/w", "parsedCmd": []}),
        _ => return None,
    };
    let request = serde_json::from_value(json!({"method": method, "params": params}))
        .unwrap_or_else(|error| panic!("sample params of {method}: {error}"));
    Some(request)
}

#[tokio::test]
async fn the_default_handler_answers_every_server_request_with_a_schema_valid_body() {
    let handler = DeclineAll;
    for row in methods::SERVER_REQUESTS {
        let request = sample_request(row.method)
            .unwrap_or_else(|| panic!("add sample params for the new server request {}", row.method));
        assert!(!request.is_unknown(), "{} decoded as Unknown", row.method);
        let answer = answer(&handler, request).await;
        match answer {
            Ok(body) => {
                let response = row.response.unwrap();
                assert_valid(&definition_schema(response), &body, row.method);
            }
            // Requests that cannot be declined get a JSON-RPC error instead.
            Err(code) => assert!(
                matches!(row.method, "account/chatgptAuthTokens/refresh" | "attestation/generate"),
                "{} answered with error {code}",
                row.method
            ),
        }
    }
}

/// The fail-closed answer of the default handler to each server request, by
/// value: a schema-valid `accept` would pass the test above, not this one.
fn expected_default_answer(method: &str) -> Result<Value, i64> {
    let refused = "declined by the client's default handler";
    match method {
        "item/commandExecution/requestApproval" => Ok(json!({"decision": "decline"})),
        "item/fileChange/requestApproval" => Ok(json!({"decision": "decline"})),
        // Nothing granted, and only for this turn.
        "item/permissions/requestApproval" => Ok(json!({"permissions": {}, "scope": "turn"})),
        "item/tool/requestUserInput" => Ok(json!({"answers": {}})),
        "mcpServer/elicitation/request" => Ok(json!({"action": "decline"})),
        "item/tool/call" => Ok(json!({
            "contentItems": [{"type": "inputText", "text": "The tool `x` is not available: this client has no tools for this thread."}],
            "success": false
        })),
        // Cannot be declined meaningfully: a JSON-RPC error (method not found).
        "account/chatgptAuthTokens/refresh" | "attestation/generate" => Err(-32601),
        "applyPatchApproval" | "execCommandApproval" => Ok(json!({"decision": {"denied": {"rejection": refused}}})),
        other => panic!("add the expected default answer for the new server request {other}"),
    }
}

#[tokio::test]
async fn the_default_handler_declines_every_server_request_by_value() {
    for row in methods::SERVER_REQUESTS {
        let request = sample_request(row.method).unwrap();
        let got = answer(&DeclineAll, request).await;
        assert_eq!(got, expected_default_answer(row.method), "the default answer to {}", row.method);
    }
}

/// The free functions behind `DeclineAll`, which custom handlers call for
/// what they do not decide, answer the same.
#[test]
fn the_handler_defaults_functions_decline_by_value() {
    use openai_codex::handler_defaults as defaults;
    fn body<T: Serialize>(result: Result<T, openai_codex::handler::HandlerError>) -> Result<Value, i64> {
        result.map(|value| serde_json::to_value(value).unwrap()).map_err(|error| error.code())
    }
    for row in methods::SERVER_REQUESTS {
        let got = match sample_request(row.method).unwrap() {
            ServerRequest::ItemCommandExecutionRequestApproval(p) => body(defaults::item_command_execution_request_approval(&p)),
            ServerRequest::ItemFileChangeRequestApproval(p) => body(defaults::item_file_change_request_approval(&p)),
            ServerRequest::ItemPermissionsRequestApproval(p) => body(defaults::item_permissions_request_approval(&p)),
            ServerRequest::ItemToolRequestUserInput(p) => body(defaults::item_tool_request_user_input(&p)),
            ServerRequest::McpServerElicitationRequest(p) => body(defaults::mcp_server_elicitation_request(&p)),
            ServerRequest::ItemToolCall(p) => body(defaults::item_tool_call(&p)),
            ServerRequest::AccountChatgptAuthTokensRefresh(p) => body(defaults::account_chatgpt_auth_tokens_refresh(&p)),
            ServerRequest::AttestationGenerate(p) => body(defaults::attestation_generate(&p)),
            ServerRequest::ApplyPatchApproval(p) => body(defaults::apply_patch_approval(&p)),
            ServerRequest::ExecCommandApproval(p) => body(defaults::exec_command_approval(&p)),
            other => panic!("no answer path for {}", other.method()),
        };
        assert_eq!(got, expected_default_answer(row.method), "handler_defaults for {}", row.method);
    }
}

/// What the handler answers, as the JSON sent back (or the error code).
async fn answer(handler: &DeclineAll, request: ServerRequest) -> Result<Value, i64> {
    fn body<T: Serialize>(result: Result<T, openai_codex::handler::HandlerError>) -> Result<Value, i64> {
        result.map(|value| serde_json::to_value(value).unwrap()).map_err(|error| error.code())
    }
    match request {
        ServerRequest::ItemCommandExecutionRequestApproval(p) => body(handler.item_command_execution_request_approval(p).await),
        ServerRequest::ItemFileChangeRequestApproval(p) => body(handler.item_file_change_request_approval(p).await),
        ServerRequest::ItemPermissionsRequestApproval(p) => body(handler.item_permissions_request_approval(p).await),
        ServerRequest::ItemToolRequestUserInput(p) => body(handler.item_tool_request_user_input(p).await),
        ServerRequest::McpServerElicitationRequest(p) => body(handler.mcp_server_elicitation_request(p).await),
        ServerRequest::ItemToolCall(p) => body(handler.item_tool_call(p).await),
        ServerRequest::AccountChatgptAuthTokensRefresh(p) => body(handler.account_chatgpt_auth_tokens_refresh(p).await),
        ServerRequest::AttestationGenerate(p) => body(handler.attestation_generate(p).await),
        ServerRequest::ApplyPatchApproval(p) => body(handler.apply_patch_approval(p).await),
        ServerRequest::ExecCommandApproval(p) => body(handler.exec_command_approval(p).await),
        other => panic!("no answer path for {}", other.method()),
    }
}

/// The methods a method-union file of the snapshot lists.
fn methods_in(file: &str) -> Vec<String> {
    snapshot(file)["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| variant["properties"]["method"]["enum"][0].as_str().unwrap().to_owned())
        .collect()
}

/// The methods of one union in the full bundle of the snapshot.
fn methods_in_bundle(definition: &str) -> Vec<String> {
    snapshot("codex_app_server_protocol.schemas.json")["definitions"][definition]["oneOf"]
        .as_array()
        .unwrap_or_else(|| panic!("the bundle has no {definition} union"))
        .iter()
        .map(|variant| variant["properties"]["method"]["enum"][0].as_str().unwrap().to_owned())
        .collect()
}

fn catalog(rows: &[methods::MethodInfo]) -> Vec<String> {
    rows.iter().map(|row| row.method.to_owned()).collect()
}

#[test]
fn the_catalog_holds_every_method_of_the_schema() {
    let client = methods_in("ClientRequest.json");
    let notifications = methods_in("ServerNotification.json");
    let server = methods_in("ServerRequest.json");
    assert_eq!(catalog(methods::CLIENT_REQUESTS), client);
    assert_eq!(catalog(methods::SERVER_NOTIFICATIONS), notifications);
    assert_eq!(catalog(methods::SERVER_REQUESTS), server);
    assert_eq!(catalog(methods::CLIENT_NOTIFICATIONS), methods_in("ClientNotification.json"));
    // The per-method files agree with the full bundle's unions (a second
    // source in the same snapshot), whatever the pinned version.
    assert_eq!(client, methods_in_bundle("ClientRequest"));
    assert_eq!(notifications, methods_in_bundle("ServerNotification"));
    assert_eq!(server, methods_in_bundle("ServerRequest"));
    assert!(!client.is_empty() && !notifications.is_empty() && !server.is_empty());
    assert!(methods::CLIENT_REQUESTS.iter().all(|row| row.response.is_some()));
    assert!(methods::SERVER_REQUESTS.iter().all(|row| row.params.is_some() && row.response.is_some()));
}
