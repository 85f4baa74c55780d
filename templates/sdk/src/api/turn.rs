//! Turns: [`TurnHandle`] (a running turn: its events, steer, interrupt),
//! [`TurnResult`] (what a finished turn produced) and [`TurnPolicy`] (when the
//! SDK gives up on a turn that does not end).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Sleep;
use tracing::Instrument;

use crate::api::{Thread, TurnInput};
use crate::client::Client;
use crate::error::{Error, Redacted, Result};
use crate::methods::ServerNotification;
use crate::router::NotificationStream;
pub use crate::turn_result::{StallReason, TurnResult, TurnTiming};
use crate::types::{
    ErrorNotification, MessagePhase, ThreadItem, ThreadTokenUsage, TurnCompletedNotification, TurnError,
    TurnInterruptParams, TurnStartParams, TurnStatus, TurnSteerParams,
};

/// How often, and how far apart, `interrupt` retries a turn not active yet.
const INTERRUPT_RETRIES: u32 = 40;
const INTERRUPT_RETRY_DELAY: Duration = Duration::from_millis(25);

/// The default of [`TurnPolicy::timeout`]: one hour. Long enough for a real
/// agentic task; short enough that a batch job stuck on one turn ends.
pub const DEFAULT_TURN_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// The default of [`TurnPolicy::reconnect_limit`]: two minutes. The runtime
/// retries an unreachable model at about 0.1 s, 5 s, 15 s, 35 s, 75 s, ...
/// and never gives up by itself; two minutes rides out a short outage.
pub const DEFAULT_RECONNECT_LIMIT: Duration = Duration::from_secs(2 * 60);
/// The default of [`TurnPolicy::interrupt_grace`]: ten seconds.
pub const DEFAULT_INTERRUPT_GRACE: Duration = Duration::from_secs(10);

/// JSON-RPC "invalid request", the code of the runtime's refusals.
const INVALID_REQUEST: i64 = -32600;

/// Whether `turn/interrupt` was refused because the turn is not active yet.
/// The runtime (0.169) answers `{"code": -32600, "message": "no active turn
/// to interrupt"}` without `data`, and refuses other things (an unknown
/// thread) with the same code: the message is the only fact that tells them
/// apart, so it is matched only after the code.
fn is_not_active_yet(error: &Error) -> bool {
    matches!(error, Error::JsonRpc { code: INVALID_REQUEST, message, .. } if message.starts_with("no active turn"))
}

/// When the SDK stops waiting for a turn. A turn that breaks the policy is
/// interrupted (`turn/interrupt`) and ends with [`Error::TurnStalled`], which
/// carries the runtime's last error message and what the turn did so far.
///
/// Set it for every turn of a client with
/// [`CodexBuilder::turn_policy`](crate::CodexBuilder::turn_policy) (or
/// [`Codex::with_turn_policy`](crate::Codex::with_turn_policy)), and for one
/// turn with the turn builder's `timeout` and `reconnect_limit`.
///
/// The defaults never wait forever: a turn may run [`DEFAULT_TURN_TIMEOUT`]
/// (one hour) in total, and the runtime may spend [`DEFAULT_RECONNECT_LIMIT`]
/// (two minutes) reconnecting to an unreachable model (it reports that with
/// `error` notifications marked `willRetry`, and would otherwise retry
/// forever).
///
/// ```
/// use std::time::Duration;
/// use openai_codex::TurnPolicy;
///
/// let policy = TurnPolicy::default()
///     .with_timeout(Duration::from_secs(15 * 60))
///     .with_reconnect_limit(Duration::from_secs(30));
/// assert_eq!(policy.timeout, Some(Duration::from_secs(900)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TurnPolicy {
    /// The longest a turn may run, from `turn/start` to its end; `None`: no
    /// limit. Default [`DEFAULT_TURN_TIMEOUT`].
    pub timeout: Option<Duration>,
    /// The longest the runtime may keep reconnecting to the model: the time
    /// since its first `error` notification with `willRetry: true`, without
    /// any other event of the turn in between. `None`: no limit. Default
    /// [`DEFAULT_RECONNECT_LIMIT`].
    pub reconnect_limit: Option<Duration>,
    /// After `turn/interrupt`, how long to wait for the runtime to confirm
    /// the end of the turn before returning the error anyway. Default
    /// [`DEFAULT_INTERRUPT_GRACE`].
    pub interrupt_grace: Duration,
}

