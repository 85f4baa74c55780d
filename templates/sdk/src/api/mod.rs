//! The friendly API: [`Codex`], [`Thread`], turns, [`Sandbox`] and
//! [`ApprovalMode`]. The builders come from the override table
//! (`templates/api.toml`); what they send and return is written here.

mod auth;
mod builders;
pub(crate) mod command;
pub(crate) mod convert;
mod codex;
mod input;
mod retry;
pub(crate) mod review;
mod sandbox;
pub(crate) mod thread;
pub(crate) mod turn;

pub use auth::*;
pub use builders::*;
pub use command::{CommandEvent, CommandHandle, CommandOutput, OutputStream, TerminalSize, DEFAULT_COMMAND_TIMEOUT};
pub use codex::{Codex, CodexBuilder, Metadata};
pub use input::{Input, TurnInput};
pub use retry::*;
pub use review::{ReviewDelivery, ReviewTarget};
pub use sandbox::{ApprovalMode, Sandbox};
pub use thread::{EffectiveSettings, Thread, ThreadInfo};
pub use turn::{
    StallReason, TurnHandle, TurnPolicy, TurnResult, TurnTiming, DEFAULT_INTERRUPT_GRACE, DEFAULT_RECONNECT_LIMIT,
    DEFAULT_TURN_TIMEOUT,
};
