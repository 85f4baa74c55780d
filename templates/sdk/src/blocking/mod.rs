//! The blocking API, for scripts and programs without an async runtime. It
//! mirrors the async API: the same builders and setters, and `send()`
//! blocks until the answer.
//!
//! ```no_run
//! use openai_codex::blocking::Codex;
//! use openai_codex::Sandbox;
//!
//! let codex = Codex::new()?;
//! let thread = codex.thread_start().sandbox(Sandbox::ReadOnly).send()?;
//! let result = thread.run("What is in this folder?")?;
//! println!("{}", result.final_response.unwrap_or_default());
//! # Ok::<(), openai_codex::Error>(())
//! ```

mod auth;
mod builders;

use std::sync::Arc;

pub use auth::*;
pub use builders::*;

use crate::api::{TurnInput, TurnResult};
use crate::error::{Error, Result};
use crate::methods::ServerNotification;

/// The tokio runtime the blocking API runs the async one on.
pub type Runtime = tokio::runtime::Runtime;

fn new_runtime() -> Result<Arc<Runtime>> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map(Arc::new)
        .map_err(Error::Io)
}

/// The blocking [`crate::Codex`]. Dropping it shuts the runtime down.
#[derive(Debug, Clone)]
pub struct Codex {
    inner: crate::Codex,
    runtime: Arc<Runtime>,
}

impl Codex {
    /// Starts the runtime with the default configuration.
    pub fn new() -> Result<Self> {
        Self::spawn(crate::Codex::builder())
    }

    /// Starts the runtime configured by an async [`crate::CodexBuilder`].
    pub fn spawn(builder: crate::CodexBuilder) -> Result<Self> {
        let runtime = new_runtime()?;
        let inner = runtime.block_on(builder.spawn())?;
        Ok(Self { inner, runtime })
    }

    pub(crate) fn inner(&self) -> &crate::Codex {
        &self.inner
    }

    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// The async [`crate::Codex`] underneath.
    pub fn as_async(&self) -> &crate::Codex {
        &self.inner
    }

    /// What the runtime said about itself.
    pub fn metadata(&self) -> crate::Metadata {
        self.inner.metadata()
    }

    /// Runs any async operation of the SDK to completion.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Shuts the runtime down gracefully.
    pub fn close(&self) {
        self.runtime.block_on(self.inner.close());
    }
}

/// The blocking [`crate::Thread`].
#[derive(Debug, Clone)]
pub struct Thread {
    inner: crate::Thread,
    runtime: Arc<Runtime>,
}

impl Thread {
    /// Wraps an async thread (used by the generated builders).
    pub(crate) fn from_async(inner: crate::Thread, runtime: &Arc<Runtime>) -> Self {
        Self { inner, runtime: Arc::clone(runtime) }
    }

    pub(crate) fn inner(&self) -> &crate::Thread {
        &self.inner
    }

    pub(crate) fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// The thread's id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// Runs one turn to its end; see [`crate::Thread::run`].
    pub fn run(&self, input: impl Into<TurnInput>) -> Result<TurnResult> {
        self.runtime.block_on(self.inner.run(input))
    }

    /// Runs one turn with a typed answer; see [`crate::Thread::run_structured`].
    pub fn run_structured<T: schemars::JsonSchema + serde::de::DeserializeOwned>(
        &self,
        input: impl Into<TurnInput>,
    ) -> Result<T> {
        self.runtime.block_on(self.inner.run_structured(input))
    }

    /// Reads the thread; see [`crate::Thread::read`].
    pub fn read(&self, include_turns: bool) -> Result<crate::types::Thread> {
        self.runtime.block_on(self.inner.read(include_turns))
    }

    /// Names the thread.
    pub fn set_name(&self, name: impl Into<String>) -> Result<()> {
        self.runtime.block_on(self.inner.set_name(name))
    }

    /// Starts compacting the thread's history.
    pub fn compact(&self) -> Result<()> {
        self.runtime.block_on(self.inner.compact())
    }
}

/// The blocking [`crate::TurnHandle`]: an [`Iterator`] over the turn's events.
#[derive(Debug)]
pub struct TurnHandle {
    inner: crate::TurnHandle,
    runtime: Arc<Runtime>,
}

impl TurnHandle {
    /// Wraps an async turn handle (used by the generated builders).
    pub(crate) fn from_async(inner: crate::TurnHandle, runtime: &Arc<Runtime>) -> Self {
        Self { inner, runtime: Arc::clone(runtime) }
    }

    /// The turn's id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// Adds input to the running turn.
    pub fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        self.runtime.block_on(self.inner.steer(input))
    }

    /// Asks the runtime to stop the turn.
    pub fn interrupt(&self) -> Result<()> {
        self.runtime.block_on(self.inner.interrupt())
    }

    /// Waits for the turn's end; see [`crate::TurnHandle::wait`].
    pub fn wait(self) -> Result<TurnResult> {
        self.runtime.block_on(self.inner.wait())
    }
}

impl Iterator for TurnHandle {
    type Item = Result<ServerNotification>;

    fn next(&mut self) -> Option<Self::Item> {
        use futures::StreamExt;
        self.runtime.block_on(self.inner.next())
    }
}