impl Default for TurnPolicy {
    fn default() -> Self {
        Self {
            timeout: Some(DEFAULT_TURN_TIMEOUT),
            reconnect_limit: Some(DEFAULT_RECONNECT_LIMIT),
            interrupt_grace: DEFAULT_INTERRUPT_GRACE,
        }
    }
}

impl TurnPolicy {
    /// Sets [`TurnPolicy::timeout`] (`None`: no limit).
    #[must_use]
    pub fn with_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Sets [`TurnPolicy::reconnect_limit`] (`None`: no limit).
    #[must_use]
    pub fn with_reconnect_limit(mut self, limit: impl Into<Option<Duration>>) -> Self {
        self.reconnect_limit = limit.into();
        self
    }

    /// Sets [`TurnPolicy::interrupt_grace`].
    #[must_use]
    pub fn with_interrupt_grace(mut self, grace: Duration) -> Self {
        self.interrupt_grace = grace;
        self
    }
}

/// The turn builder's own settings (not sent to the runtime): overrides of
/// the client's [`TurnPolicy`] for one turn. Named in `templates/api.toml`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct TurnOptions {
    timeout: Option<Option<Duration>>,
    reconnect_limit: Option<Option<Duration>>,
}

impl TurnOptions {
    /// The turn builder's `timeout`.
    pub(crate) fn timeout(options: &mut Self, timeout: impl Into<Option<Duration>>) {
        options.timeout = Some(timeout.into());
    }

    /// The turn builder's `reconnect_limit`.
    pub(crate) fn reconnect_limit(options: &mut Self, limit: impl Into<Option<Duration>>) {
        options.reconnect_limit = Some(limit.into());
    }

    fn apply(self, mut policy: TurnPolicy) -> TurnPolicy {
        if let Some(timeout) = self.timeout {
            policy.timeout = timeout;
        }
        if let Some(limit) = self.reconnect_limit {
            policy.reconnect_limit = limit;
        }
        policy
    }
}

/// A running turn. As a [`Stream`] it yields this turn's notifications,
/// typed (including the runtime's `error` notifications as
/// [`ServerNotification::Error`]), and ends after `turn/completed`;
/// [`TurnHandle::wait`] collects them into a [`TurnResult`]. Steer it with
/// [`TurnHandle::steer`], stop it with [`TurnHandle::interrupt`].
///
/// A turn always ends: its end is never lost when the stream falls behind
/// (only other events are dropped, reported as [`Error::Lagged`]); an end
/// whose params do not decode ends the stream with
/// [`Error::TurnEndUndecodable`]; and a turn that breaks its [`TurnPolicy`] is
/// interrupted and ends the stream with [`Error::TurnStalled`].
pub struct TurnHandle {
    thread: Thread,
    id: String,
    events: NotificationStream,
    collected: Collected,
    finished: bool,
    policy: TurnPolicy,
    /// Fires at the end of [`TurnPolicy::timeout`].
    deadline: Option<Pin<Box<Sleep>>>,
    /// Fires at the end of [`TurnPolicy::reconnect_limit`], while the runtime reconnects.
    reconnecting: Option<Pin<Box<Sleep>>>,
    /// Set once the SDK has decided to stop the turn.
    stopping: Option<Stopping>,
    /// An error to yield before the stream ends.
    ending: Option<Error>,
    /// Whether events of the turn were dropped (the stream fell behind).
    lagged: bool,
    /// `codex_turn{thread, turn}`: what the turn logs, and the requests it
    /// makes, are recorded in it.
    span: tracing::Span,
}

