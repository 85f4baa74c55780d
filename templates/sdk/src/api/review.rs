//! Code review (`review/start`): [`ReviewTarget`] (what to review),
//! [`ReviewDelivery`] (on which thread), and the `send` function of
//! [`ReviewBuilder`](crate::ReviewBuilder) (named in `templates/api.toml`).
//!
//! A review is a turn: [`Thread::review`](crate::Thread::review) gives the
//! same [`TurnHandle`] as [`Thread::turn`](crate::Thread::turn) (a stream of
//! the turn's events), and `run()` the same [`TurnResult`], whose
//! [`final_response`](TurnResult::final_response) is the review. The review's
//! commands run in the thread's sandbox, the same [`Sandbox`](crate::Sandbox)
//! as everywhere: set it when starting the thread (or with a turn, it sticks).
//! `review/start` takes no settings of its own, so settings a thread still
//! owes the runtime (see [`Thread::settings`](crate::Thread::settings)) are
//! not sent with a review: they go with the thread's next turn.
//!
//! ```no_run
//! # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
//! use openai_codex::{ReviewTarget, Sandbox};
//!
//! let thread = codex.thread_start().cwd("/path/to/repo").sandbox(Sandbox::ReadOnly).send().await?;
//! let review = thread.review(ReviewTarget::base_branch("main")).run().await?;
//! println!("{}", review.review().unwrap_or_default());
//! # Ok(())
//! # }
//! ```

use tracing::Instrument;

use crate::api::{Sandbox, Thread, TurnHandle, TurnResult};
use crate::error::Result;
use crate::types::{ReviewStartParams, ThreadItem};

/// What a review looks at (the wire's [`types::ReviewTarget`](crate::types::ReviewTarget)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReviewTarget {
    /// The working tree: staged, unstaged and untracked files.
    UncommittedChanges,
    /// The changes of the current branch against this base branch (the
    /// runtime finds the merge base with git and tells the model).
    BaseBranch(String),
    /// The changes one commit introduced.
    Commit {
        /// The commit's sha.
        sha: String,
        /// A label for it (e.g. its subject), shown to the model.
        title: Option<String>,
    },
    /// Free-form instructions: what to review and how.
    Custom(String),
}

impl ReviewTarget {
    /// [`ReviewTarget::BaseBranch`].
    pub fn base_branch(branch: impl Into<String>) -> Self {
        ReviewTarget::BaseBranch(branch.into())
    }

    /// [`ReviewTarget::Commit`] without a title.
    pub fn commit(sha: impl Into<String>) -> Self {
        ReviewTarget::Commit { sha: sha.into(), title: None }
    }

    /// [`ReviewTarget::Commit`] with a title (e.g. the commit's subject).
    pub fn commit_titled(sha: impl Into<String>, title: impl Into<String>) -> Self {
        ReviewTarget::Commit { sha: sha.into(), title: Some(title.into()) }
    }

    /// [`ReviewTarget::Custom`].
    pub fn custom(instructions: impl Into<String>) -> Self {
        ReviewTarget::Custom(instructions.into())
    }

    /// The wire value.
    pub fn to_wire(&self) -> crate::types::ReviewTarget {
        use crate::types::ReviewTarget as Wire;
        match self {
            ReviewTarget::UncommittedChanges => Wire::UncommittedChanges,
            ReviewTarget::BaseBranch(branch) => Wire::BaseBranch { branch: branch.clone() },
            ReviewTarget::Commit { sha, title } => Wire::Commit { sha: sha.clone(), title: title.clone() },
            ReviewTarget::Custom(instructions) => Wire::Custom { instructions: instructions.clone() },
        }
    }
}

/// On which thread a review runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReviewDelivery {
    /// On the thread itself, as its next turn (the default).
    #[default]
    Inline,
    /// On a new thread with this thread's working folder, model, sandbox
    /// and approval mode, so this thread's history stays as it is. The
    /// review's [`TurnHandle::thread`] is the new thread.
    ///
    /// The runtime itself reviews inline only (it refuses the wire value
    /// `"detached"` since 0.169.0); the SDK starts the thread.
    Detached,
}

/// The entry method's `target`.
pub(crate) fn target(target: impl Into<ReviewTarget>) -> crate::types::ReviewTarget {
    target.into().to_wire()
}

/// The review builder's own settings (not sent to the runtime). Named in
/// `templates/api.toml`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ReviewOptions {
    delivery: ReviewDelivery,
}

impl ReviewOptions {
    /// The review builder's `delivery`.
    pub(crate) fn delivery(options: &mut Self, delivery: ReviewDelivery) {
        options.delivery = delivery;
    }
}

impl crate::ReviewBuilder<'_> {
    /// Starts the review and runs it to its end: the same as
    /// `.send().await?.wait().await`. The review is the result's
    /// [`final_response`](TurnResult::final_response) (also
    /// [`TurnResult::review`]).
    pub async fn run(self) -> Result<TurnResult> {
        self.send().await?.wait().await
    }
}

impl TurnResult {
    /// The review, for a turn started by [`Thread::review`](crate::Thread::review):
    /// the text of the turn's `exitedReviewMode` item (the runtime formats
    /// the model's findings into it). `None` for other turns.
    pub fn review(&self) -> Option<&str> {
        self.items.iter().rev().find_map(|item| match item {
            ThreadItem::ExitedReviewMode { review, .. } => Some(review.as_str()),
            _ => None,
        })
    }
}

/// `review/start`: subscribes to the reviewing thread first (the runtime
/// sends the review's first item before its `turn/started`), then starts it.
pub(crate) async fn start(thread: &Thread, mut params: ReviewStartParams, options: ReviewOptions) -> Result<TurnHandle> {
    let reviewer = match options.delivery {
        ReviewDelivery::Inline => thread.clone(),
        ReviewDelivery::Detached => detached_thread(thread).await?,
    };
    params.thread_id = reviewer.id().to_owned();
    params.delivery = None;
    let client = reviewer.codex().client();
    let policy = reviewer.codex().turn_policy();
    let events = client.thread_notifications(reviewer.id());
    let span = tracing::debug_span!("codex_turn", thread = %reviewer.id(), turn = tracing::field::Empty);
    let response = client.review_start(params).instrument(span.clone()).await?;
    span.record("turn", tracing::field::display(&response.turn.id));
    tracing::debug!(parent: &span, "review started");
    Ok(TurnHandle::attach(&reviewer, response.turn.id, events, policy, span))
}

/// A new thread with `thread`'s working folder, model, sandbox and approval mode.
async fn detached_thread(thread: &Thread) -> Result<Thread> {
    let mut builder = thread.codex().thread_start();
    if let Some(settings) = thread.settings() {
        builder = builder.cwd(&settings.cwd).model(settings.model.clone());
        if let Some(level) = Sandbox::from_policy(&settings.sandbox) {
            builder = builder.sandbox(level);
        }
        if let Some(mode) = settings.approval_mode() {
            builder = builder.approval_mode(mode);
        }
    }
    builder.send().await
}
