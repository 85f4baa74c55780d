//! What the friendly API's presets put on the wire, captured at the
//! transport: a fake app-server records every frame, and each test asserts
//! the exact JSON params of the request (so a stray or missing field fails).

mod fake_app_server;

use fake_app_server::{connect, connect_blocking, ANSWER, THREAD_ID, TURN_ID};
use openai_codex::{ApprovalMode, Sandbox};
use serde_json::{json, Value};

/// The three presets with their thread-level (`sandbox`) and turn-level
/// (`sandboxPolicy`) wire values.
fn presets() -> [(Sandbox, &'static str, Value); 3] {
    [
        (Sandbox::ReadOnly, "read-only", json!({"type": "readOnly"})),
        (Sandbox::WorkspaceWrite, "workspace-write", json!({"type": "workspaceWrite"})),
        (Sandbox::FullAccess, "danger-full-access", json!({"type": "dangerFullAccess"})),
    ]
}

/// The input of `thread.turn("hi")` on the wire.
fn hi() -> Value {
    json!([{"type": "text", "text": "hi"}])
}

#[tokio::test]
async fn thread_start_sends_each_sandbox_preset_with_the_default_approval_mode() {
    let (codex, wire) = connect().await;
    for (preset, mode, _) in presets() {
        codex.thread_start().sandbox(preset).send().await.unwrap();
        assert_eq!(
            wire.last_params("thread/start"),
            json!({"sandbox": mode, "approvalPolicy": "on-request", "approvalsReviewer": "auto_review"}),
            "{preset:?}"
        );
    }
}

#[tokio::test]
async fn thread_resume_sends_each_sandbox_preset() {
    let (codex, wire) = connect().await;
    for (preset, mode, _) in presets() {
        codex.thread_resume(THREAD_ID).sandbox(preset).send().await.unwrap();
        assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID, "sandbox": mode}), "{preset:?}");
    }
}

#[tokio::test]
async fn thread_fork_sends_each_sandbox_preset() {
    let (codex, wire) = connect().await;
    for (preset, mode, _) in presets() {
        codex.thread_fork(THREAD_ID).sandbox(preset).send().await.unwrap();
        assert_eq!(wire.last_params("thread/fork"), json!({"threadId": THREAD_ID, "sandbox": mode}), "{preset:?}");
    }
}

#[tokio::test]
async fn a_turn_sends_each_sandbox_preset_as_a_policy() {
    let (codex, wire) = connect().await;
    let thread = codex.thread_resume(THREAD_ID).send().await.unwrap();
    for (preset, _, policy) in presets() {
        thread.turn("hi").sandbox(preset).send().await.unwrap().wait().await.unwrap();
        assert_eq!(
            wire.last_params("turn/start"),
            json!({"threadId": THREAD_ID, "input": hi(), "sandboxPolicy": policy}),
            "{preset:?}"
        );
    }
}

#[tokio::test]
async fn thread_start_without_setters_sends_only_the_default_approval_mode() {
    let (codex, wire) = connect().await;
    codex.thread_start().send().await.unwrap();
    assert_eq!(
        wire.last_params("thread/start"),
        json!({"approvalPolicy": "on-request", "approvalsReviewer": "auto_review"})
    );
}

#[tokio::test]
async fn deny_all_is_never_and_sets_no_reviewer_everywhere() {
    let (codex, wire) = connect().await;
    codex.thread_start().approval_mode(ApprovalMode::DenyAll).send().await.unwrap();
    assert_eq!(wire.last_params("thread/start"), json!({"approvalPolicy": "never"}));

    codex.thread_resume(THREAD_ID).approval_mode(ApprovalMode::DenyAll).send().await.unwrap();
    assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID, "approvalPolicy": "never"}));

    let thread = codex.thread_fork(THREAD_ID).approval_mode(ApprovalMode::DenyAll).send().await.unwrap();
    assert_eq!(wire.last_params("thread/fork"), json!({"threadId": THREAD_ID, "approvalPolicy": "never"}));

    thread.turn("hi").approval_mode(ApprovalMode::DenyAll).send().await.unwrap();
    assert_eq!(
        wire.last_params("turn/start"),
        json!({"threadId": THREAD_ID, "input": hi(), "approvalPolicy": "never"})
    );
}