impl std::fmt::Debug for TurnHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnHandle")
            .field("thread", &self.thread.id())
            .field("id", &self.id)
            .field("policy", &self.policy)
            .field("finished", &self.finished)
            .field("stopping", &self.stopping.as_ref().map(|stopping| stopping.reason))
            .finish_non_exhaustive()
    }
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// A turn the SDK is stopping: the interrupt request in flight and how long
/// to wait for the runtime to confirm the end.
struct Stopping {
    reason: StallReason,
    interrupt: Option<BoxFuture<Result<()>>>,
    grace: Pin<Box<Sleep>>,
}

/// What the handle gathered from the events it has seen.
#[derive(Debug, Default, Clone)]
struct Collected {
    items: Vec<ThreadItem>,
    usage: Option<ThreadTokenUsage>,
    errors: Vec<ErrorNotification>,
    completed: Option<crate::types::Turn>,
}

impl Collected {
    fn observe(&mut self, event: &ServerNotification) {
        match event {
            ServerNotification::ItemCompleted(done) => self.items.push(done.item.clone()),
            ServerNotification::ThreadTokenUsageUpdated(update) => self.usage = Some(update.token_usage.clone()),
            ServerNotification::TurnCompleted(done) => self.completed = Some(done.turn.clone()),
            ServerNotification::Error(error) => self.errors.push(error.clone()),
            _ => {}
        }
    }
}

impl crate::TurnBuilder<'_> {
    /// Starts the turn and runs it to its end, in one await: the same as
    /// `.send().await?.wait().await`. Use [`send`](Self::send) instead for
    /// the [`TurnHandle`], to stream, steer or interrupt the turn.
    ///
    /// ```no_run
    /// # async fn example(thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// use openai_codex::Sandbox;
    ///
    /// let review = thread.turn("Review the diff only.").sandbox(Sandbox::ReadOnly).run().await?;
    /// println!("{}", review.final_response.unwrap_or_default());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run(self) -> Result<TurnResult> {
        self.send().await?.wait().await
    }
}

/// `turn/start`: subscribes to the thread first, so no event of the new
/// turn can be missed, then starts it. Settings the thread still owes the
/// runtime (see [`Thread::settings`]) go with it.
pub(crate) async fn start(thread: &Thread, mut params: TurnStartParams, options: TurnOptions) -> Result<TurnHandle> {
    let client = thread.codex().client();
    let policy = options.apply(thread.codex().turn_policy());
    thread.owe_to(&mut params);
    let events = client.thread_notifications(thread.id());
    let span = tracing::debug_span!("codex_turn", thread = %thread.id(), turn = tracing::field::Empty);
    let response = client.turn_start(params.clone()).instrument(span.clone()).await?;
    span.record("turn", tracing::field::display(&response.turn.id));
    tracing::debug!(parent: &span, "turn started");
    thread.turn_started(&params);
    Ok(TurnHandle::attach(thread, response.turn.id, events, policy, span))
}

/// `turn/interrupt`, retrying briefly while the turn is not active yet.
pub(crate) async fn interrupt_turn(client: Client, params: TurnInterruptParams) -> Result<()> {
    let mut attempts = 0;
    loop {
        match client.turn_interrupt(params.clone()).await {
            Ok(_) => return Ok(()),
            Err(error) if is_not_active_yet(&error) && attempts < INTERRUPT_RETRIES => {
                attempts += 1;
                tokio::time::sleep(INTERRUPT_RETRY_DELAY).await;
            }
            Err(error) => return Err(error),
        }
    }
}

impl TurnHandle {
    /// A handle on a turn the runtime just started (the answer of
    /// `turn/start` or `review/start`), whose events arrive on `events`
    /// (subscribed to before the request, so none is missed).
    pub(crate) fn attach(
        thread: &Thread,
        id: String,
        events: NotificationStream,
        policy: TurnPolicy,
        span: tracing::Span,
    ) -> Self {
        let sleep = |limit: Duration| Box::pin(tokio::time::sleep(limit));
        TurnHandle {
            thread: thread.clone(),
            id,
            events,
            collected: Collected::default(),
            finished: false,
            policy,
            deadline: policy.timeout.map(sleep),
            reconnecting: None,
            stopping: None,
            ending: None,
            lagged: false,
            span,
        }
    }

