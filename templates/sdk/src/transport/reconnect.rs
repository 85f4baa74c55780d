//! Connecting again after a lost connection, and re-attaching to threads.

use std::path::PathBuf;
use std::sync::Arc;

use crate::api::{Codex, CodexBuilder, Thread};
use crate::error::{Error, Result};
use crate::types::TurnStatus;

/// How a [`Codex`] was made, so [`Codex::reconnect`] can do it again.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub builder: CodexBuilder,
    pub target: Target,
}

/// Where a [`Codex`] went.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Spawn,
    Url(String),
    Unix(PathBuf),
    Daemon,
}

impl Origin {
    pub fn new(builder: &CodexBuilder, target: Target) -> Arc<Self> {
        Arc::new(Self { builder: builder.clone(), target })
    }
}

/// What [`Codex::reconnect`] got back.
#[derive(Debug)]
#[non_exhaustive]
pub struct Reconnected {
    /// The new connection (same settings as the old one).
    pub codex: Codex,
    /// The threads re-attached on it, in the order asked.
    pub threads: Vec<Thread>,
    /// Each re-attached thread's last turn when it had not completed: the
    /// turn that was (or may still be) running when the connection was
    /// lost, whose events in between were not seen.
    pub lost_turns: Vec<LostTurn>,
}

/// A turn whose events were lost with a connection; see [`Reconnected`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LostTurn {
    /// Its thread.
    pub thread_id: String,
    /// The turn.
    pub turn_id: String,
    /// Its status as the app-server reports it now (`InProgress` if it
    /// still runs, `Interrupted` or `Failed` if it ended).
    pub status: TurnStatus,
}

impl Codex {
    /// Connects again the way this `Codex` was made (the same URL, socket,
    /// daemon or a new spawned runtime, with the same settings; a
    /// [`JwtSigner`](crate::JwtSigner) signs a fresh token), then re-attaches
    /// to `thread_ids` with `thread/resume` and reports the turns whose
    /// events were lost. Use it after [`Error::is_disconnected`].
    ///
    /// Fails with [`Error::InvalidArgument`] for a `Codex` made with
    /// [`Codex::from_client`] (there is nothing to repeat), and with the
    /// first error of connecting or resuming otherwise (the new connection
    /// is closed then).
    ///
    /// ```no_run
    /// # async fn example(codex: openai_codex::Codex, thread: openai_codex::Thread) -> openai_codex::Result<()> {
    /// match thread.run("Go on.").await {
    ///     Err(error) if error.is_disconnected() => {
    ///         let again = codex.reconnect([thread.id()]).await?;
    ///         for lost in &again.lost_turns {
    ///             eprintln!("turn {} of {} was {:?} when we came back", lost.turn_id, lost.thread_id, lost.status);
    ///         }
    ///     }
    ///     other => { other?; }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn reconnect<I, S>(&self, thread_ids: I) -> Result<Reconnected>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let Some(origin) = self.origin() else {
            return Err(Error::InvalidArgument {
                argument: "reconnect".to_owned(),
                reason: "this Codex was made with Codex::from_client; only one made by a CodexBuilder can reconnect".to_owned(),
            });
        };
        let builder = origin.builder.clone();
        let codex = match &origin.target {
            Target::Spawn => builder.spawn().await?,
            Target::Url(url) => builder.connect(url).await?,
            Target::Unix(path) => builder.connect_unix(path).await?,
            Target::Daemon => builder.connect_daemon().await?,
        };
        let mut threads = Vec::new();
        let mut lost_turns = Vec::new();
        for id in thread_ids {
            let thread = match codex.thread_resume(id).send().await {
                Ok(thread) => thread,
                Err(error) => {
                    codex.close().await;
                    return Err(error);
                }
            };
            if let Some(last) = thread.info().turns.last() {
                if last.status != TurnStatus::Completed {
                    lost_turns.push(LostTurn { thread_id: thread.id().to_owned(), turn_id: last.id.clone(), status: last.status.clone() });
                }
            }
            threads.push(thread);
        }
        Ok(Reconnected { codex, threads, lost_turns })
    }
}
