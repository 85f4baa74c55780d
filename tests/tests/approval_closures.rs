//! Approval handlers from closures and async fns (`Approvals`, and the
//! `on_*` setters of the `Codex` builders): a closure decides its kind of
//! request against the real runtime (the disk shows it), every kind without
//! a closure keeps its fail-closed default (checked against the runtime for
//! commands and file changes, and by value for every server request), and a
//! trait handler answers the kinds without a closure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use openai_codex::handler::{DeclineAll, HandlerError, ServerRequestHandler};
use openai_codex::methods::{ServerRequest, SERVER_REQUESTS};
use openai_codex::types::{
    CommandExecutionRequestApprovalParams, CommandExecutionStatus, GrantedPermissionProfile, McpServerElicitationAction,
    McpServerElicitationRequestResponse, PatchApplyStatus, PermissionsRequestApprovalResponse, ThreadItem,
    ToolRequestUserInputResponse,
};
use openai_codex::{ApprovalMode, Approvals, Codex, CodexBuilder, Decision, Sandbox};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::Answer;
use openai_codex_tests::scenario::{command_statuses, escalated_write, within, CountingApprover, OutsideDir};
use serde::Serialize;
use serde_json::{json, Value};

fn builder(harness: &Harness) -> CodexBuilder {
    Codex::builder().with_client(|_| harness.client_builder())
}

async fn ask_handler_thread(codex: &Codex, harness: &Harness, sandbox: Sandbox) -> openai_codex::Thread {
    codex
        .thread_start()
        .model("gpt-5.5")
        .sandbox(sandbox)
        .cwd(harness.cwd())
        .approval_mode(ApprovalMode::AskHandler)
        .send()
        .await
        .expect("thread/start")
}

/// The model asks to write `escalated.txt` outside the read-only sandbox.
async fn escalate(harness: &Harness, codex: &Codex) -> (bool, Vec<CommandExecutionStatus>) {
    let target = harness.cwd().join("escalated.txt");
    harness.mock.push(escalated_write("call-esc", &target));
    harness.mock.push(Answer::text("finished"));
    let thread = ask_handler_thread(codex, harness, Sandbox::ReadOnly).await;
    let result = within("the turn", thread.run("Write it, escalating.")).await.expect("the turn completes");
    (target.exists(), command_statuses(&result.items))
}

/// The model asks `apply_patch` to add a file outside the workspace.
async fn patch_outside(harness: &Harness, codex: &Codex) -> (bool, Vec<PatchApplyStatus>) {
    let outside = OutsideDir::new();
    let target = outside.path().join("patched.txt");
    let patch = format!("*** Begin Patch\n*** Add File: {}\n+hello\n*** End Patch\n", target.display());
    harness.mock.push(Answer::apply_patch("call-patch", &patch));
    harness.mock.push(Answer::text("patched or not"));
    let thread = ask_handler_thread(codex, harness, Sandbox::WorkspaceWrite).await;
    let result = within("the turn", thread.run("Add the file.")).await.expect("the turn completes");
    let statuses = result
        .items
        .iter()
        .filter_map(|item| match item {
            ThreadItem::FileChange { status, .. } => Some(status.clone()),
            _ => None,
        })
        .collect();
    (target.exists(), statuses)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_closure_decides_and_the_approved_command_runs() {
    let harness = Harness::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let codex = builder(&harness)
        .on_command_approval({
            let seen = Arc::clone(&seen);
            move |request| {
                seen.lock().unwrap().push(request.command.unwrap_or_default());
                async { Decision::Accept }
            }
        })
        .spawn()
        .await
        .expect("the runtime starts");

    let (written, statuses) = escalate(&harness, &codex).await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "the closure was asked once: {seen:?}");
    assert!(seen[0].contains("escalated.txt"), "{seen:?}");
    assert!(written, "the approved command ran outside the sandbox");
    assert_eq!(statuses, [CommandExecutionStatus::Completed]);
    close_and_check(codex.client().clone()).await;
}

