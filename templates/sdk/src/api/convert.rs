//! The wire conversions the override table names (`apply = "..."`): each
//! writes a friendly value into the wire fields it stands for.

use std::path::Path;

use crate::api::{ApprovalMode, Sandbox, TurnInput};
use crate::types::{ApprovalsReviewer, AskForApproval, SandboxMode, SandboxPolicy, ThreadListCwdFilter, UserInput};

/// `sandbox` on thread lifecycle calls.
pub(crate) fn sandbox_mode(sandbox: Sandbox, field: &mut Option<SandboxMode>) {
    *field = Some(sandbox.mode());
}

/// `sandboxPolicy` on turns.
pub(crate) fn sandbox_policy(sandbox: Sandbox, field: &mut Option<SandboxPolicy>) {
    *field = Some(sandbox.policy());
}

/// `approvalPolicy` and `approvalsReviewer`.
pub(crate) fn approval_mode(
    mode: ApprovalMode,
    policy: &mut Option<AskForApproval>,
    reviewer: &mut Option<ApprovalsReviewer>,
) {
    let (wire_policy, wire_reviewer) = mode.wire();
    *policy = Some(wire_policy);
    *reviewer = wire_reviewer;
}

/// `excludeTurns`, from its positive form.
pub(crate) fn include_turns(include: bool, exclude: &mut Option<bool>) {
    *exclude = Some(!include);
}

/// A path field, sent as a string.
pub(crate) fn path(path: impl AsRef<Path>, field: &mut Option<String>) {
    *field = Some(path.as_ref().to_string_lossy().into_owned());
}

/// The `cwd` filter of `thread/list`.
pub(crate) fn cwd_filter(path: impl AsRef<Path>, field: &mut Option<ThreadListCwdFilter>) {
    *field = Some(ThreadListCwdFilter::String(path.as_ref().to_string_lossy().into_owned()));
}

/// A turn's `input`.
pub(crate) fn turn_input(input: impl Into<TurnInput>) -> Vec<UserInput> {
    input.into().into_wire()
}
