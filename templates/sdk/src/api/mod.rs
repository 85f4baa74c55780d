//! The friendly API: [`Codex`], [`Thread`], turns, [`Sandbox`],
//! [`ApprovalMode`] and [`Tool`]s. The builders come from the override table
//! (`templates/api.toml`); what they send and return is written here.

mod approvals;
mod auth;
mod builders;
pub(crate) mod command;
pub(crate) mod convert;
mod codex;
mod events;
mod input;
mod retry;
pub(crate) mod review;
mod sandbox;
pub(crate) mod thread;
pub(crate) mod tools;
pub(crate) mod turn;

pub use approvals::{Approvals, Decision, IntoAnswer};
pub use auth::*;
pub use builders::*;
pub use command::{CommandEvent, CommandHandle, CommandOutput, OutputStream, TerminalSize, DEFAULT_COMMAND_TIMEOUT};
pub use codex::{Codex, CodexBuilder, Metadata};
pub use events::{TextStream, TurnEvent, TurnEvents};
pub use input::{Input, TurnInput};
pub use retry::*;
pub use review::{ReviewDelivery, ReviewTarget};
pub use sandbox::{ApprovalMode, Sandbox};
pub use thread::{EffectiveSettings, Thread, ThreadInfo};
pub use tools::{IntoToolOutput, Tool, ToolCall, ToolNamespace, ToolOutput, Toolset, DEFAULT_TOOL_TIMEOUT};
pub use turn::{
    StallReason, TurnHandle, TurnPolicy, TurnResult, TurnTiming, DEFAULT_INTERRUPT_GRACE, DEFAULT_RECONNECT_LIMIT,
    DEFAULT_TURN_TIMEOUT,
};
