//! The blocking [`TextStream`] and [`TurnEvents`]: the async ones as
//! [`Iterator`]s.

use futures::StreamExt;

use super::{Thread, TurnHandle};
use crate::api::{TurnEvent, TurnInput, TurnResult};
use crate::error::Result;

/// The blocking [`crate::TextStream`]: the answer's text as it is written,
/// an [`Iterator`] of string pieces that ends with the turn. See
/// [`TurnHandle::text_stream`].
#[derive(Debug)]
pub struct TextStream {
    inner: crate::TextStream,
    thread: Thread,
}

impl TextStream {
    /// The turn's id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// Adds input to the running turn; see [`crate::TurnHandle::steer`].
    pub fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        self.thread.codex.runtime.block_on(self.inner.steer(input))
    }

    /// Asks the runtime to stop the turn; see [`crate::TurnHandle::interrupt`].
    pub fn interrupt(&self) -> Result<()> {
        self.thread.codex.runtime.block_on(self.inner.interrupt())
    }

    /// The turn's result, once the iterator has ended normally.
    pub fn result(&self) -> Option<&TurnResult> {
        self.inner.result()
    }

    /// The turn's result, once the iterator has ended normally.
    pub fn into_result(self) -> Option<TurnResult> {
        self.inner.into_result()
    }
}

impl Iterator for TextStream {
    type Item = Result<String>;

    /// Blocks until the next piece of text; `None` once the turn has ended.
    fn next(&mut self) -> Option<Self::Item> {
        let runtime = self.thread.codex.runtime.clone();
        runtime.block_on(futures::future::poll_fn(|cx| self.inner.poll_piece(cx)))
    }
}

/// The blocking [`crate::TurnEvents`]: an [`Iterator`] of the turn's
/// [`TurnEvent`]s, ending after [`TurnEvent::Completed`]. See
/// [`TurnHandle::events`].
#[derive(Debug)]
pub struct TurnEvents {
    inner: crate::TurnEvents,
    thread: Thread,
}

impl TurnEvents {
    /// The turn's id.
    pub fn id(&self) -> &str {
        self.inner.id()
    }

    /// Adds input to the running turn; see [`crate::TurnHandle::steer`].
    pub fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        self.thread.codex.runtime.block_on(self.inner.steer(input))
    }

    /// Asks the runtime to stop the turn; see [`crate::TurnHandle::interrupt`].
    pub fn interrupt(&self) -> Result<()> {
        self.thread.codex.runtime.block_on(self.inner.interrupt())
    }

    /// Reads the rest of the events and returns the turn's result; see
    /// [`crate::TurnEvents::wait`].
    pub fn wait(self) -> Result<TurnResult> {
        let runtime = self.thread.codex.runtime.clone();
        runtime.block_on(self.inner.wait())
    }
}

impl Iterator for TurnEvents {
    type Item = Result<TurnEvent>;

    /// Blocks until the turn's next event; `None` after the last.
    fn next(&mut self) -> Option<Self::Item> {
        let runtime = self.thread.codex.runtime.clone();
        runtime.block_on(self.inner.next())
    }
}

impl TurnHandle {
    /// The answer's text as it is written: an [`Iterator`] of string pieces
    /// that ends with the turn; see [`crate::TurnHandle::text_stream`].
    ///
    /// ```no_run
    /// # fn example(thread: openai_codex::blocking::Thread) -> openai_codex::Result<()> {
    /// for piece in thread.turn("Tell me a story.").send()?.text_stream() {
    ///     print!("{}", piece?);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn text_stream(self) -> TextStream {
        TextStream { inner: self.inner.text_stream(), thread: self.thread }
    }

    /// The turn's events by what they mean, as an [`Iterator`]; see
    /// [`crate::TurnHandle::events`].
    pub fn events(self) -> TurnEvents {
        TurnEvents { inner: self.inner.events(), thread: self.thread }
    }
}
