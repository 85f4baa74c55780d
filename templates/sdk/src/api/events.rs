//! Following a turn by intent: [`TurnHandle::text_stream`] (the answer's
//! text as string pieces) and [`TurnHandle::events`] (typed item events and
//! the turn's result), for the common case of a stream without matching on
//! the whole [`ServerNotification`] enum.

use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use crate::api::{Thread, TurnHandle, TurnInput, TurnResult};
use crate::error::{Error, Result};
use crate::methods::ServerNotification;
use crate::types::{ErrorNotification, ThreadItem, TurnInterruptParams, TurnSteerParams};

/// One event of a running turn, by what it means (see [`TurnHandle::events`]).
///
/// The common cases have their own variants; every other notification of
/// the turn arrives as [`TurnEvent::Other`], so nothing is lost. The last
/// event of a turn that ended normally (completed or interrupted) is
/// [`TurnEvent::Completed`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// The items stay unboxed so that patterns can look into them.
#[allow(clippy::large_enum_variant)]
pub enum TurnEvent {
    /// A piece of an agent message's text, in order. For each agent message
    /// the pieces add up to its final text, also where the runtime sent no
    /// delta (the rest comes when the item completes), unless the stream
    /// fell behind ([`Error::Lagged`]) in the middle of it.
    Text(String),
    /// An item started (a command, a file change, an agent message, ...).
    ItemStarted(ThreadItem),
    /// An item completed, with its final content and status.
    ItemCompleted(ThreadItem),
    /// The runtime reported an error; with `will_retry` the turn goes on
    /// (e.g. "Reconnecting..." while the model is unreachable).
    Error(ErrorNotification),
    /// The turn ended: what it produced. Always the last event.
    Completed(Box<TurnResult>),
    /// Any other notification of the turn (reasoning, plan and diff
    /// updates, token usage, command output, ...), as it came.
    Other(ServerNotification),
}

/// The typed events of a turn, from [`TurnHandle::events`]: a [`Stream`] of
/// [`TurnEvent`]s that ends after [`TurnEvent::Completed`].
///
/// Errors are items of the stream, as for [`TurnHandle`]: a failed turn ends
/// it with [`Error::TurnFailed`] (holding the result), a stalled one with
/// [`Error::TurnStalled`], a lost runtime with [`Error::ProcessExited`].
/// [`Error::Lagged`] (the stream fell behind and events were dropped) is
/// reported and the stream goes on: the turn's end still comes, with the
/// items read back from the runtime, and the text of agent messages whose
/// deltas were all dropped is delivered as [`TurnEvent::Text`] before
/// [`TurnEvent::Completed`].
///
/// It still steers and interrupts the turn ([`TurnEvents::steer`],
/// [`TurnEvents::interrupt`]).
#[must_use = "streams do nothing unless polled"]
pub struct TurnEvents {
    inner: BoxStream<'static, Result<TurnEvent>>,
    control: TurnControl,
}

/// What steering and interrupting a turn needs, kept beside its streams.
#[derive(Debug, Clone)]
struct TurnControl {
    thread: Thread,
    id: String,
}

impl TurnControl {
    async fn steer(&self, input: TurnInput) -> Result<()> {
        // Arguments in field order: expected_turn_id, input, thread_id.
        let params = TurnSteerParams::new(self.id.clone(), input.into_wire(), self.thread.id().to_owned());
        self.thread.codex().client().turn_steer(params).await?;
        Ok(())
    }

    async fn interrupt(&self) -> Result<()> {
        let params = TurnInterruptParams::new(self.thread.id().to_owned(), self.id.clone());
        crate::api::turn::interrupt_turn(self.thread.codex().client().clone(), params).await
    }
}

impl TurnEvents {
    /// The turn's id.
    pub fn id(&self) -> &str {
        &self.control.id
    }

