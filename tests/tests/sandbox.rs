//! "The sandbox really holds": the friendly API's `Sandbox` and approval
//! choices against the real runtime. The mock model asks the runtime to run
//! shell commands through its `exec_command` tool; every scenario then checks
//! the disk, not just the events.

use std::time::{Duration, Instant};

use openai_codex::types::{ApprovalsReviewer, AskForApproval, CommandExecutionStatus, PatchApplyStatus, ThreadItem};
use openai_codex::{ApprovalMode, Codex, Sandbox, Thread};
use openai_codex_tests::harness::{close_and_check, process_exists, Harness};
use openai_codex_tests::mock_model::{Answer, Matcher};
use openai_codex_tests::scenario::{
    assert_exec_command_offered, call_output, call_succeeded, codex, codex_with, command_executions,
    command_statuses,
    escalated_write, is_refused, within, write_file, CountingApprover, OutsideDir,
};

async fn thread(codex: &Codex, harness: &Harness, sandbox: Sandbox) -> Thread {
    codex
        .thread_start()
        .sandbox(sandbox)
        .cwd(harness.cwd())
        .send()
        .await
        .expect("thread/start")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_a_write_in_the_working_folder() {
    let harness = Harness::start().await;
    let target = harness.cwd().join("read-only.txt");
    harness.mock.push(write_file("call-ro", &target));
    harness.mock.push(Answer::text("I tried."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness, Sandbox::ReadOnly).await;

    let result = within("the turn", thread.run("Write read-only.txt.")).await.expect("the turn completes");

    assert_exec_command_offered(&harness.mock);
    assert!(!target.exists(), "read-only let the command write {}", target.display());
    let commands = command_executions(&result.items);
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(is_refused(&commands[0].1), "the refused command shows as failed or declined: {commands:?}");
    assert!(commands[0].0.contains("read-only.txt"), "{commands:?}");
    let requests = harness.mock.requests();
    assert!(
        requests.iter().any(|request| request.function_call_output("call-ro").is_some()),
        "the command's outcome went back to the model"
    );
    assert_eq!(result.final_response.as_deref(), Some("I tried."));
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_write_writes_inside_the_working_folder_only() {
    let harness = Harness::start().await;
    let outside = OutsideDir::new();
    let inside_file = harness.cwd().join("inside.txt");
    let outside_file = outside.path().join("outside.txt");
    harness.mock.push(write_file("call-in", &inside_file));
    harness.mock.push(write_file("call-out", &outside_file));
    harness.mock.push(Answer::text("Both tried."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness, Sandbox::WorkspaceWrite).await;

    let result = within("the turn", thread.run("Write both files.")).await.expect("the turn completes");

    assert_exec_command_offered(&harness.mock);
    assert_eq!(
        std::fs::read_to_string(&inside_file).ok().as_deref(),
        Some("written"),
        "workspace-write writes in the working folder"
    );
    assert!(
        !outside_file.exists(),
        "workspace-write let a command write outside its roots: {}",
        outside_file.display()
    );
    let statuses = command_statuses(&result.items);
    assert_eq!(statuses.first(), Some(&CommandExecutionStatus::Completed), "{statuses:?}");
    // The runtime does not always report the second command as an item (seen
    // on 0.163.0 when it runs in the same unified-exec session); what the
    // model was told shows the sandbox refused it.
    if let Some(refused) = statuses.get(1) {
        assert!(is_refused(refused), "{statuses:?}");
    }
    let told = harness
        .mock
        .requests()
        .iter()
        .find_map(|request| request.function_call_output("call-out").cloned())
        .expect("the model got the outside write's output");
    let told = told["output"].as_str().unwrap_or_default();
    assert!(
        told.contains("Read-only file system") || told.contains("exited with code 1"),
        "the sandbox refused the outside write: {told}"
    );
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_access_writes_outside_the_working_folder() {
    let harness = Harness::start().await;
    let outside = OutsideDir::new();
    let outside_file = outside.path().join("full-access.txt");
    harness.mock.push(write_file("call-full", &outside_file));
    harness.mock.push(Answer::text("Written."));
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness, Sandbox::FullAccess).await;

    let result = within("the turn", thread.run("Write outside.")).await.expect("the turn completes");

    assert_exec_command_offered(&harness.mock);
    assert_eq!(
        std::fs::read_to_string(&outside_file).ok().as_deref(),
        Some("written"),
        "full access writes outside the working folder"
    );
    assert_eq!(command_statuses(&result.items), [CommandExecutionStatus::Completed]);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_sandbox_sticks_for_later_turns_until_changed() {
    let harness = Harness::start().await;
    let codex = codex(&harness).await;
    let thread = thread(&codex, &harness, Sandbox::WorkspaceWrite).await;

    // Turn 1 narrows the sandbox, turn 2 leaves it unset, turn 3 widens it again.
    let steps = [
        ("turn-1.txt", Some(Sandbox::ReadOnly), false),
        ("turn-2.txt", None, false),
        ("turn-3.txt", Some(Sandbox::WorkspaceWrite), true),
    ];
    for (index, (name, sandbox, writes)) in steps.into_iter().enumerate() {
        let target = harness.cwd().join(name);
        harness.mock.push(write_file(&format!("call-{index}"), &target));
        harness.mock.push(Answer::text(format!("turn {index} done")));
        let mut turn = thread.turn(format!("Write {name}."));
        if let Some(sandbox) = sandbox {
            turn = turn.sandbox(sandbox);
        }
        let handle = turn.send().await.expect("turn/start");
        let result = within("the turn", handle.wait()).await.expect("the turn completes");
        assert_eq!(
            target.exists(),
            writes,
            "turn {} (sandbox {sandbox:?}): the file {} be written",
            index + 1,
            if writes { "should" } else { "should not" }
        );
        let told = call_output(&harness.mock, &format!("call-{index}"));
        assert_eq!(call_succeeded(&told), writes, "turn {}: the model was told: {told}", index + 1);
        // When the runtime reports the command as an item, it agrees.
        for status in command_statuses(&result.items) {
            assert_eq!(!is_refused(&status), writes, "turn {}: {status:?}", index + 1);
        }
    }
    assert_exec_command_offered(&harness.mock);
    close_and_check(codex.client().clone()).await;
}

/// Runs one turn on a thread started without a sandbox, on a runtime whose
/// `config.toml` sets `sandbox_mode`, and says whether the write in the
/// working folder happened.
async fn write_with_configured_default(mode: &str) -> bool {
    let harness = Harness::start_with(|home| home.sandbox_mode(mode)).await;
    let target = harness.cwd().join("default.txt");
    harness.mock.push(write_file("call-default", &target));
    harness.mock.push(Answer::text("tried"));
    let codex = codex(&harness).await;
    let thread = codex.thread_start().cwd(harness.cwd()).send().await.expect("thread/start");
    assert!(thread.turn("x").params().sandbox_policy.is_none(), "no sandbox is sent");
    let result = within("the turn", thread.run("Write default.txt.")).await.expect("the turn completes");
    assert_exec_command_offered(&harness.mock);
    let told = call_output(&harness.mock, "call-default");
    assert!(!told.is_empty(), "the model was told how its command went: {:?}", result.items);
    close_and_check(codex.client().clone()).await;
    target.exists()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_omitted_sandbox_means_the_configured_default() {
    let (read_only, workspace_write) = tokio::join!(
        write_with_configured_default("read-only"),
        write_with_configured_default("workspace-write"),
    );
    assert!(!read_only, "sandbox_mode = \"read-only\" in config.toml did not apply: the file was written");
    // The control: the same scenario with another configured default writes,
    // so the refusal above comes from the configuration.
    assert!(workspace_write, "sandbox_mode = \"workspace-write\" in config.toml did not apply: no file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_all_refuses_an_escalation_without_asking() {
    let harness = Harness::start().await;
    let target = harness.cwd().join("deny-all.txt");
    harness.mock.push(escalated_write("call-esc", &target));
    harness.mock.push(Answer::text("refused"));
    let approver = CountingApprover::new(true);
    let codex = codex_with(&harness, approver.clone()).await;
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .approval_mode(ApprovalMode::DenyAll)
        .cwd(harness.cwd())
        .send()
        .await
        .expect("thread/start");

    let result = within("the turn", thread.run("Write it, escalating.")).await.expect("the turn completes");

    assert_exec_command_offered(&harness.mock);
    assert_eq!(approver.seen(), 0, "DenyAll must not ask the client");
    assert!(!target.exists(), "DenyAll let an escalated command write");
    let statuses = command_statuses(&result.items);
    // Runtime 0.163.0 rejects the call before any command item exists: the
    // turn's items hold no command execution, and the model is told why.
    assert!(statuses.iter().all(is_refused), "{statuses:?} in {:?}", result.items);
    let output = harness
        .mock
        .requests()
        .iter()
        .find_map(|request| request.function_call_output("call-esc").cloned())
        .expect("the refusal went back to the model as the call's output");
    assert!(output["output"].as_str().is_some_and(|text| text.contains("reject")), "{output}");
    close_and_check(codex.client().clone()).await;
}

/// One escalation on a read-only thread whose approvals go to the client
/// (`on-request`, reviewer `user`); returns the file's existence, the
/// command statuses and how often `approver` (if any) was asked.
async fn escalate_to_the_client(approver: Option<CountingApprover>) -> (bool, Vec<CommandExecutionStatus>) {
    let harness = Harness::start().await;
    let target = harness.cwd().join("escalated.txt");
    harness.mock.push(escalated_write("call-esc", &target));
    harness.mock.push(Answer::text("finished"));
    let codex = match approver {
        Some(approver) => codex_with(&harness, approver).await,
        None => codex(&harness).await,
    };
    let thread = codex
        .thread_start()
        .sandbox(Sandbox::ReadOnly)
        .cwd(harness.cwd())
        .approval_mode(ApprovalMode::AskHandler)
        .send()
        .await
        .expect("thread/start");
    let params = thread.settings().expect("the runtime reported the settings");
    assert_eq!(params.approval_mode(), Some(ApprovalMode::AskHandler), "{params:?}");
    assert_eq!(params.approval_policy, AskForApproval::OnRequest);
    assert_eq!(params.approvals_reviewer, ApprovalsReviewer::User);
    let result = within("the turn", thread.run("Write it, escalating.")).await.expect("the turn completes");
    assert_exec_command_offered(&harness.mock);
    close_and_check(codex.client().clone()).await;
    (target.exists(), command_statuses(&result.items))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approving_handler_gets_the_escalation_and_the_command_runs() {
    let approver = CountingApprover::new(true);
    let (written, statuses) = escalate_to_the_client(Some(approver.clone())).await;
    assert_eq!(approver.seen(), 1, "the approval request reached the client's handler");
    assert!(written, "the approved command ran outside the sandbox");
    assert_eq!(statuses, [CommandExecutionStatus::Completed]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declining_handler_gets_the_escalation_and_nothing_is_written() {
    let approver = CountingApprover::new(false);
    let (written, statuses) = escalate_to_the_client(Some(approver.clone())).await;
    assert_eq!(approver.seen(), 1, "the approval request reached the client's handler");
    assert!(!written, "the declined command wrote");
    assert_eq!(statuses, [CommandExecutionStatus::Declined]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_review_never_asks_the_handler() {
    // The default mode routes approvals to a reviewer model (here the mock,
    // whose default answer is no verdict), never to the client's handler.
    let harness = Harness::start().await;
    let target = harness.cwd().join("auto-review.txt");
    harness.mock.push(escalated_write("call-esc", &target));
    let approver = CountingApprover::new(true);
    let codex = codex_with(&harness, approver.clone()).await;
    let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).cwd(harness.cwd()).send().await.expect("thread/start");
    assert_eq!(thread.settings().and_then(|s| s.approval_mode()), Some(ApprovalMode::AutoReview), "the default");
    let _ = within("the turn", thread.run("Write it, escalating.")).await;
    assert_eq!(approver.seen(), 0, "AutoReview asked the client's handler");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_handler_declines_the_escalation() {
    let (written, statuses) = escalate_to_the_client(None).await;
    assert!(!written, "the default handler must fail closed");
    assert_eq!(statuses, [CommandExecutionStatus::Declined]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_concurrent_turns_on_one_codex_each_get_only_their_own_answer() {
    const THREADS: usize = 8;
    let harness = Harness::start().await;
    for index in 0..THREADS {
        harness.mock.push_when(
            Matcher::user_text_contains(format!("<key-{index}>")),
            Answer::text(format!("answer for key {index}")),
        );
    }
    let codex = codex(&harness).await;
    let starts = (0..THREADS).map(|_| thread(&codex, &harness, Sandbox::ReadOnly));
    let threads = futures::future::join_all(starts).await;

    let started = Instant::now();
    let turns = threads
        .iter()
        .enumerate()
        .map(|(index, thread)| thread.run(format!("Question <key-{index}>")));
    let results = within("eight turns", futures::future::join_all(turns)).await;
    let elapsed = started.elapsed();

    for (index, result) in results.into_iter().enumerate() {
        let result = result.unwrap_or_else(|error| panic!("turn {index} failed: {error}"));
        assert_eq!(result.final_response, Some(format!("answer for key {index}")), "turn {index}");
        let debug = format!("{:?}", result.items);
        for other in (0..THREADS).filter(|other| *other != index) {
            assert!(!debug.contains(&format!("key {other}")), "turn {index} holds answer {other}: {debug}");
            assert!(!debug.contains(&format!("<key-{other}>")), "turn {index} holds question {other}: {debug}");
        }
    }
    assert_eq!(harness.mock.pending(), 0, "every routed answer was served");
    eprintln!("8 concurrent turns took {elapsed:?}");
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runtime_killed_mid_turn_fails_the_run_quickly_and_leaves_no_process() {
    let harness = Harness::start().await;
    let (stall, gate) = Answer::stall();
    harness.mock.push(stall);
    let codex = codex(&harness).await;
    let pid = codex.client().process_id().expect("a spawned runtime has a pid");
    let thread = thread(&codex, &harness, Sandbox::ReadOnly).await;

    let run = tokio::spawn({
        let thread = thread.clone();
        async move { thread.run("Stall, please.").await }
    });
    assert!(gate.reached(Duration::from_secs(30)).await, "the model call started");
    let killed_at = Instant::now();
    codex.client().kill().await;

    // The bound is the point (the run ends because the death is noticed,
    // not by a timeout), so it stays far below the request timeout (120 s)
    // but is generous for a loaded machine.
    let outcome = tokio::time::timeout(Duration::from_secs(15), run)
        .await
        .expect("thread.run returns promptly after the kill")
        .expect("the run task does not panic");
    let elapsed = killed_at.elapsed();
    let error = outcome.expect_err("a run whose runtime died is an error");
    assert!(error.is_process_exited(), "{error:?}");
    let gone = async {
        while process_exists(pid) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(15), gone)
        .await
        .unwrap_or_else(|_| panic!("the killed runtime {pid} is still there"));
    eprintln!("run ended {elapsed:?} after the kill: {error}");
    gate.open();
}

/// Answers file-change approvals with `accept` and counts them; every other
/// request gets the default answer.
#[derive(Clone, Default)]
struct AcceptFileChanges(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl openai_codex::handler::ServerRequestHandler for AcceptFileChanges {
    fn item_file_change_request_approval(
        &self,
        _params: openai_codex::types::FileChangeRequestApprovalParams,
    ) -> openai_codex::handler::HandlerFuture<'_, openai_codex::types::FileChangeRequestApprovalResponse> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async {
            Ok(openai_codex::types::FileChangeRequestApprovalResponse::new(
                openai_codex::types::FileChangeApprovalDecision::Accept,
            ))
        })
    }
}

/// The model asks `apply_patch` to add a file outside the writable roots on
/// a workspace-write thread whose approvals go to the client; returns
/// whether the file exists afterwards and the file-change statuses.
async fn patch_outside_the_workspace(handler: Option<AcceptFileChanges>) -> (bool, Vec<PatchApplyStatus>) {
    let harness = Harness::start().await;
    let outside = OutsideDir::new();
    let target = outside.path().join("patched.txt");
    let patch = format!("*** Begin Patch\n*** Add File: {}\n+should not exist\n*** End Patch\n", target.display());
    harness.mock.push(Answer::apply_patch("call-patch", &patch));
    harness.mock.push(Answer::text("patched or not"));
    let codex = match handler {
        Some(handler) => codex_with(&harness, handler).await,
        None => codex(&harness).await,
    };
    let thread = codex
        .thread_start()
        // A model the runtime has metadata for, so it offers `apply_patch`.
        .model("gpt-5.5")
        .sandbox(Sandbox::WorkspaceWrite)
        .cwd(harness.cwd())
        .approval_mode(ApprovalMode::AskHandler)
        .send()
        .await
        .expect("thread/start");
    let result = within("the turn", thread.run("Add the file.")).await.expect("the turn completes");
    let tools = harness.mock.requests().first().map(|request| request.tool_names()).unwrap_or_default();
    assert!(tools.iter().any(|tool| tool == "apply_patch"), "the runtime offers apply_patch: {tools:?}");
    close_and_check(codex.client().clone()).await;
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
async fn the_default_handler_declines_a_file_change_and_nothing_is_written() {
    let (written, statuses) = patch_outside_the_workspace(None).await;
    assert!(!written, "the default handler must decline the patch");
    assert_eq!(statuses, [PatchApplyStatus::Declined]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepting_handler_gets_the_file_change_and_the_file_is_written() {
    // The control for the test above: the same patch, accepted, is applied,
    // so the runtime really asks and "not written" means "declined".
    let handler = AcceptFileChanges::default();
    let (written, statuses) = patch_outside_the_workspace(Some(handler.clone())).await;
    assert_eq!(handler.0.load(std::sync::atomic::Ordering::SeqCst), 1, "the file-change approval reached the handler");
    assert!(written, "the accepted patch was applied");
    assert_eq!(statuses, [PatchApplyStatus::Completed]);
}
