//! A thread never runs with another sandbox than asked, without saying so.
//!
//! The runtime (0.163.0 and 0.169.0) ignores the settings of a `thread/resume` of a
//! thread it still has loaded and reports the old ones back; the first test
//! records that, so a runtime bump that changes it is noticed. The SDK
//! compares what the runtime reports with what was asked and sends the
//! asked settings with the thread's next turn (turn settings stick); the
//! other tests check the result on disk.

use openai_codex::types::{AskForApproval, SandboxPolicy, ThreadResumeParams};
use openai_codex::{ApprovalMode, Codex, Sandbox, Thread};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::Answer;
use openai_codex_tests::scenario::{call_output, call_succeeded, codex, within, write_file};

async fn start(codex: &Codex, harness: &Harness, sandbox: Sandbox) -> Thread {
    codex.thread_start().sandbox(sandbox).cwd(harness.cwd()).send().await.expect("thread/start")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_ignores_resume_settings_of_a_loaded_thread() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let client = codex.client();
    let thread = start(&codex, &harness, Sandbox::ReadOnly).await; // approvals: on-request (AutoReview)
    // A turn, so the thread has a rollout to resume; it stays loaded.
    within("a turn", thread.run("Hello.")).await.unwrap();

    let params: ThreadResumeParams = serde_json::from_value(serde_json::json!({
        "threadId": thread.id(),
        "sandbox": "workspace-write",
        "approvalPolicy": "never",
    }))
    .unwrap();
    let resumed = client.thread_resume(params).await.unwrap();
    // Surprising, and why the SDK compares: the runtime keeps the old settings.
    assert!(
        matches!(resumed.sandbox, SandboxPolicy::ReadOnly { .. }),
        "runtime behaviour changed: a resume of a loaded thread now reports {:?} (the SDK's \
         workaround in Thread::settings may no longer be needed)",
        resumed.sandbox
    );
    assert_eq!(resumed.approval_policy, AskForApproval::OnRequest, "runtime behaviour changed");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_a_loaded_thread_read_only_really_makes_it_read_only() {
    let harness = Harness::start().await;
    let before = harness.cwd().join("before.txt");
    let after = harness.cwd().join("after.txt");
    let later = harness.cwd().join("later.txt");
    harness.mock.push(write_file("call-before", &before));
    harness.mock.push(Answer::text("wrote before"));
    harness.mock.push(write_file("call-after", &after));
    harness.mock.push(Answer::text("tried after"));
    harness.mock.push(write_file("call-later", &later));
    harness.mock.push(Answer::text("tried later"));
    let codex = codex(&harness).await;
    let thread = start(&codex, &harness, Sandbox::WorkspaceWrite).await;
    within("the first turn", thread.run("Write before.txt.")).await.unwrap();
    assert!(before.exists(), "workspace-write writes in cwd");

    let resumed = codex.thread_resume(thread.id()).sandbox(Sandbox::ReadOnly).send().await.unwrap();
    let settings = resumed.settings().expect("the runtime reported settings");
    assert_eq!(settings.sandbox_level(), Some(Sandbox::ReadOnly), "the settings the next turn runs with");

    within("the turn after resume", resumed.run("Write after.txt.")).await.unwrap();
    assert!(!after.exists(), "the resumed thread ran with the old workspace-write sandbox");
    assert!(!call_succeeded(&call_output(&harness.mock, "call-after")));
    // The setting sticks for later turns, and the runtime now reports it.
    within("a later turn", resumed.run("Write later.txt.")).await.unwrap();
    assert!(!later.exists(), "a later turn ran with the old sandbox");
    assert_eq!(resumed.settings().and_then(|s| s.sandbox_level()), Some(Sandbox::ReadOnly));
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resuming_a_loaded_thread_with_more_access_and_another_mode_takes_effect() {
    let harness = Harness::start().await;
    let target = harness.cwd().join("resumed.txt");
    harness.mock.push(Answer::text("first"));
    harness.mock.push(write_file("call-write", &target));
    harness.mock.push(Answer::text("wrote it"));
    let codex = codex(&harness).await;
    let thread = start(&codex, &harness, Sandbox::ReadOnly).await;
    within("the first turn", thread.run("Hello.")).await.unwrap();

    let resumed = codex
        .thread_resume(thread.id())
        .sandbox(Sandbox::WorkspaceWrite)
        .approval_mode(ApprovalMode::DenyAll)
        .send()
        .await
        .unwrap();
    let settings = resumed.settings().unwrap();
    assert_eq!(settings.sandbox_level(), Some(Sandbox::WorkspaceWrite));
    assert_eq!(settings.approval_mode(), Some(ApprovalMode::DenyAll));

    within("the turn after resume", resumed.run("Write resumed.txt.")).await.unwrap();
    assert_eq!(std::fs::read_to_string(&target).ok().as_deref(), Some("written"), "the asked sandbox took effect");
    let settings = resumed.settings().unwrap();
    assert_eq!(settings.sandbox_level(), Some(Sandbox::WorkspaceWrite), "{settings:?}");
    assert_eq!(settings.approval_policy, AskForApproval::Never, "{settings:?}");
    close_and_check(codex.client().clone()).await;
}
