//! Guides: how to use the SDK, beyond the reference docs of each item.
//! Every code sample here is compiled (and, where it needs no runtime, run)
//! by `cargo test --doc`, so none can go stale.
//!
//! | page | read it when |
//! |---|---|
//! | [`getting_started`] | you start: dependencies, the runtime, a first turn |
//! | [`sandbox_and_approvals`] | you decide how much the agent may touch, and who approves the rest |
//! | [`streaming_vs_run`] | you choose between waiting for the answer and following the turn live |
//! | [`timeouts_and_cancellation`] | a call or a turn must not take forever |
//! | [`errors_and_retries`] | you handle what goes wrong |
//! | [`structured_output`] | you want the answer as a Rust type |
//! | [`tools`] | the model should call your own Rust functions |
//! | [`many_threads`] | you run several conversations at once |
//! | [`remote_app_servers`] | the app-server runs already: a WebSocket, a Unix socket, the daemon, another machine, several app-servers |
//! | [`runtime_versions`] | the Codex runtime moves to a new version |
//! | [`faq`] | common decisions and pitfalls |
//! | [`examples`] | you want a complete program to start from |

#[doc = include_str!("getting_started.md")]
pub mod getting_started {}

#[doc = include_str!("sandbox_and_approvals.md")]
pub mod sandbox_and_approvals {}

#[doc = include_str!("streaming_vs_run.md")]
pub mod streaming_vs_run {}

#[doc = include_str!("timeouts_and_cancellation.md")]
pub mod timeouts_and_cancellation {}

#[doc = include_str!("errors_and_retries.md")]
pub mod errors_and_retries {}

#[doc = include_str!("structured_output.md")]
pub mod structured_output {}

#[doc = include_str!("tools.md")]
pub mod tools {}

#[doc = include_str!("many_threads.md")]
pub mod many_threads {}

#[doc = include_str!("remote_app_servers.md")]
pub mod remote_app_servers {}

#[doc = include_str!("runtime_versions.md")]
pub mod runtime_versions {}

#[doc = include_str!("faq.md")]
pub mod faq {}

#[doc = include_str!("examples.md")]
pub mod examples {}
