//! Fans notifications out to subscribers: everything, one thread, or one turn.
//!
//! Back-pressure: each subscriber has its own bounded buffer. The reader never
//! waits for a subscriber, so a slow one cannot stall the others (or the
//! process's output pipe). When a subscriber's buffer is full, events for it
//! are dropped and counted, and keep being dropped until the subscriber has
//! read what its buffer holds and then [`Error::Lagged`] with the count; after
//! that it gets new events again. So a stream's order is always: what was
//! buffered, the gap, what came after. When the connection ends, every stream
//! ends with the error that ended it.
//!
//! One kind of event is never dropped: the end of a turn (`turn/completed`,
//! also when its params did not decode and it arrived as `Unknown`). Whoever
//! waits for a turn must learn that it ended, so when such an event finds the
//! buffer full (or a gap unreported) it is kept aside and delivered right
//! after the gap's [`Error::Lagged`]; the gap's count may then include events
//! that came after it. At most [`MAX_KEPT`] such events wait per subscriber
//! (one per turn; a subscriber that never reads cannot grow it without bound).

use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::mpsc;

use crate::error::Error;
use crate::methods::ServerNotification;

/// Which notifications a subscriber wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Every notification.
    All,
    /// Notifications about one thread (including its turns and items).
    Thread(String),
    /// Notifications about one turn.
    Turn(String),
    /// The output of one `command/exec` process (by its process id).
    Process(String),
}

impl Filter {
    fn matches(&self, notification: &ServerNotification) -> bool {
        match self {
            Filter::All => true,
            Filter::Thread(id) => notification.thread_id() == Some(id.as_str()),
            Filter::Turn(id) => notification.turn_id() == Some(id.as_str()),
            Filter::Process(id) => matches!(
                notification,
                ServerNotification::CommandExecOutputDelta(delta) if &delta.process_id == id
            ),
        }
    }
}

type Event = Result<ServerNotification, Error>;

/// How many never-dropped events (turn ends) wait aside per subscriber.
pub(crate) const MAX_KEPT: usize = 1024;

/// Whether a notification ends a turn: it must reach the turn's waiters
/// even when their buffer is full.
pub(crate) fn ends_a_turn(notification: &ServerNotification) -> bool {
    match notification {
        ServerNotification::TurnCompleted(_) => true,
        ServerNotification::Unknown { method, .. } => method == "turn/completed",
        _ => false,
    }
}

/// What a subscriber shares with its stream: the count of dropped events and
/// the turn ends kept aside while the buffer was full.
#[derive(Default)]
struct Overflow {
    /// Events dropped since the stream last reported a lag.
    missed: AtomicU64,
    /// Turn ends that found no room, delivered after the gap is reported.
    kept: Mutex<VecDeque<ServerNotification>>,
}

impl Overflow {
    fn kept(&self) -> MutexGuard<'_, VecDeque<ServerNotification>> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Drops `notification` for the stream: counts it, but keeps a turn's end.
    fn drop_event(&self, notification: ServerNotification) {
        self.missed.fetch_add(1, Ordering::AcqRel);
        if ends_a_turn(&notification) {
            let mut kept = self.kept();
            if kept.len() < MAX_KEPT {
                kept.push_back(notification);
            }
        }
    }
}

struct Subscriber {
    filter: Filter,
    sender: mpsc::Sender<Event>,
    overflow: Arc<Overflow>,
}

impl Subscriber {
    /// Offers one event without waiting; returns `false` once the receiver is gone.
    fn offer(&self, notification: ServerNotification) -> bool {
        // While a gap is unreported, newer events would land after it out of
        // order: drop and count them too.
        if self.overflow.missed.load(Ordering::Acquire) > 0 {
            self.overflow.drop_event(notification);
            return !self.sender.is_closed();
        }
        match self.sender.try_send(Ok(notification)) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(event)) => {
                if let Ok(notification) = event {
                    self.overflow.drop_event(notification);
                }
                true
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }
}

/// How the connection ended: kept so late subscribers and drained streams
/// can report it.
#[derive(Debug, Clone)]
pub(crate) struct Closed {
    pub status: String,
    pub stderr_tail: Vec<String>,
    /// The address of a running app-server the client connected to (`None`
    /// for a spawned process or plain byte streams).
    pub endpoint: Option<String>,
}

impl Closed {
    pub fn to_error(&self) -> Error {
        match &self.endpoint {
            Some(endpoint) => Error::ConnectionLost { endpoint: endpoint.clone(), reason: self.status.clone() },
            None => Error::ProcessExited {
                status: self.status.clone(),
                stderr_tail: self.stderr_tail.clone(),
            },
        }
    }
}

