//! Several app-servers driven from one program.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::api::{Codex, CodexBuilder};
use crate::error::{Error, Result};

/// Several app-servers used as one, to spread threads (and the turns run on
/// them) over more processes or machines than one app-server has.
///
/// A thread lives on the app-server that started it: its turns, events and
/// approvals stay there. The pool only chooses where each *new* thread
/// goes: to the next member in turn ([`thread_start`](Self::thread_start),
/// [`next`](Self::next)). Resume a thread on the member that holds it
/// ([`members`](Self::members), or keep the [`Thread`](crate::Thread),
/// which knows its member).
///
/// ```no_run
/// # async fn example() -> openai_codex::Result<()> {
/// use openai_codex::{AppServerPool, Codex};
///
/// let urls = ["ws://127.0.0.1:4501", "ws://127.0.0.1:4502", "ws://127.0.0.1:4503"];
/// let pool = AppServerPool::connect_all(Codex::builder().bearer_token("..."), urls).await?;
/// let mut turns = Vec::new();
/// for task in ["fix the tests", "update the docs", "bump the version"] {
///     let thread = pool.thread_start().send().await?;
///     turns.push(tokio::spawn(async move { thread.run(task).await }));
/// }
/// for turn in turns {
///     let result = turn.await.expect("the task ran")?;
///     println!("{}", result.final_response.unwrap_or_default());
/// }
/// pool.close().await;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AppServerPool {
    members: Arc<[Codex]>,
    next: Arc<AtomicUsize>,
}

impl AppServerPool {
    /// A pool of these (already started or connected) members; fails with
    /// [`Error::InvalidArgument`] when there is none.
    pub fn new(members: impl IntoIterator<Item = Codex>) -> Result<Self> {
        let members: Arc<[Codex]> = members.into_iter().collect();
        if members.is_empty() {
            return Err(Error::InvalidArgument { argument: "pool".to_owned(), reason: "it has no app-server".to_owned() });
        }
        Ok(Self { members, next: Arc::default() })
    }

    /// Connects to every URL (as [`CodexBuilder::connect`], all with the
    /// settings of `builder`) at once. If any fails, the others are closed
    /// and the first error is returned.
    pub async fn connect_all<U: AsRef<str>>(builder: CodexBuilder, urls: impl IntoIterator<Item = U>) -> Result<Self> {
        let connects = urls.into_iter().map(|url| builder.clone().connect(url.as_ref().to_owned()));
        Self::gather(futures::future::join_all(connects).await).await
    }

    /// Starts `count` app-servers (as [`CodexBuilder::spawn`], all with the
    /// settings of `builder`) at once. If any fails, the others are closed
    /// and the first error is returned.
    pub async fn spawn(builder: CodexBuilder, count: usize) -> Result<Self> {
        let spawns = (0..count).map(|_| builder.clone().spawn());
        Self::gather(futures::future::join_all(spawns).await).await
    }

    async fn gather(outcomes: Vec<Result<Codex>>) -> Result<Self> {
        let mut members = Vec::with_capacity(outcomes.len());
        let mut first_error = None;
        for outcome in outcomes {
            match outcome {
                Ok(codex) => members.push(codex),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        if let Some(error) = first_error {
            futures::future::join_all(members.iter().map(Codex::close)).await;
            return Err(error);
        }
        Self::new(members)
    }

    /// The member the next thread goes to (each call moves on to the next).
    pub fn next(&self) -> &Codex {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.members.len();
        &self.members[index]
    }

    /// Starts a thread on the next member; see [`Codex::thread_start`].
    pub fn thread_start(&self) -> crate::ThreadStartBuilder<'_> {
        self.next().thread_start()
    }

    /// Every member, in the order given.
    pub fn members(&self) -> &[Codex] {
        &self.members
    }

    /// How many app-servers the pool has.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Always `false`: a pool has at least one member.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Closes every member at once (see [`Codex::close`]).
    pub async fn close(&self) {
        futures::future::join_all(self.members.iter().map(Codex::close)).await;
    }
}