    /// The turn's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The thread the turn runs in.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// The policy this turn runs under.
    pub fn policy(&self) -> TurnPolicy {
        self.policy
    }

    /// The runtime's `error` notifications seen so far for this turn.
    pub fn errors(&self) -> &[ErrorNotification] {
        &self.collected.errors
    }

    /// Adds input to the running turn (the model sees it in its next request).
    pub async fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        // Arguments in field order: expected_turn_id, input, thread_id.
        let params = TurnSteerParams::new(self.id.clone(), input.into().into_wire(), self.thread.id().to_owned());
        self.thread.codex().client().turn_steer(params).await?;
        Ok(())
    }

    /// Asks the runtime to stop the turn; it then ends as interrupted.
    ///
    /// The runtime answers `turn/start` a moment before the turn becomes
    /// active, and refuses to interrupt it in between ("no active turn");
    /// that refusal is retried briefly, so `interrupt` right after `send`
    /// works.
    pub async fn interrupt(&self) -> Result<()> {
        interrupt_turn(self.thread.codex().client().clone(), self.interrupt_params()).await
    }

    fn interrupt_params(&self) -> TurnInterruptParams {
        TurnInterruptParams::new(self.thread.id().to_owned(), self.id.clone())
    }

    /// Waits for the turn to end and returns its result. A failed turn is
    /// [`Error::TurnFailed`]; a turn stopped by its [`TurnPolicy`] is
    /// [`Error::TurnStalled`]; an end that did not decode is
    /// [`Error::TurnEndUndecodable`].
    ///
    /// When events were dropped because the stream fell behind (see
    /// [`ClientBuilder::event_buffer`](crate::ClientBuilder::event_buffer)),
    /// the turn's end still comes, and the items are read back from the
    /// runtime (`thread/read`) once it has.
    pub async fn wait(self) -> Result<TurnResult> {
        let span = self.span.clone();
        self.collect().instrument(span).await
    }

    /// [`TurnHandle::wait`]'s work, inside the turn's span.
    async fn collect(mut self) -> Result<TurnResult> {
        while let Some(event) = self.next().await {
            match event {
                // Items may be missing, but the turn's end still comes (it is
                // never dropped): keep waiting for it.
                Err(Error::Lagged { missed }) => {
                    tracing::warn!(missed, turn = %self.id, "turn events were dropped; the items will be read back");
                }
                Err(error) => return Err(error),
                Ok(_) => {}
            }
        }
        self.finish_collected().await
    }

    /// Once the stream has ended: the turn's result from what was collected
    /// (items read back if events were dropped), or the error it ended with.
    pub(crate) async fn finish(&mut self) -> Result<TurnResult> {
        let span = self.span.clone();
        self.finish_collected().instrument(span).await
    }

    async fn finish_collected(&mut self) -> Result<TurnResult> {
        let turn = self.collected.completed.take().ok_or_else(|| Error::ProcessExited {
            status: "the event stream ended before the turn completed".to_owned(),
            stderr_tail: Vec::new(),
        })?;
        if self.lagged {
            self.read_back_items().await;
        }
        let result = TurnResult::new(turn, std::mem::take(&mut self.collected));
        if result.status == TurnStatus::Failed {
            return Err(Error::TurnFailed(Box::new(result)));
        }
        Ok(result)
    }

    /// Replaces the items seen with the turn's items as the runtime has them
    /// (after events were dropped); keeps what was seen if that fails.
    async fn read_back_items(&mut self) {
        match self.thread.read(true).await {
            Ok(thread) => match thread.turns.into_iter().find(|turn| turn.id == self.id) {
                Some(turn) if turn.items.len() >= self.collected.items.len() => self.collected.items = turn.items,
                _ => tracing::warn!(turn = %self.id, "the runtime has no more items of the turn than were seen"),
            },
            Err(error) => tracing::warn!(turn = %self.id, %error, "could not read the turn's items back"),
        }
    }

    /// Same as [`TurnHandle::wait`].
    pub async fn run(self) -> Result<TurnResult> {
        self.wait().await
    }

    fn is_mine(&self, event: &ServerNotification) -> bool {
        match event {
            ServerNotification::TurnCompleted(done) => done.turn.id == self.id,
            ServerNotification::TurnStarted(started) => started.turn.id == self.id,
            // An end that did not decode: ours unless it names another turn
            // (the stream only carries this thread's events).
            ServerNotification::Unknown { method, .. } if method == "turn/completed" => {
                event.turn_id().is_none_or(|id| id == self.id)
            }
            other => other.turn_id() == Some(self.id.as_str()),
        }
    }

    /// Tracks whether the runtime is reconnecting to the model.
    fn track_reconnecting(&mut self, event: &ServerNotification) {
        match event {
            ServerNotification::Error(error) if error.will_retry => {
                if self.reconnecting.is_none() {
                    self.reconnecting = self.policy.reconnect_limit.map(|limit| Box::pin(tokio::time::sleep(limit)));
                }
            }
            ServerNotification::Error(_) => {}
            // Anything else of the turn is progress.
            _ => self.reconnecting = None,
        }
    }

    /// Whether the policy says to stop the turn now (registers the timers' wakers).
    fn poll_policy(&mut self, cx: &mut Context<'_>) -> Option<StallReason> {
        if let Some(deadline) = &mut self.deadline {
            if deadline.as_mut().poll(cx).is_ready() {
                return self.policy.timeout.map(StallReason::Timeout);
            }
        }
        if let Some(reconnecting) = &mut self.reconnecting {
            if reconnecting.as_mut().poll(cx).is_ready() {
                return self.policy.reconnect_limit.map(StallReason::Reconnecting);
            }
        }
        None
    }

    /// Sends `turn/interrupt` and starts waiting for the runtime to confirm.
    fn start_stopping(&mut self, reason: StallReason) {
        tracing::warn!(turn = %self.id, %reason, "stopping the turn: sending turn/interrupt");
        let interrupt = interrupt_turn(self.thread.codex().client().clone(), self.interrupt_params());
        self.stopping = Some(Stopping {
            reason,
            interrupt: Some(Box::pin(interrupt)),
            grace: Box::pin(tokio::time::sleep(self.policy.interrupt_grace)),
        });
    }

    /// The error a stopped turn ends with.
    fn stalled_error(&self, reason: StallReason) -> Error {
        let collected = self.collected.clone();
        let last_message = collected.errors.last().map(|last| describe(&last.error));
        let partial = match collected.completed.clone() {
            Some(turn) => TurnResult::new(turn, collected),
            None => TurnResult::partial(&self.id, collected),
        };
        Error::TurnStalled { reason, last_message, partial: Box::new(partial) }
    }

    /// The end of the turn arrived as `Unknown`: decode it again to say why,
    /// and end with [`Error::TurnEndUndecodable`].
    fn undecodable_end(&mut self, params: Option<&serde_json::Value>) -> Option<Error> {
        let value = params.cloned().unwrap_or(serde_json::Value::Null);
        match serde_json::from_value::<TurnCompletedNotification>(value.clone()) {
            Ok(done) => {
                self.collected.completed = Some(done.turn);
                None
            }
            Err(source) => {
                let partial = TurnResult::partial(&self.id, self.collected.clone());
                Some(Error::TurnEndUndecodable {
                    raw: Redacted::new(&value.to_string()),
                    source,
                    partial: Box::new(partial),
                })
            }
        }
    }

    /// Handles one event of this turn; returns it to yield.
    fn on_event(&mut self, event: ServerNotification) -> ServerNotification {
        self.collected.observe(&event);
        self.track_reconnecting(&event);
        self.thread.observe(&event);
        match &event {
            ServerNotification::TurnCompleted(_) => match self.stopping.as_ref().map(|stopping| stopping.reason) {
                // The interrupt the SDK sent ended it: still an error.
                Some(reason) => self.ending = Some(self.stalled_error(reason)),
                None => self.finished = true,
            },
            ServerNotification::Unknown { method, params } if method == "turn/completed" => {
                let params = params.clone();
                match self.undecodable_end(params.as_ref()) {
                    Some(error) => self.ending = Some(error),
                    None => self.finished = true,
                }
            }
            _ => {}
        }
        event
    }
}

