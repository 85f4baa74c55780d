//! The settings a [`CodexBuilder`] keeps for itself (the settings of the
//! runtime and the connection are [`ClientBuilder`]'s, forwarded).
//!
//! Every setter here is written once: the generator (`cargo codegen
//! generate`, step `emit_forwarding`) gives
//! [`blocking::CodexBuilder`](crate::blocking::CodexBuilder) the same
//! setter, with the same signature and docs, forwarding to this one (the
//! generated `forward` module below). The approval closures are not here:
//! the blocking builder takes plain closures instead of async ones.

use std::time::Duration;

use super::*;

mod forward;

impl CodexBuilder {
    /// The [`TurnPolicy`] of every turn (default: [`TurnPolicy::default`]).
    pub fn turn_policy(self, policy: TurnPolicy) -> Self {
        Self { turn_policy: policy, ..self }
    }

    /// The longest a turn may run before the SDK interrupts it (`None`: no
    /// limit; default one hour); see [`TurnPolicy::timeout`].
    pub fn turn_timeout(self, timeout: impl Into<Option<Duration>>) -> Self {
        Self { turn_policy: self.turn_policy.with_timeout(timeout), ..self }
    }

    /// The longest the runtime may keep reconnecting to the model before the
    /// SDK interrupts the turn (`None`: no limit; default two minutes); see
    /// [`TurnPolicy::reconnect_limit`].
    pub fn reconnect_limit(self, limit: impl Into<Option<Duration>>) -> Self {
        Self { turn_policy: self.turn_policy.with_reconnect_limit(limit), ..self }
    }
}