/// An async fn works where a closure does, and its decline is obeyed.
async fn decline_deletes(request: CommandExecutionRequestApprovalParams) -> Decision {
    if request.command.unwrap_or_default().contains("escalated") {
        Decision::Decline
    } else {
        Decision::Accept
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_async_fn_declines_and_nothing_is_written() {
    let harness = Harness::start().await;
    let codex = builder(&harness).on_command_approval(decline_deletes).spawn().await.expect("the runtime starts");
    let (written, statuses) = escalate(&harness, &codex).await;
    assert!(!written, "the declined command wrote");
    assert_eq!(statuses, [CommandExecutionStatus::Declined]);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_without_a_closure_is_declined_when_only_file_changes_have_one() {
    let harness = Harness::start().await;
    let asked = Arc::new(AtomicUsize::new(0));
    let codex = builder(&harness)
        .on_file_change_approval({
            let asked = Arc::clone(&asked);
            move |_| {
                asked.fetch_add(1, Ordering::SeqCst);
                async { Decision::Accept }
            }
        })
        .spawn()
        .await
        .expect("the runtime starts");
    let (written, statuses) = escalate(&harness, &codex).await;
    assert!(!written, "a command approval without a closure must fail closed");
    assert_eq!(statuses, [CommandExecutionStatus::Declined]);
    assert_eq!(asked.load(Ordering::SeqCst), 0, "the file-change closure is not asked about commands");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_change_closure_accepts_and_the_patch_is_applied() {
    let harness = Harness::start().await;
    let codex = builder(&harness)
        .on_file_change_approval(|_| async { Decision::Accept })
        .spawn()
        .await
        .expect("the runtime starts");
    let (written, statuses) = patch_outside(&harness, &codex).await;
    assert!(written, "the accepted patch was applied");
    assert_eq!(statuses, [PatchApplyStatus::Completed]);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_change_without_a_closure_is_declined_when_only_commands_have_one() {
    let harness = Harness::start().await;
    let codex = builder(&harness)
        .on_command_approval(|_| async { Decision::Accept })
        .spawn()
        .await
        .expect("the runtime starts");
    let (written, statuses) = patch_outside(&harness, &codex).await;
    assert!(!written, "a file change without a closure must fail closed");
    assert_eq!(statuses, [PatchApplyStatus::Declined]);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trait_handler_answers_the_kinds_without_a_closure() {
    let harness = Harness::start().await;
    let approver = CountingApprover::new(true);
    let codex = builder(&harness)
        .approval_handler(approver.clone())
        .on_file_change_approval(|_| async { Decision::Decline })
        .spawn()
        .await
        .expect("the runtime starts");
    let (written, statuses) = escalate(&harness, &codex).await;
    assert_eq!(approver.seen(), 1, "the command approval went to the trait handler");
    assert!(written);
    assert_eq!(statuses, [CommandExecutionStatus::Completed]);
    close_and_check(codex.client().clone()).await;
}

#[test]
fn a_blocking_builder_takes_a_plain_closure() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let harness = runtime.block_on(Harness::start());
    let target = harness.cwd().join("escalated.txt");
    harness.mock.push(escalated_write("call-esc", &target));
    harness.mock.push(Answer::text("finished"));
    let codex = openai_codex::blocking::Codex::builder()
        .with_client(|_| harness.client_builder())
        .runtime(runtime)
        .on_command_approval(|request| {
            assert!(request.command.unwrap_or_default().contains("escalated.txt"));
            Decision::Accept
        })
        .spawn()
        .expect("the runtime starts");
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .cwd(harness.cwd())
        .approval_mode(ApprovalMode::AskHandler)
        .send()
        .expect("thread/start");
    let result = thread.run("Write it, escalating.").expect("the turn completes");
    assert!(target.exists(), "the approved command ran");
    assert_eq!(command_statuses(&result.items), [CommandExecutionStatus::Completed]);
    codex.close();
}

// --- Every server request, by value ------------------------------------------

/// Minimal valid params for each server request.
fn sample_request(method: &str) -> ServerRequest {
    let ids = json!({"threadId": "t", "turnId": "u", "itemId": "i", "startedAtMs": 1});
    let with_ids = |extra: Value| {
        let mut params = ids.clone();
        params.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        params
    };
    let params = match method {
        "item/commandExecution/requestApproval" | "item/fileChange/requestApproval" => ids.clone(),
        "item/permissions/requestApproval" => with_ids(json!({"cwd": "/w", "permissions": {}})),
        "item/tool/requestUserInput" => with_ids(json!({"isBlocking": true, "questions": []})),
        "mcpServer/elicitation/request" => json!({"threadId": "t", "serverName": "s", "mode": "url", "message": "m", "url": "https://example.invalid", "elicitationId": "e"}),
        "item/tool/call" => json!({"threadId": "t", "turnId": "u", "callId": "c", "tool": "x", "arguments": {}}),
        "account/chatgptAuthTokens/refresh" => json!({"reason": "unauthorized"}),
        "attestation/generate" => json!({}),
        "applyPatchApproval" => json!({"conversationId": "t", "callId": "c", "fileChanges": {}}),
        "execCommandApproval" => json!({"conversationId": "t", "callId": "c", "command": ["ls"], "cwd": "/w", "parsedCmd": []}),
        other => panic!("no sample for the server request {other}: add one (and a closure kind if it is an approval)"),
    };
    serde_json::from_value(json!({"method": method, "params": params}))
        .unwrap_or_else(|error| panic!("sample params of {method}: {error}"))
}

/// What `handler` answers, as the JSON sent back (or the error code).
async fn answer(handler: &dyn ServerRequestHandler, request: ServerRequest) -> Result<Value, i64> {
    fn body<T: Serialize>(result: Result<T, HandlerError>) -> Result<Value, i64> {
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

/// For each kind with a closure: `Approvals` with only that closure answers
/// that kind with the closure's (non-default) answer, and every other server
/// request exactly as the fail-closed `DeclineAll` does.
#[tokio::test]
async fn every_kind_without_a_closure_keeps_its_fail_closed_default() {
    let granted = || {
        let mut response = PermissionsRequestApprovalResponse::new(GrantedPermissionProfile::default());
        response.scope = Some(openai_codex::types::PermissionGrantScope::Session);
        response
    };
    let accepted_elicitation = || McpServerElicitationRequestResponse::new(McpServerElicitationAction::Accept);
    let answered = || {
        let mut answers = std::collections::HashMap::new();
        answers.insert("q".to_owned(), serde_json::from_value(json!({"answers": ["yes"]})).unwrap());
        ToolRequestUserInputResponse::new(answers)
    };
    let single: Vec<(&str, Approvals)> = vec![
        ("item/commandExecution/requestApproval", Approvals::new().on_command_approval(|_| async { Decision::Accept })),
        ("item/fileChange/requestApproval", Approvals::new().on_file_change_approval(|_| async { Decision::AcceptForSession })),
        ("item/permissions/requestApproval", Approvals::new().on_permissions_request(move |_| async move { granted() })),
        ("item/tool/requestUserInput", Approvals::new().on_user_input(move |_| async move { answered() })),
        ("mcpServer/elicitation/request", Approvals::new().on_elicitation(move |_| async move { accepted_elicitation() })),
    ];
    for (kind, approvals) in &single {
        for row in SERVER_REQUESTS {
            let got = answer(approvals, sample_request(row.method)).await;
            let default = answer(&DeclineAll, sample_request(row.method)).await;
            if row.method == *kind {
                assert_ne!(got, default, "the closure for {kind} answered");
            } else {
                assert_eq!(got, default, "{} with only a closure for {kind}", row.method);
            }
        }
    }
    // No closure at all: exactly the defaults.
    for row in SERVER_REQUESTS {
        let got = answer(&Approvals::new(), sample_request(row.method)).await;
        assert_eq!(got, answer(&DeclineAll, sample_request(row.method)).await, "{}", row.method);
    }
}

#[tokio::test]
async fn decisions_map_to_the_wire_and_errors_become_json_rpc_errors() {
    let request = || sample_request("item/commandExecution/requestApproval");
    for (decision, wire) in [
        (Decision::Accept, "accept"),
        (Decision::AcceptForSession, "acceptForSession"),
        (Decision::Decline, "decline"),
        (Decision::Cancel, "cancel"),
    ] {
        let approvals = Approvals::new().on_command_approval(move |_| async move { decision });
        assert_eq!(answer(&approvals, request()).await, Ok(json!({"decision": wire})), "{decision:?}");
        let approvals = Approvals::new().on_file_change_approval(move |_| async move { decision });
        let got = answer(&approvals, sample_request("item/fileChange/requestApproval")).await;
        assert_eq!(got, Ok(json!({"decision": wire})), "{decision:?}");
    }
    let failing = Approvals::new()
        .on_command_approval(|_| async { Err::<Decision, _>(HandlerError::internal("cannot decide")) });
    assert_eq!(answer(&failing, request()).await, Err(-32603));
}
