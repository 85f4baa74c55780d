//! The two choices every caller makes: how much a thread may touch, and who
//! approves going further.

use crate::types::{ApprovalsReviewer, AskForApproval, SandboxMode, SandboxPolicy};

/// How much the commands of a thread (or turn) may touch. The runtime
/// enforces it (on Linux with its bundled bubblewrap).
///
/// Leaving it unset means the app-server's configured default
/// (`sandbox_mode` in its `config.toml`). Set on a turn, it also applies to
/// the thread's later turns until another turn sets it again.
///
/// There is deliberately no conversion from strings: a typo cannot widen access.
///
/// The same value everywhere an access level is chosen: a thread, a turn,
/// and a command run without a model; a code review runs in its thread's
/// sandbox.
///
/// ```no_run
/// use openai_codex::{ReviewTarget, Sandbox};
///
/// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
/// // A thread (wire `sandbox` on `thread/start`, `thread/resume`, `thread/fork`).
/// let thread = codex.thread_start().cwd("/path/to/project").sandbox(Sandbox::WorkspaceWrite).send().await?;
/// // A turn, sticking for the later ones (wire `sandboxPolicy` on `turn/start`).
/// thread.turn("Only look around.").sandbox(Sandbox::ReadOnly).run().await?;
/// // A command without a model (wire `sandboxPolicy` on `command/exec`).
/// codex.command(["cargo", "test"]).cwd("/path/to/project").sandbox(Sandbox::WorkspaceWrite).run().await?;
/// // A review: in the thread's sandbox (read-only, set by the turn above).
/// thread.review(ReviewTarget::base_branch("main")).run().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sandbox {
    /// Read anything, write nothing.
    ReadOnly,
    /// Write inside the working folder (and the temporary folders, which are
    /// writable roots by default), read anything.
    WorkspaceWrite,
    /// No sandbox: commands may write anywhere the user can.
    FullAccess,
}

impl Sandbox {
    /// The thread-level wire value (`sandbox` on `thread/start`, `resume`, `fork`).
    pub fn mode(self) -> SandboxMode {
        match self {
            Sandbox::ReadOnly => SandboxMode::ReadOnly,
            Sandbox::WorkspaceWrite => SandboxMode::WorkspaceWrite,
            Sandbox::FullAccess => SandboxMode::DangerFullAccess,
        }
    }

    /// The access level a runtime-reported policy stands for (`None` for a
    /// policy outside these three, such as an external sandbox).
    pub fn from_policy(policy: &SandboxPolicy) -> Option<Self> {
        match policy {
            SandboxPolicy::ReadOnly { .. } => Some(Sandbox::ReadOnly),
            SandboxPolicy::WorkspaceWrite { .. } => Some(Sandbox::WorkspaceWrite),
            SandboxPolicy::DangerFullAccess => Some(Sandbox::FullAccess),
            _ => None,
        }
    }

    /// The access level a thread-level wire value stands for.
    pub fn from_mode(mode: &SandboxMode) -> Option<Self> {
        match mode {
            SandboxMode::ReadOnly => Some(Sandbox::ReadOnly),
            SandboxMode::WorkspaceWrite => Some(Sandbox::WorkspaceWrite),
            SandboxMode::DangerFullAccess => Some(Sandbox::FullAccess),
            _ => None,
        }
    }

    /// The turn-level wire value (`sandboxPolicy` on `turn/start` and
    /// `command/exec`), with the runtime's defaults for the policy's details.
    pub fn policy(self) -> SandboxPolicy {
        match self {
            Sandbox::ReadOnly => SandboxPolicy::ReadOnly { network_access: None },
            Sandbox::WorkspaceWrite => SandboxPolicy::WorkspaceWrite {
                exclude_slash_tmp: None,
                exclude_tmpdir_env_var: None,
                network_access: None,
                writable_roots: None,
            },
            Sandbox::FullAccess => SandboxPolicy::DangerFullAccess,
        }
    }
}

/// Who approves an action the sandbox does not allow (a command that asks
/// to run outside it, a file change outside the writable roots, ...).
///
/// Only [`ApprovalMode::AskHandler`] sends approval requests to the client's
/// approval handler ([`CodexBuilder::approval_handler`](crate::CodexBuilder::approval_handler)).
/// In the other modes a handler is never asked for approvals (it still
/// answers the runtime's other requests, such as user input); the SDK logs a
/// warning (`tracing`) when a thread runs in such a mode on a client with a
/// handler installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApprovalMode {
    /// The runtime may ask; a reviewer model decides (wire: `approvalPolicy:
    /// "on-request"`, `approvalsReviewer: "auto_review"`). The default of
    /// [`Codex::thread_start`](crate::Codex::thread_start). The client's
    /// approval handler is not asked.
    AutoReview,
    /// The runtime may ask; the client's approval handler decides (wire:
    /// `approvalPolicy: "on-request"`, `approvalsReviewer: "user"`). Without
    /// a handler the default one declines everything.
    AskHandler,
    /// Never ask: anything outside the sandbox is refused at once (wire:
    /// `approvalPolicy: "never"`).
    DenyAll,
}

impl ApprovalMode {
    /// The wire values: approval policy and, where it sets one, reviewer.
    pub fn wire(self) -> (AskForApproval, Option<ApprovalsReviewer>) {
        match self {
            ApprovalMode::AutoReview => (AskForApproval::OnRequest, Some(ApprovalsReviewer::AutoReview)),
            ApprovalMode::AskHandler => (AskForApproval::OnRequest, Some(ApprovalsReviewer::User)),
            ApprovalMode::DenyAll => (AskForApproval::Never, None),
        }
    }

    /// The mode the wire values stand for, if they stand for one of these.
    pub fn from_wire(policy: &AskForApproval, reviewer: &ApprovalsReviewer) -> Option<Self> {
        match (policy, reviewer) {
            (AskForApproval::Never, _) => Some(ApprovalMode::DenyAll),
            (AskForApproval::OnRequest, ApprovalsReviewer::AutoReview) => Some(ApprovalMode::AutoReview),
            (AskForApproval::OnRequest, ApprovalsReviewer::User) => Some(ApprovalMode::AskHandler),
            _ => None,
        }
    }
}