#[tokio::test]
async fn auto_review_set_explicitly_sends_policy_and_reviewer() {
    let (codex, wire) = connect().await;
    codex.thread_resume(THREAD_ID).approval_mode(ApprovalMode::AutoReview).send().await.unwrap();
    assert_eq!(
        wire.last_params("thread/resume"),
        json!({"threadId": THREAD_ID, "approvalPolicy": "on-request", "approvalsReviewer": "auto_review"})
    );
    // The last setter wins: DenyAll after AutoReview clears the reviewer.
    codex
        .thread_start()
        .approval_mode(ApprovalMode::AutoReview)
        .approval_mode(ApprovalMode::DenyAll)
        .send()
        .await
        .unwrap();
    assert_eq!(wire.last_params("thread/start"), json!({"approvalPolicy": "never"}));
}

#[tokio::test]
async fn omitted_sandbox_and_approval_are_absent_on_resume_fork_and_turn() {
    let (codex, wire) = connect().await;
    codex.thread_resume(THREAD_ID).send().await.unwrap();
    assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID}));

    let thread = codex.thread_fork(THREAD_ID).send().await.unwrap();
    assert_eq!(wire.last_params("thread/fork"), json!({"threadId": THREAD_ID}));

    thread.turn("hi").send().await.unwrap().wait().await.unwrap();
    assert_eq!(wire.last_params("turn/start"), json!({"threadId": THREAD_ID, "input": hi()}));
}

#[tokio::test]
async fn include_turns_is_the_inverse_of_exclude_turns() {
    let (codex, wire) = connect().await;
    codex.thread_resume(THREAD_ID).include_turns(false).send().await.unwrap();
    assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID, "excludeTurns": true}));
    codex.thread_resume(THREAD_ID).include_turns(true).send().await.unwrap();
    assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID, "excludeTurns": false}));

    codex.thread_fork(THREAD_ID).include_turns(false).send().await.unwrap();
    assert_eq!(wire.last_params("thread/fork"), json!({"threadId": THREAD_ID, "excludeTurns": true}));
}

#[tokio::test]
async fn with_params_sets_a_field_that_has_no_setter() {
    let (codex, wire) = connect().await;
    codex
        .thread_start()
        .with_params(|params| params.service_name = Some("my-service".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wire.last_params("thread/start"),
        json!({"serviceName": "my-service", "approvalPolicy": "on-request", "approvalsReviewer": "auto_review"})
    );

    let thread = codex.thread_resume(THREAD_ID).send().await.unwrap();
    thread
        .turn("hi")
        .with_params(|params| params.client_user_message_id = Some("message-7".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        wire.last_params("turn/start"),
        json!({"threadId": THREAD_ID, "input": hi(), "clientUserMessageId": "message-7"})
    );

    // `with_params` can also undo a default: no approval fields at all.
    codex
        .thread_start()
        .with_params(|params| {
            params.approval_policy = None;
            params.approvals_reviewer = None;
        })
        .send()
        .await
        .unwrap();
    assert_eq!(wire.last_params("thread/start"), json!({}));
}

#[test]
fn the_blocking_builders_send_the_same_params() {
    let (codex, wire) = connect_blocking();
    for (preset, mode, policy) in presets() {
        let thread = codex.thread_start().sandbox(preset).send().unwrap();
        assert_eq!(
            wire.last_params("thread/start"),
            json!({"sandbox": mode, "approvalPolicy": "on-request", "approvalsReviewer": "auto_review"}),
        );
        codex.thread_resume(THREAD_ID).sandbox(preset).send().unwrap();
        assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID, "sandbox": mode}));
        codex.thread_fork(THREAD_ID).sandbox(preset).send().unwrap();
        assert_eq!(wire.last_params("thread/fork"), json!({"threadId": THREAD_ID, "sandbox": mode}));
        thread.turn("hi").sandbox(preset).send().unwrap().wait().unwrap();
        assert_eq!(
            wire.last_params("turn/start"),
            json!({"threadId": THREAD_ID, "input": hi(), "sandboxPolicy": policy})
        );
    }
    codex.thread_start().approval_mode(ApprovalMode::DenyAll).send().unwrap();
    assert_eq!(wire.last_params("thread/start"), json!({"approvalPolicy": "never"}));
    codex.thread_resume(THREAD_ID).include_turns(false).send().unwrap();
    assert_eq!(wire.last_params("thread/resume"), json!({"threadId": THREAD_ID, "excludeTurns": true}));
    codex.close();
}

#[tokio::test]
async fn ask_handler_is_on_request_with_the_user_reviewer() {
    let (codex, wire) = connect().await;
    let thread = codex.thread_start().approval_mode(ApprovalMode::AskHandler).send().await.unwrap();
    assert_eq!(wire.last_params("thread/start"), json!({"approvalPolicy": "on-request", "approvalsReviewer": "user"}));
    thread.turn("hi").approval_mode(ApprovalMode::AskHandler).send().await.unwrap();
    assert_eq!(
        wire.last_params("turn/start"),
        json!({"threadId": THREAD_ID, "input": hi(), "approvalPolicy": "on-request", "approvalsReviewer": "user"})
    );
}

