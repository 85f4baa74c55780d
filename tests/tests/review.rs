//! Code review (`thread.review(target)`, wire `review/start`) against the
//! real runtime and the mock model, on a real git repository made here:
//! what the model is sent for each target, the review as a turn result and
//! as a stream, inline and detached delivery.

use std::path::Path;

use futures::StreamExt;
use openai_codex::methods::ServerNotification;
use openai_codex::types::ThreadItem;
use openai_codex::{Codex, ReviewDelivery, ReviewTarget, Sandbox, Thread};
use openai_codex_tests::harness::{close_and_check, Harness};
use openai_codex_tests::mock_model::Answer;
use openai_codex_tests::scenario::{codex, git_repository, within};
use serde_json::json;

/// What the mock model answers in review mode: the review as JSON, as the
/// runtime asks the model for it.
fn review_answer(file: &Path) -> Answer {
    let review = json!({
        "findings": [{
            "title": "[P1] Off by one",
            "body": "The loop skips the last line.",
            "confidence_score": 0.9,
            "priority": 1,
            "code_location": {"absolute_file_path": file, "line_range": {"start": 2, "end": 2}}
        }],
        "overall_correctness": "patch is incorrect",
        "overall_explanation": "One bug.",
        "overall_confidence_score": 0.8
    });
    Answer::text(review.to_string())
}

async fn reviewing_thread(codex: &Codex, harness: &Harness) -> Thread {
    codex.thread_start().cwd(harness.cwd()).sandbox(Sandbox::ReadOnly).send().await.expect("thread/start")
}