/// A runtime error as one line: its message, and its details if any.
fn describe(error: &TurnError) -> String {
    match &error.additional_details {
        Some(details) if !details.is_empty() => format!("{} ({details})", error.message),
        _ => error.message.clone(),
    }
}

impl Stream for TurnHandle {
    type Item = Result<ServerNotification>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let span = self.span.clone();
        let _in_turn = span.enter();
        loop {
            if let Some(error) = self.ending.take() {
                self.finished = true;
                return Poll::Ready(Some(Err(error)));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            // Drive the interrupt request of a turn being stopped.
            if let Some(stopping) = &mut self.stopping {
                if let Some(interrupt) = &mut stopping.interrupt {
                    if let Poll::Ready(outcome) = interrupt.as_mut().poll(cx) {
                        stopping.interrupt = None;
                        if let Err(error) = outcome {
                            tracing::warn!(%error, "turn/interrupt failed");
                        }
                    }
                }
            }
            match self.events.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(event))) => {
                    if !self.is_mine(&event) {
                        continue;
                    }
                    let event = self.on_event(event);
                    return Poll::Ready(Some(Ok(event)));
                }
                Poll::Ready(Some(Err(error))) => {
                    if matches!(error, Error::Lagged { .. }) {
                        self.lagged = true;
                    }
                    // The connection is gone: nothing more will come.
                    if error.is_process_exited() {
                        self.finished = true;
                    }
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    self.finished = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => {}
            }
            if let Some(stopping) = &mut self.stopping {
                // The runtime did not confirm the end in time: give up on it.
                if stopping.grace.as_mut().poll(cx).is_ready() {
                    let reason = stopping.reason;
                    self.ending = Some(self.stalled_error(reason));
                    continue;
                }
                return Poll::Pending;
            }
            match self.poll_policy(cx) {
                Some(reason) => self.start_stopping(reason),
                None => return Poll::Pending,
            }
        }
    }
}