/// The mappings read back what a thread runs with: each preset and mode
/// comes back from its own wire value, and a wire value no preset stands
/// for comes back as `None`, never as a preset.
#[test]
fn presets_and_approval_modes_map_both_ways_and_other_wire_values_to_none() {
    use openai_codex::types::{ApprovalsReviewer, AskForApproval, SandboxMode, SandboxPolicy};
    for (preset, mode, policy) in presets() {
        let wire_mode: SandboxMode = serde_json::from_value(json!(mode)).unwrap();
        assert_eq!(preset.mode(), wire_mode, "{preset:?}");
        assert_eq!(Sandbox::from_mode(&wire_mode), Some(preset), "{preset:?}");
        assert_eq!(serde_json::to_value(preset.policy()).unwrap(), policy, "{preset:?}");
        let wire_policy: SandboxPolicy = serde_json::from_value(policy).unwrap();
        assert_eq!(Sandbox::from_policy(&wire_policy), Some(preset), "{preset:?}");
    }
    let external: SandboxPolicy = serde_json::from_value(json!({"type": "externalSandbox"})).unwrap();
    assert_eq!(Sandbox::from_policy(&external), None);

    let modes = [
        (ApprovalMode::AutoReview, json!("on-request"), Some(json!("auto_review"))),
        (ApprovalMode::AskHandler, json!("on-request"), Some(json!("user"))),
        (ApprovalMode::DenyAll, json!("never"), None),
    ];
    for (mode, policy, reviewer) in modes {
        let (wire_policy, wire_reviewer) = mode.wire();
        assert_eq!(serde_json::to_value(&wire_policy).unwrap(), policy, "{mode:?}");
        assert_eq!(wire_reviewer.as_ref().map(|r| serde_json::to_value(r).unwrap()), reviewer, "{mode:?}");
        assert_eq!(ApprovalMode::from_wire(&wire_policy, wire_reviewer.as_ref().unwrap_or(&ApprovalsReviewer::User)), Some(mode));
    }
    // Read back with every reviewer the runtime may report alongside.
    let reviewers = [ApprovalsReviewer::User, ApprovalsReviewer::AutoReview, ApprovalsReviewer::GuardianSubagent];
    for reviewer in &reviewers {
        // `never` denies whoever reviews.
        assert_eq!(ApprovalMode::from_wire(&AskForApproval::Never, reviewer), Some(ApprovalMode::DenyAll));
    }
    let on_request = [Some(ApprovalMode::AskHandler), Some(ApprovalMode::AutoReview), None];
    for (reviewer, expected) in reviewers.iter().zip(on_request) {
        assert_eq!(ApprovalMode::from_wire(&AskForApproval::OnRequest, reviewer), expected, "on-request, {reviewer:?}");
    }
    for policy in [AskForApproval::Untrusted, serde_json::from_value(json!("on-failure")).unwrap_or(AskForApproval::Untrusted)] {
        for reviewer in [ApprovalsReviewer::User, ApprovalsReviewer::AutoReview] {
            assert_eq!(ApprovalMode::from_wire(&policy, &reviewer), None, "{policy:?} {reviewer:?}");
        }
    }
}

#[tokio::test]
async fn a_turn_with_options_runs_to_its_result_in_one_call() {
    let (codex, wire) = connect().await;
    let thread = codex.thread_resume(THREAD_ID).send().await.unwrap();
    let result = thread.turn("hi").sandbox(Sandbox::ReadOnly).run().await.unwrap();
    assert_eq!(result.id, TURN_ID);
    assert_eq!(result.final_response.as_deref(), Some(ANSWER));
    assert_eq!(
        wire.last_params("turn/start"),
        json!({"threadId": THREAD_ID, "input": hi(), "sandboxPolicy": {"type": "readOnly"}}),
    );
}

#[test]
fn a_blocking_turn_with_options_runs_to_its_result_in_one_call() {
    let (codex, wire) = connect_blocking();
    let thread = codex.thread_resume(THREAD_ID).send().unwrap();
    let result = thread.turn("hi").sandbox(Sandbox::WorkspaceWrite).run().unwrap();
    assert_eq!(result.final_response.as_deref(), Some(ANSWER));
    assert_eq!(wire.last_params("turn/start")["sandboxPolicy"]["type"], "workspaceWrite");
}