/// The prompt of the last request the model got, and whether the review
/// guidelines came with it.
fn last_prompt(harness: &Harness) -> (String, bool) {
    let request = harness.mock.requests().pop().expect("the model was asked");
    let guidelines = request.input().iter().any(|item| item["role"] == "developer" && item.to_string().contains("Review guidelines"));
    (request.last_user_text().unwrap_or_default(), guidelines)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn base_branch_review_sends_the_merge_base_and_returns_the_review() {
    let harness = Harness::start().await;
    let (main, _) = git_repository(harness.cwd());
    harness.mock.push(review_answer(&harness.cwd().join("lines.txt")));
    let codex = codex(&harness).await;
    let thread = reviewing_thread(&codex, &harness).await;

    let result = within("the review", thread.review(ReviewTarget::base_branch("main")).run()).await.expect("the review completes");

    let (prompt, guidelines) = last_prompt(&harness);
    assert!(guidelines, "the model got the review guidelines");
    assert!(prompt.contains("against the base branch 'main'"), "{prompt}");
    assert!(prompt.contains(&format!("The merge base commit for this comparison is {main}")), "the runtime found the merge base with git: {prompt}");
    let review = result.review().expect("the review");
    assert!(review.starts_with("One bug."), "{review}");
    assert!(review.contains("[P1] Off by one"), "{review}");
    assert!(review.contains("lines.txt:2-2"), "{review}");
    assert_eq!(result.final_response.as_deref(), Some(review), "the final answer is the review");
    assert!(result.items.iter().any(|item| matches!(item, ThreadItem::EnteredReviewMode { .. })), "{:?}", result.items);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_target_tells_the_model_what_to_review() {
    let harness = Harness::start().await;
    let (_, feature) = git_repository(harness.cwd());
    harness.mock.set_default(Answer::text("Looks fine."));
    let codex = codex(&harness).await;
    let thread = reviewing_thread(&codex, &harness).await;

    let cases = [
        (ReviewTarget::UncommittedChanges, "Review the current code changes (staged, unstaged, and untracked files)".to_owned()),
        (
            ReviewTarget::commit_titled(feature.clone(), "Add a second line"),
            format!("Review the code changes introduced by commit {feature} (\"Add a second line\")"),
        ),
        (ReviewTarget::commit(feature.clone()), format!("Review the code changes introduced by commit {feature}")),
        (ReviewTarget::custom("Check the spelling only."), "Check the spelling only.".to_owned()),
    ];
    for (target, expected) in cases {
        let result = within("the review", thread.review(target.clone()).run()).await.expect("the review completes");
        let (prompt, guidelines) = last_prompt(&harness);
        assert!(prompt.starts_with(&expected), "{target:?}: {prompt}");
        assert!(guidelines, "{target:?}: no review guidelines");
        // A review answer that is not JSON is the review as it stands.
        assert_eq!(result.review(), Some("Looks fine."), "{target:?}");
    }
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_streams_like_a_turn() {
    let harness = Harness::start().await;
    git_repository(harness.cwd());
    harness.mock.push(review_answer(&harness.cwd().join("lines.txt")));
    let codex = codex(&harness).await;
    let thread = reviewing_thread(&codex, &harness).await;

    let mut review = thread.review(ReviewTarget::UncommittedChanges).send().await.expect("review/start");
    assert_eq!(review.thread().id(), thread.id(), "inline: on the thread itself");
    let mut kinds = Vec::new();
    while let Some(event) = within("the review's events", review.next()).await {
        match event.expect("no error") {
            ServerNotification::ItemCompleted(done) => kinds.push(match done.item {
                ThreadItem::EnteredReviewMode { .. } => "entered",
                ThreadItem::ExitedReviewMode { .. } => "exited",
                ThreadItem::UserMessage { .. } => "prompt",
                ThreadItem::AgentMessage { .. } => "message",
                _ => "other",
            }),
            ServerNotification::TurnCompleted(_) => kinds.push("completed"),
            _ => {}
        }
    }
    // The runtime sends the review's first item before `turn/started`: the
    // stream has it all the same.
    assert_eq!(kinds, ["entered", "prompt", "exited", "message", "completed"]);
    close_and_check(codex.client().clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_review_runs_on_a_new_thread_with_the_same_settings() {
    let harness = Harness::start().await;
    git_repository(harness.cwd());
    harness.mock.push(Answer::text("Detached review."));
    let codex = codex(&harness).await;
    let thread = reviewing_thread(&codex, &harness).await;

    let handle = within("review/start", thread.review(ReviewTarget::UncommittedChanges).delivery(ReviewDelivery::Detached).send())
        .await
        .expect("review/start");
    let reviewer = handle.thread().clone();
    assert_ne!(reviewer.id(), thread.id(), "a new thread");
    let settings = reviewer.settings().expect("settings");
    assert_eq!(settings.sandbox_level(), Some(Sandbox::ReadOnly));
    assert_eq!(Path::new(&settings.cwd).canonicalize().unwrap(), harness.cwd().canonicalize().unwrap());
    let result = within("the review", handle.wait()).await.expect("the review completes");
    assert_eq!(result.review(), Some("Detached review."));
    // The reviewed thread's history is untouched: its next turn's request
    // carries no review.
    harness.mock.push(Answer::text("Plain turn."));
    within("a turn", thread.run("Hello.")).await.expect("a turn");
    let request = harness.mock.requests().pop().unwrap();
    let history = serde_json::to_string(request.input()).unwrap();
    assert!(!history.contains("Review the current code changes"), "{history}");
    assert!(!history.contains("Detached review."), "{history}");
    close_and_check(codex.client().clone()).await;
}

/// Recorded runtime behaviour (0.169.0): the wire's `delivery: "detached"`
/// is gone (older runtimes had it); the runtime refuses it, and the review
/// of a bad base branch still runs (the prompt tells the model to find the
/// merge base itself).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runtime_refuses_detached_delivery_and_tolerates_an_unknown_branch() {
    let harness = Harness::start().await;
    git_repository(harness.cwd());
    let codex = codex(&harness).await;
    let thread = reviewing_thread(&codex, &harness).await;
    let error = codex
        .client()
        .request_raw(
            "review/start",
            json!({"threadId": thread.id(), "target": {"type": "uncommittedChanges"}, "delivery": "detached"}),
        )
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("unknown variant `detached`"), "{error}");

    let result = within("the review", thread.review(ReviewTarget::base_branch("no-such-branch")).run()).await.expect("it runs");
    let (prompt, _) = last_prompt(&harness);
    assert!(prompt.contains("git merge-base HEAD"), "{prompt}");
    assert!(result.review().is_some());
    close_and_check(codex.client().clone()).await;
}

#[test]
fn blocking_review_runs_and_iterates() {
    let runtime = std::sync::Arc::new(tokio::runtime::Runtime::new().unwrap());
    let harness = runtime.block_on(Harness::start());
    git_repository(harness.cwd());
    harness.mock.set_default(Answer::text("Blocking review."));
    let codex = runtime.block_on(codex(&harness));
    let codex = openai_codex::blocking::Codex::from_async(codex, std::sync::Arc::clone(&runtime));
    let thread = codex.thread_start().cwd(harness.cwd()).sandbox(Sandbox::ReadOnly).send().unwrap();

    let result = thread.review(ReviewTarget::UncommittedChanges).run().unwrap();
    assert_eq!(result.review(), Some("Blocking review."));
    let events: Vec<_> = thread.review(ReviewTarget::custom("Again.")).send().unwrap().map(Result::unwrap).collect();
    assert!(matches!(events.last(), Some(ServerNotification::TurnCompleted(_))), "{events:?}");
    codex.close();
}
