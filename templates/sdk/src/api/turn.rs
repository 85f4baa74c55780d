//! Turns: [`TurnHandle`] (a running turn: its events, steer, interrupt) and
//! [`TurnResult`] (what a finished turn produced).

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};

use crate::api::{Thread, TurnInput};
use crate::error::{Error, Result};
use crate::methods::ServerNotification;
use crate::router::NotificationStream;
use crate::types::{
    MessagePhase, ThreadItem, ThreadTokenUsage, TurnError, TurnInterruptParams, TurnStartParams,
    TurnStatus, TurnSteerParams,
};

/// How often, and how far apart, `interrupt` retries a turn not active yet.
const INTERRUPT_RETRIES: u32 = 40;
const INTERRUPT_RETRY_DELAY: std::time::Duration = std::time::Duration::from_millis(25);

fn is_not_active_yet(error: &Error) -> bool {
    matches!(error, Error::JsonRpc { message, .. } if message.contains("no active turn"))
}

/// What a finished turn produced.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TurnResult {
    /// The turn's id.
    pub id: String,
    /// How it ended: completed, interrupted or failed.
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

/// A running turn. As a [`Stream`] it yields this turn's notifications (and
/// ends after `turn/completed`); [`TurnHandle::wait`] collects them into a
/// [`TurnResult`]. Steer it with [`TurnHandle::steer`], stop it with
/// [`TurnHandle::interrupt`].
#[derive(Debug)]
pub struct TurnHandle {
    thread: Thread,
    id: String,
    events: NotificationStream,
    collected: Collected,
    finished: bool,
}

/// What the handle gathered from the events it has seen.
#[derive(Debug, Default)]
struct Collected {
    items: Vec<ThreadItem>,
    usage: Option<ThreadTokenUsage>,
    completed: Option<crate::types::Turn>,
}

impl Collected {
    fn observe(&mut self, event: &ServerNotification) {
        match event {
            ServerNotification::ItemCompleted(done) => self.items.push(done.item.clone()),
            ServerNotification::ThreadTokenUsageUpdated(update) => self.usage = Some(update.token_usage.clone()),
            ServerNotification::TurnCompleted(done) => self.completed = Some(done.turn.clone()),
            _ => {}
        }
    }
}

/// `turn/start`: subscribes to the thread first, so no event of the new
/// turn can be missed, then starts it.
pub(crate) async fn start(thread: &Thread, params: TurnStartParams) -> Result<TurnHandle> {
    let client = thread.codex().client();
    let events = client.thread_notifications(thread.id());
    let response = client.turn_start(params).await?;
    Ok(TurnHandle {
        thread: thread.clone(),
        id: response.turn.id,
        events,
        collected: Collected::default(),
        finished: false,
    })
}

impl TurnHandle {
    /// The turn's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The thread the turn runs in.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// Adds input to the running turn (the model sees it in its next request).
    pub async fn steer(&self, input: impl Into<TurnInput>) -> Result<()> {
        let params = TurnSteerParams {
            thread_id: self.thread.id().to_owned(),
            expected_turn_id: self.id.clone(),
            input: input.into().into_wire(),
            client_user_message_id: None,
            additional_context: None,
            responsesapi_client_metadata: None,
        };
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
        let params = TurnInterruptParams { thread_id: self.thread.id().to_owned(), turn_id: self.id.clone() };
        let mut attempts = 0;
        loop {
            match self.thread.codex().client().turn_interrupt(params.clone()).await {
                Ok(_) => return Ok(()),
                Err(error) if is_not_active_yet(&error) && attempts < INTERRUPT_RETRIES => {
                    attempts += 1;
                    tokio::time::sleep(INTERRUPT_RETRY_DELAY).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Waits for the turn to end and returns its result; a failed turn is
    /// [`Error::TurnFailed`].
    pub async fn wait(mut self) -> Result<TurnResult> {
        while let Some(event) = self.next().await {
            match event {
                // Items may be missing from the result, but the turn's end
                // still comes: keep waiting for it.
                Err(Error::Lagged { missed }) => {
                    tracing::warn!(missed, turn = %self.id, "turn events were dropped; the result may lack items");
                }
                Err(error) => return Err(error),
                Ok(_) => {}
            }
        }
        let turn = self.collected.completed.take().ok_or_else(|| Error::ProcessExited {
            status: "the event stream ended before the turn completed".to_owned(),
            stderr_tail: Vec::new(),
        })?;
        let result = TurnResult::new(turn, std::mem::take(&mut self.collected));
        if result.status == TurnStatus::Failed {
            return Err(Error::TurnFailed(Box::new(result)));
        }
        Ok(result)
    }

    /// Same as [`TurnHandle::wait`].
    pub async fn run(self) -> Result<TurnResult> {
        self.wait().await
    }

    fn is_mine(&self, event: &ServerNotification) -> bool {
        match event {
            ServerNotification::TurnCompleted(done) => done.turn.id == self.id,
            ServerNotification::TurnStarted(started) => started.turn.id == self.id,
            other => other.turn_id() == Some(self.id.as_str()),
        }
    }
}

impl Stream for TurnHandle {
    type Item = Result<ServerNotification>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            let event = match self.events.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(event))) => event,
                Poll::Ready(Some(Err(error))) => {
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
                Poll::Pending => return Poll::Pending,
            };
            if !self.is_mine(&event) {
                continue;
            }
            self.collected.observe(&event);
            if matches!(event, ServerNotification::TurnCompleted(_)) {
                self.finished = true;
            }
            return Poll::Ready(Some(Ok(event)));
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