    /// Adds input to the running turn; see [`TurnHandle::steer`].
    pub async fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        self.control.steer(input.into()).await
    }

    /// Asks the runtime to stop the turn; it then ends as interrupted (and
    /// the stream with [`TurnEvent::Completed`]). See [`TurnHandle::interrupt`].
    pub async fn interrupt(&self) -> Result<()> {
        self.control.interrupt().await
    }

    /// Reads the rest of the events and returns the turn's result (what
    /// [`TurnHandle::wait`] returns; [`Error::Lagged`] is skipped).
    pub async fn wait(mut self) -> Result<TurnResult> {
        while let Some(event) = self.next().await {
            match event {
                Ok(TurnEvent::Completed(result)) => return Ok(*result),
                Err(Error::Lagged { .. }) | Ok(_) => {}
                Err(error) => return Err(error),
            }
        }
        Err(Error::ProcessExited {
            status: "the event stream ended before the turn completed".to_owned(),
            stderr_tail: Vec::new(),
        })
    }
}

impl std::fmt::Debug for TurnEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnEvents").field("id", &self.control.id).finish_non_exhaustive()
    }
}

impl Stream for TurnEvents {
    type Item = Result<TurnEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

/// The text of a turn's answer as it is written, from
/// [`TurnHandle::text_stream`]: a [`Stream`] of string pieces.
///
/// The pieces of every agent message of the turn, in order (a turn may
/// write more than one, e.g. a commentary before the final answer); each
/// message's pieces add up to its final text, also where the runtime sent
/// no delta. The stream ends when the turn ends; then
/// [`TextStream::result`] holds the turn's [`TurnResult`]. A turn that
/// failed, stalled or lost its runtime ends the stream with that error (as
/// [`TurnHandle::wait`] would return it). When the stream falls behind,
/// [`Error::Lagged`] says so (pieces may be missing; the full text is in the
/// result) and the stream goes on.
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct TextStream {
    events: TurnEvents,
    result: Option<TurnResult>,
    ended: bool,
}

impl TextStream {
    /// The turn's id.
    pub fn id(&self) -> &str {
        self.events.id()
    }

    /// Adds input to the running turn; see [`TurnHandle::steer`].
    pub async fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        self.events.steer(input).await
    }

    /// Asks the runtime to stop the turn; it then ends as interrupted. See
    /// [`TurnHandle::interrupt`].
    pub async fn interrupt(&self) -> Result<()> {
        self.events.interrupt().await
    }

    /// The turn's result, once the stream has ended normally.
    pub fn result(&self) -> Option<&TurnResult> {
        self.result.as_ref()
    }

    /// The turn's result, once the stream has ended normally.
    pub fn into_result(self) -> Option<TurnResult> {
        self.result
    }

    /// The next piece as the blocking iterator takes it.
    pub(crate) fn poll_piece(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<String>>> {
        loop {
            if self.ended {
                return Poll::Ready(None);
            }
            match futures::ready!(self.events.poll_next_unpin(cx)) {
                Some(Ok(TurnEvent::Text(piece))) => return Poll::Ready(Some(Ok(piece))),
                Some(Ok(TurnEvent::Completed(result))) => {
                    self.result = Some(*result);
                    self.ended = true;
                }
                Some(Ok(_)) => {}
                // Reported; the turn goes on.
                Some(Err(error @ Error::Lagged { .. })) => return Poll::Ready(Some(Err(error))),
                Some(Err(error)) => {
                    self.ended = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => self.ended = true,
            }
        }
    }
}

impl Stream for TextStream {
    type Item = Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_piece(cx)
    }
}

impl TurnHandle {
    /// The answer's text as it is written: a [`Stream`] of string pieces
    /// that ends with the turn (see [`TextStream`]).
    ///
    /// ```no_run
    /// # async fn example(thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// use futures::StreamExt;
    ///
    /// let mut text = thread.turn("Tell me a story.").send().await?.text_stream();
    /// while let Some(piece) = text.next().await {
    ///     print!("{}", piece?);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn text_stream(self) -> TextStream {
        TextStream { events: self.events(), result: None, ended: false }
    }

