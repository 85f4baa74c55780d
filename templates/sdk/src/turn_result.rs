//! What a finished turn produced ([`TurnResult`], [`TurnTiming`]), and why
//! the SDK stopped one ([`StallReason`]).
//!
//! Plain data below both `error` (whose turn errors carry them) and `api`
//! (which makes them from a turn's events), so the error module depends on
//! nothing above it; re-exported at the crate root.

use std::time::Duration;

use crate::types::{ErrorNotification, ThreadItem, ThreadTokenUsage, TurnError, TurnStatus};

/// What a finished turn produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TurnResult {
    /// The turn's id.
    pub id: String,
    /// How it ended: completed, interrupted or failed (`InProgress` in the
    /// partial result of a turn the runtime never ended, see
    /// [`Error::TurnStalled`](crate::Error::TurnStalled)).
    pub status: TurnStatus,
    /// Why it failed, if it did.
    pub error: Option<TurnError>,
    /// The agent's final answer: the last agent message in the final-answer
    /// phase, else the last one without a phase.
    pub final_response: Option<String>,
    /// Every item the turn completed, in order.
    pub items: Vec<ThreadItem>,
    /// Token usage as of the end of the turn, if the runtime reported it.
    pub usage: Option<ThreadTokenUsage>,
    /// When the turn started and ended.
    pub timing: TurnTiming,
    /// The `error` notifications the runtime sent during the turn, in order
    /// (e.g. "Reconnecting..." with `will_retry`, while the model is unreachable).
    pub errors: Vec<ErrorNotification>,
}

/// When a turn started and ended, as the runtime reports it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TurnTiming {
    /// Start, Unix seconds.
    pub started_at: Option<i64>,
    /// End, Unix seconds.
    pub completed_at: Option<i64>,
    /// Duration in milliseconds.
    pub duration_ms: Option<i64>,
}

/// Why the SDK stopped a turn (see [`TurnPolicy`](crate::TurnPolicy)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StallReason {
    /// The turn ran longer than [`TurnPolicy::timeout`](crate::TurnPolicy::timeout) (the value).
    Timeout(Duration),
    /// The runtime kept reconnecting to the model longer than
    /// [`TurnPolicy::reconnect_limit`](crate::TurnPolicy::reconnect_limit) (the value).
    Reconnecting(Duration),
}

impl std::fmt::Display for StallReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StallReason::Timeout(limit) => write!(f, "it ran longer than its timeout of {limit:?}"),
            StallReason::Reconnecting(limit) => {
                write!(f, "the runtime kept reconnecting to the model for more than {limit:?}")
            }
        }
    }
}