impl TurnResult {
    fn new(turn: crate::types::Turn, collected: Collected) -> Self {
        // The completed turn may carry its items; the stream's are the
        // ones this client saw complete, in order.
        let items = if collected.items.is_empty() { turn.items } else { collected.items };
        Self {
            final_response: final_response(&items),
            id: turn.id,
            status: turn.status,
            error: turn.error,
            items,
            usage: collected.usage,
            timing: TurnTiming {
                started_at: turn.started_at,
                completed_at: turn.completed_at,
                duration_ms: turn.duration_ms,
            },
            errors: collected.errors,
        }
    }

    /// What a turn did so far, for a turn whose end the SDK did not see.
    fn partial(id: &str, collected: Collected) -> Self {
        Self {
            final_response: final_response(&collected.items),
            id: id.to_owned(),
            status: TurnStatus::InProgress,
            error: None,
            items: collected.items,
            usage: collected.usage,
            timing: TurnTiming::default(),
            errors: collected.errors,
        }
    }
}

/// The official rule: the last agent message in the final-answer phase, else
/// the last agent message without a phase.
fn final_response(items: &[ThreadItem]) -> Option<String> {
    let messages = || {
        items.iter().rev().filter_map(|item| match item {
            ThreadItem::AgentMessage { text, phase, .. } => Some((text, phase)),
            _ => None,
        })
    };
    messages()
        .find(|(_, phase)| *phase == &Some(MessagePhase::FinalAnswer))
        .or_else(|| messages().find(|(_, phase)| phase.is_none()))
        .map(|(text, _)| text.clone())
}
