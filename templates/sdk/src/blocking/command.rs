//! The blocking side of sandboxed commands and code review:
//! [`CommandHandle`] (an [`Iterator`] of the command's output) and the
//! `run()` shortcuts of the command and review builders.

use std::sync::Arc;

use super::{CommandBuilder, ReviewBuilder, Runtime};
use crate::api::{CommandEvent, CommandOutput, TerminalSize, TurnResult};
use crate::error::Result;

impl CommandBuilder<'_> {
    /// Runs the command to its end and returns what it printed: the same as
    /// `.send()?.wait()`; see [`crate::CommandBuilder::run`].
    ///
    /// ```no_run
    /// use openai_codex::blocking::Codex;
    /// use openai_codex::Sandbox;
    ///
    /// let codex = Codex::new()?;
    /// let output = codex.command(["ls", "-la"]).sandbox(Sandbox::ReadOnly).run()?;
    /// println!("{}", output.stdout_text());
    /// # Ok::<(), openai_codex::Error>(())
    /// ```
    pub fn run(self) -> Result<CommandOutput> {
        self.send()?.wait()
    }

    /// Sets an environment variable for the command; see [`crate::CommandBuilder::env`].
    pub fn env(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        self.with_params(|params| {
            params.env.get_or_insert_with(Default::default).insert(key, Some(value));
        })
    }

    /// Removes an inherited environment variable; see [`crate::CommandBuilder::env_remove`].
    pub fn env_remove(self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.with_params(|params| {
            params.env.get_or_insert_with(Default::default).insert(key, None);
        })
    }
}

impl ReviewBuilder<'_> {
    /// Starts the review and runs it to its end: the same as
    /// `.send()?.wait()`; see [`crate::ReviewBuilder::run`].
    pub fn run(self) -> Result<TurnResult> {
        self.send()?.wait()
    }
}

/// The blocking [`crate::CommandHandle`]: a running sandboxed command. As an
/// [`Iterator`] it yields the command's output as it comes and ends after
/// [`CommandEvent::Exited`]; [`CommandHandle::wait`] collects it into a
/// [`CommandOutput`]. Dropping it before the command exited terminates the
/// command.
#[derive(Debug)]
pub struct CommandHandle {
    inner: crate::CommandHandle,
    runtime: Arc<Runtime>,
}

impl CommandHandle {
    /// Wraps an async command handle (used by the generated builders).
    pub(crate) fn from_async(inner: crate::CommandHandle, runtime: &Arc<Runtime>) -> Self {
        Self { inner, runtime: Arc::clone(runtime) }
    }

    /// The process id the SDK gave the command; see [`crate::CommandHandle::process_id`].
    pub fn process_id(&self) -> &str {
        self.inner.process_id()
    }

    /// The program (`argv[0]`).
    pub fn program(&self) -> &str {
        self.inner.program()
    }

    /// The async [`crate::CommandHandle`] underneath.
    pub fn as_async(&self) -> &crate::CommandHandle {
        &self.inner
    }

    /// Writes bytes to the command's stdin; see [`crate::CommandHandle::write_stdin`].
    pub fn write_stdin(&self, bytes: impl AsRef<[u8]>) -> Result<()> {
        self.runtime.block_on(self.inner.write_stdin(bytes))
    }

    /// Closes the command's stdin.
    pub fn close_stdin(&self) -> Result<()> {
        self.runtime.block_on(self.inner.close_stdin())
    }

    /// Resizes the command's terminal; see [`crate::CommandHandle::resize`].
    pub fn resize(&self, size: TerminalSize) -> Result<()> {
        self.runtime.block_on(self.inner.resize(size))
    }

    /// Kills the command; see [`crate::CommandHandle::terminate`].
    pub fn terminate(&self) -> Result<()> {
        self.runtime.block_on(self.inner.terminate())
    }

    /// Waits for the command to exit and returns what it printed; see
    /// [`crate::CommandHandle::wait`].
    pub fn wait(self) -> Result<CommandOutput> {
        let Self { inner, runtime } = self;
        runtime.block_on(inner.wait())
    }
}

impl Iterator for CommandHandle {
    type Item = Result<CommandEvent>;

    /// Blocks until the command's next output; `None` after it exited.
    fn next(&mut self) -> Option<Self::Item> {
        use futures::StreamExt;
        self.runtime.block_on(self.inner.next())
    }
}