    /// The turn's events by what they mean (see [`TurnEvent`] and
    /// [`TurnEvents`]); ends with [`TurnEvent::Completed`].
    ///
    /// ```no_run
    /// # async fn example(thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// use futures::StreamExt;
    /// use openai_codex::TurnEvent;
    ///
    /// let mut events = thread.turn("Fix the test.").send().await?.events();
    /// while let Some(event) = events.next().await {
    ///     match event? {
    ///         TurnEvent::Text(piece) => print!("{piece}"),
    ///         TurnEvent::ItemCompleted(item) => println!("\ndone: {item:?}"),
    ///         TurnEvent::Completed(result) => println!("\n{:?}", result.usage),
    ///         _ => {}
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn events(self) -> TurnEvents {
        let control = TurnControl { thread: self.thread().clone(), id: self.id().to_owned() };
        let state = Translator { turn: self, pending: VecDeque::new(), texts: HashMap::new(), done: false };
        TurnEvents { inner: futures::stream::unfold(state, Translator::step).boxed(), control }
    }
}

/// Turns the handle's notifications into [`TurnEvent`]s.
struct Translator {
    turn: TurnHandle,
    pending: VecDeque<Result<TurnEvent>>,
    /// The text delivered so far, per agent message id.
    texts: HashMap<String, String>,
    done: bool,
}

impl Translator {
    async fn step(mut self) -> Option<(Result<TurnEvent>, Self)> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some((event, self));
            }
            if self.done {
                return None;
            }
            match self.turn.next().await {
                Some(Ok(notification)) => self.translate(notification),
                Some(Err(error)) => {
                    // As `TurnHandle::wait`: only a lag lets the turn go on.
                    if !matches!(error, Error::Lagged { .. }) {
                        self.done = true;
                    }
                    self.pending.push_back(Err(error));
                }
                None => {
                    self.done = true;
                    let end = self.turn.finish().await;
                    let items = match &end {
                        Ok(result) => Some(&result.items),
                        Err(Error::TurnFailed(result)) => Some(&result.items),
                        Err(_) => None,
                    };
                    for item in items.into_iter().flatten() {
                        self.complete_text(item);
                    }
                    self.pending.push_back(end.map(|result| TurnEvent::Completed(Box::new(result))));
                }
            }
        }
    }

    fn translate(&mut self, notification: ServerNotification) {
        let event = match notification {
            ServerNotification::ItemAgentMessageDelta(delta) => {
                self.texts.entry(delta.item_id).or_default().push_str(&delta.delta);
                TurnEvent::Text(delta.delta)
            }
            ServerNotification::ItemStarted(started) => TurnEvent::ItemStarted(started.item),
            ServerNotification::ItemCompleted(completed) => {
                self.complete_text(&completed.item);
                TurnEvent::ItemCompleted(completed.item)
            }
            ServerNotification::Error(error) => TurnEvent::Error(error),
            // The end comes as `Completed`, with the result.
            ServerNotification::TurnCompleted(_) => return,
            other => TurnEvent::Other(other),
        };
        self.pending.push_back(Ok(event));
    }

    /// Delivers what is missing of a completed agent message's text.
    fn complete_text(&mut self, item: &ThreadItem) {
        let ThreadItem::AgentMessage { id, text, .. } = item else { return };
        let delivered = self.texts.entry(id.clone()).or_default();
        match text.strip_prefix(delivered.as_str()) {
            Some("") => {}
            Some(rest) => {
                self.pending.push_back(Ok(TurnEvent::Text(rest.to_owned())));
                delivered.clone_from(text);
            }
            None => tracing::warn!(item = %id, "an agent message's final text differs from its streamed pieces"),
        }
    }
}