#[derive(Default)]
struct State {
    next_id: u64,
    subscribers: HashMap<u64, Subscriber>,
    closed: Option<Closed>,
}

/// The subscriber table, shared by the reader and the streams.
#[derive(Clone)]
pub(crate) struct Router {
    state: Arc<Mutex<State>>,
    capacity: usize,
}

impl Router {
    /// A router whose subscribers buffer up to `capacity` events each.
    pub fn new(capacity: usize) -> Self {
        Self {
            state: Arc::default(),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a subscriber. On a closed connection the stream yields the
    /// closing error and ends.
    pub fn subscribe(&self, filter: Filter) -> NotificationStream {
        let (sender, receiver) = mpsc::channel(self.capacity);
        let overflow = Arc::new(Overflow::default());
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        if state.closed.is_none() {
            state.subscribers.insert(
                id,
                Subscriber {
                    filter,
                    sender,
                    overflow: Arc::clone(&overflow),
                },
            );
        }
        NotificationStream {
            receiver,
            overflow,
            after_gap: VecDeque::new(),
            router: self.clone(),
            id,
            finished: false,
        }
    }

    /// Delivers a notification to every subscriber that wants it. Each gets
    /// a copy but the last, which gets `notification` itself, so the usual
    /// case (one subscriber per event) copies nothing.
    pub fn publish(&self, notification: ServerNotification) {
        let mut state = self.lock();
        let mut gone = Vec::new(); // allocates only once a receiver has gone
        let mut previous: Option<(u64, &Subscriber)> = None;
        for (&id, subscriber) in &state.subscribers {
            if !subscriber.filter.matches(&notification) {
                continue;
            }
            if let Some((id, earlier)) = previous.replace((id, subscriber)) {
                if !earlier.offer(notification.clone()) {
                    gone.push(id);
                }
            }
        }
        if let Some((id, last)) = previous {
            if !last.offer(notification) {
                gone.push(id);
            }
        }
        for id in gone {
            state.subscribers.remove(&id);
        }
    }

    /// Ends every stream: each yields the closing error after what it has buffered.
    pub fn close(&self, closed: Closed) {
        let mut state = self.lock();
        state.closed = Some(closed);
        state.subscribers.clear();
    }

    /// How the connection ended, if it has.
    pub fn closed(&self) -> Option<Closed> {
        self.lock().closed.clone()
    }

    fn unsubscribe(&self, id: u64) {
        self.lock().subscribers.remove(&id);
    }
}

/// A stream of notifications (see the module docs for buffering). Yields
/// `Err(Error::Lagged)` when events were dropped for it (a turn's end is
/// never among them: it comes right after the lag), and ends with
/// `Err(Error::ProcessExited)` when the app-server goes away. Dropping it
/// unsubscribes.
pub struct NotificationStream {
    receiver: mpsc::Receiver<Event>,
    overflow: Arc<Overflow>,
    /// Turn ends kept from the gap last reported, not yielded yet.
    after_gap: VecDeque<ServerNotification>,
    router: Router,
    id: u64,
    finished: bool,
}

impl std::fmt::Debug for NotificationStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotificationStream").field("id", &self.id).finish_non_exhaustive()
    }
}

impl Stream for NotificationStream {
    type Item = Result<ServerNotification, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        // The turn ends kept from the last gap come right after its report.
        if let Some(kept) = self.after_gap.pop_front() {
            return Poll::Ready(Some(Ok(kept)));
        }
        match self.receiver.poll_recv(cx) {
            Poll::Ready(Some(event)) => Poll::Ready(Some(event)),
            // The buffer is drained: report a gap before waiting or ending.
            // The publisher holds the router's lock while it drops events, so
            // with the same lock the count and the kept turn ends agree.
            _ if self.overflow.missed.load(Ordering::Acquire) > 0 => {
                let router = self.router.clone();
                let _publishing = router.lock();
                let missed = self.overflow.missed.swap(0, Ordering::AcqRel);
                let kept = std::mem::take(&mut *self.overflow.kept());
                self.after_gap = kept;
                Poll::Ready(Some(Err(Error::Lagged { missed })))
            }
            Poll::Ready(None) => {
                self.finished = true;
                Poll::Ready(self.router.closed().map(|closed| Err(closed.to_error())))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for NotificationStream {
    fn drop(&mut self) {
        self.router.unsubscribe(self.id);
    }
}
