//! Sandboxed commands without a model (`command/exec`): [`CommandHandle`]
//! (a running command: its output as a stream, stdin, tty size, terminate),
//! [`CommandOutput`] (what a finished command printed) and the `send`
//! function of [`CommandBuilder`](crate::CommandBuilder) (named in
//! `templates/api.toml`).
//!
//! The command runs in the runtime's sandbox, chosen with the same
//! [`Sandbox`](crate::Sandbox) as threads and turns:
//!
//! ```no_run
//! # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
//! use openai_codex::Sandbox;
//!
//! let output = codex.command(["git", "status", "--short"]).sandbox(Sandbox::ReadOnly).run().await?;
//! println!("exit {}: {}", output.exit_code, output.stdout_text());
//! # Ok(())
//! # }
//! ```

use std::borrow::Cow;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::{Stream, StreamExt};
use tokio::task::JoinHandle;

use crate::api::Codex;
use crate::client::Client;
use crate::error::{Error, Redacted, Result};
use crate::methods::client::CommandExec;
use crate::methods::ServerNotification;
use crate::router::NotificationStream;
use crate::types::{
    CommandExecOutputStream, CommandExecParams, CommandExecResizeParams, CommandExecResponse,
    CommandExecTerminalSize, CommandExecTerminateParams, CommandExecWriteParams,
};

/// A terminal size in character cells, for a command run with
/// [`tty`](crate::CommandBuilder::tty) (the wire type
/// [`CommandExecTerminalSize`]).
pub type TerminalSize = CommandExecTerminalSize;

/// The runtime's timeout of a command that sets none (checked on the pinned
/// runtime: it kills the command after ten seconds, exit code 124).
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// How much longer than the command's timeout the SDK waits for the
/// runtime's answer before giving up on it (and terminating the command).
const ANSWER_GRACE: Duration = Duration::from_secs(30);

/// The exit code the runtime reports for a command it killed at its timeout.
const TIMED_OUT_EXIT_CODE: i32 = 124;

/// The exit code of the runtime's sandbox helper when it cannot start the
/// program (it panics, with "Failed to execvp ..." on stderr).
const SANDBOX_HELPER_PANIC_CODE: i32 = 101;

/// How often, and how far apart, stdin writes, resizes and terminate retry
/// while the runtime has not registered the process yet.
const NOT_STARTED_RETRIES: u32 = 40;
const NOT_STARTED_RETRY_DELAY: Duration = Duration::from_millis(25);

/// Process ids are per connection; this makes them unique per SDK process.
static NEXT_PROCESS: AtomicU64 = AtomicU64::new(1);

/// One of a command's two output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputStream {
    /// Standard output (in a tty, everything the command prints).
    Stdout,
    /// Standard error.
    Stderr,
}

/// An event of a running command, as [`CommandHandle`] streams them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CommandEvent {
    /// Bytes the command wrote to its standard output (in a tty: everything
    /// it printed, stderr included).
    Stdout(Vec<u8>),
    /// Bytes the command wrote to its standard error.
    Stderr(Vec<u8>),
    /// The stream reached the output cap
    /// ([`output_cap`](crate::CommandBuilder::output_cap)); the runtime drops
    /// what the command writes to it from now on.
    OutputCapped(OutputStream),
    /// The command exited with this code: the last event.
    Exited(i32),
}

/// What a finished command printed, and how it exited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandOutput {
    /// The exit code (a command killed by a signal reports 128 + the signal,
    /// e.g. 137 after [`CommandHandle::terminate`]).
    pub exit_code: i32,
    /// Everything written to standard output (in a tty, everything printed).
    pub stdout: Vec<u8>,
    /// Everything written to standard error.
    pub stderr: Vec<u8>,
    /// Whether stdout reached the output cap (later output was dropped).
    pub stdout_capped: bool,
    /// Whether stderr reached the output cap (later output was dropped).
    pub stderr_capped: bool,
}

impl CommandOutput {
    /// Whether the command exited with code 0.
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }

    /// Standard output as text (invalid UTF-8 replaced).
    pub fn stdout_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.stdout)
    }

    /// Standard error as text (invalid UTF-8 replaced).
    pub fn stderr_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.stderr)
    }

    fn record(&mut self, event: &CommandEvent) {
        match event {
            CommandEvent::Stdout(bytes) => self.stdout.extend_from_slice(bytes),
            CommandEvent::Stderr(bytes) => self.stderr.extend_from_slice(bytes),
            CommandEvent::OutputCapped(OutputStream::Stdout) => self.stdout_capped = true,
            CommandEvent::OutputCapped(OutputStream::Stderr) => self.stderr_capped = true,
            CommandEvent::Exited(code) => self.exit_code = *code,
        }
    }
}

/// The command's argv, for the entry method.
pub(crate) fn argv(argv: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    argv.into_iter().map(Into::into).collect()
}

/// `timeoutMs` and `disableTimeout`, from the builder's `timeout`.
pub(crate) fn timeout(timeout: impl Into<Option<Duration>>, millis: &mut Option<i64>, disable: &mut Option<bool>) {
    match timeout.into() {
        Some(limit) => {
            *millis = Some(i64::try_from(limit.as_millis()).unwrap_or(i64::MAX).max(1));
            *disable = None;
        }
        None => {
            *millis = None;
            *disable = Some(true);
        }
    }
}

/// `outputBytesCap` and `disableOutputCap`, from the builder's `output_cap`.
pub(crate) fn output_cap(cap: impl Into<Option<usize>>, bytes: &mut Option<u32>, disable: &mut Option<bool>) {
    match cap.into() {
        Some(cap) => {
            *bytes = Some(u32::try_from(cap).unwrap_or(u32::MAX));
            *disable = None;
        }
        None => {
            *bytes = None;
            *disable = Some(true);
        }
    }
}

impl crate::CommandBuilder<'_> {
    /// Runs the command to its end and returns what it printed: the same as
    /// `.send().await?.wait().await`. Use [`send`](Self::send) instead for
    /// the [`CommandHandle`], to stream its output, write its stdin, resize
    /// its tty or terminate it.
    ///
    /// A command that ran longer than its timeout is
    /// [`Error::CommandTimedOut`]; one that could not be started (e.g. the
    /// program does not exist) is [`Error::CommandSpawn`]. A non-zero exit
    /// code is not an error: check [`CommandOutput::exit_code`].
    ///
    /// ```no_run
    /// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
    /// use openai_codex::Sandbox;
    ///
    /// let output = codex.command(["cargo", "test"]).cwd("/path/to/project").sandbox(Sandbox::WorkspaceWrite).run().await?;
    /// assert!(output.success(), "{}", output.stderr_text());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run(self) -> Result<CommandOutput> {
        self.send().await?.wait().await
    }

    /// Sets an environment variable for the command (merged into the
    /// environment the runtime computes).
    ///
    /// Wire: `env`.
    pub fn env(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let (key, value) = (key.into(), value.into());
        self.with_params(|params| {
            params.env.get_or_insert_with(Default::default).insert(key, Some(value));
        })
    }

    /// Removes an inherited environment variable for the command.
    ///
    /// Wire: `env` (the key set to `null`).
    pub fn env_remove(self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.with_params(|params| {
            params.env.get_or_insert_with(Default::default).insert(key, None);
        })
    }
}

/// `command/exec`: names the process, subscribes to its output, then sends
/// the request on a task of its own (the runtime answers only when the
/// command exits).
pub(crate) async fn start(codex: &Codex, mut params: CommandExecParams) -> Result<CommandHandle> {
    let program = match params.command.first() {
        Some(program) => program.clone(),
        None => {
            return Err(Error::InvalidArgument {
                argument: "command".to_owned(),
                reason: "the argv is empty; it needs at least the program".to_owned(),
            })
        }
    };
    let process_id = params.process_id.get_or_insert_with(new_process_id).clone();
    params.stream_stdout_stderr = Some(true);
    let stdin = params.stream_stdin == Some(true) || params.tty == Some(true);
    let limit = if params.disable_timeout == Some(true) {
        None
    } else {
        Some(params.timeout_ms.map_or(DEFAULT_COMMAND_TIMEOUT, |ms| Duration::from_millis(ms.max(0) as u64)))
    };
    let client = codex.client().clone();
    let events = client.process_notifications(&process_id);
    let shared = Arc::new(Shared { client, process_id, exited: AtomicBool::new(false), stdin_open: AtomicBool::new(stdin) });
    let span = tracing::debug_span!("codex_command", process = %shared.process_id, program = %program);
    let request = {
        let shared = Arc::clone(&shared);
        let wait = limit.map(|limit| limit + ANSWER_GRACE);
        tokio::spawn(tracing::Instrument::instrument(
            async move {
                let outcome = shared.client.request_within::<CommandExec>(params, wait).await;
                shared.exited.store(true, Ordering::Release);
                outcome
            },
            span.clone(),
        ))
    };
    tracing::debug!(parent: &span, "command started");
    Ok(CommandHandle {
        shared,
        program,
        limit,
        started: Instant::now(),
        events,
        request: Some(request),
        answer: None,
        queued: VecDeque::new(),
        output: CommandOutput::default(),
        lagged: None,
        finished: false,
        runtime: tokio::runtime::Handle::current(),
        span,
    })
}

fn new_process_id() -> String {
    format!("openai-codex-{}-{}", std::process::id(), NEXT_PROCESS.fetch_add(1, Ordering::Relaxed))
}

/// What the handle shares with the requests it makes.
#[derive(Debug)]
struct Shared {
    client: Client,
    process_id: String,
    /// Set once the runtime answered `command/exec` (the command exited).
    exited: AtomicBool,
    /// Whether stdin is open for writes.
    stdin_open: AtomicBool,
}

impl Shared {
    /// Sends a follow-up request, retrying briefly while the runtime has not
    /// registered the process yet ("no active command/exec").
    async fn follow_up<F, Fut, T>(&self, send: F) -> Result<T>
    where
        F: Fn(Client) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let mut attempts = 0;
        loop {
            match send(self.client.clone()).await {
                Err(error) if is_not_active(&error) && !self.exited.load(Ordering::Acquire) && attempts < NOT_STARTED_RETRIES => {
                    attempts += 1;
                    tokio::time::sleep(NOT_STARTED_RETRY_DELAY).await;
                }
                other => return other,
            }
        }
    }

    async fn terminate(&self) -> Result<()> {
        let id = self.process_id.clone();
        self.follow_up(|client| {
            let params = CommandExecTerminateParams::new(id.clone());
            async move { client.command_exec_terminate(params).await.map(drop) }
        })
        .await
    }
}

fn is_not_active(error: &Error) -> bool {
    matches!(error, Error::JsonRpc { message, .. } if message.contains("no active command/exec"))
}

/// A running sandboxed command. As a [`Stream`] it yields the command's
/// output as it comes ([`CommandEvent`]) and ends after
/// [`CommandEvent::Exited`]; [`CommandHandle::wait`] collects it into a
/// [`CommandOutput`]. Write its stdin with [`CommandHandle::write_stdin`]
/// (with [`stdin`](crate::CommandBuilder::stdin) or
/// [`tty`](crate::CommandBuilder::tty) set), resize its tty with
/// [`CommandHandle::resize`], stop it with [`CommandHandle::terminate`].
///
/// Dropping the handle before the command exited terminates the command.
///
/// ```no_run
/// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
/// use futures::StreamExt;
/// use openai_codex::{CommandEvent, Sandbox};
///
/// let mut command = codex.command(["sh", "-c", "for i in 1 2 3; do echo $i; sleep 1; done"])
///     .sandbox(Sandbox::ReadOnly)
///     .send()
///     .await?;
/// while let Some(event) = command.next().await {
///     match event? {
///         CommandEvent::Stdout(bytes) => print!("{}", String::from_utf8_lossy(&bytes)),
///         CommandEvent::Exited(code) => println!("exit code {code}"),
///         _ => {}
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub struct CommandHandle {
    shared: Arc<Shared>,
    program: String,
    /// The runtime's timeout of the command (`None`: disabled).
    limit: Option<Duration>,
    started: Instant,
    events: NotificationStream,
    /// The `command/exec` request, answered when the command exits.
    request: Option<JoinHandle<Result<CommandExecResponse>>>,
    /// Its answer, once it came (the output events before it are drained first).
    answer: Option<Result<CommandExecResponse>>,
    /// Events to yield before polling again.
    queued: VecDeque<Result<CommandEvent>>,
    /// What the stream yielded so far.
    output: CommandOutput,
    /// Output events dropped because the stream fell behind.
    lagged: Option<u64>,
    finished: bool,
    /// Where the drop-time terminate runs.
    runtime: tokio::runtime::Handle,
    span: tracing::Span,
}

impl std::fmt::Debug for CommandHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandHandle")
            .field("process_id", &self.shared.process_id)
            .field("program", &self.program)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl CommandHandle {
    /// The process id the SDK gave the command (connection-scoped; it is
    /// not the operating system's pid).
    pub fn process_id(&self) -> &str {
        &self.shared.process_id
    }

    /// The program (`argv[0]`).
    pub fn program(&self) -> &str {
        &self.program
    }

    /// Writes bytes to the command's stdin. Needs
    /// [`stdin(true)`](crate::CommandBuilder::stdin) or
    /// [`tty(true)`](crate::CommandBuilder::tty) on the builder (the runtime
    /// refuses it otherwise).
    pub async fn write_stdin(&self, bytes: impl AsRef<[u8]>) -> Result<()> {
        let data = base64_encode(bytes.as_ref());
        let id = self.shared.process_id.clone();
        self.shared
            .follow_up(|client| {
                let mut params = CommandExecWriteParams::new(id.clone());
                params.delta_base64 = Some(data.clone());
                async move { client.command_exec_write(params).await.map(drop) }
            })
            .await
    }

    /// Closes the command's stdin (it then reads end of file).
    pub async fn close_stdin(&self) -> Result<()> {
        self.shared.stdin_open.store(false, Ordering::Release);
        let id = self.shared.process_id.clone();
        self.shared
            .follow_up(|client| {
                let mut params = CommandExecWriteParams::new(id.clone());
                params.close_stdin = Some(true);
                async move { client.command_exec_write(params).await.map(drop) }
            })
            .await
    }

    /// Resizes the command's terminal (a command run with
    /// [`tty(true)`](crate::CommandBuilder::tty); the runtime refuses it
    /// otherwise).
    pub async fn resize(&self, size: TerminalSize) -> Result<()> {
        let id = self.shared.process_id.clone();
        self.shared
            .follow_up(|client| {
                let params = CommandExecResizeParams::new(id.clone(), size.clone());
                async move { client.command_exec_resize(params).await.map(drop) }
            })
            .await
    }

    /// Kills the command. Its stream then ends with
    /// [`CommandEvent::Exited`] (exit code 137: killed).
    pub async fn terminate(&self) -> Result<()> {
        self.shared.terminate().await
    }

    /// Waits for the command to exit and returns what it printed (what the
    /// stream already yielded included). Closes its stdin first, if open,
    /// as [`std::process::Child::wait`] does.
    ///
    /// A command killed at its timeout is [`Error::CommandTimedOut`]; one
    /// that could not be started is [`Error::CommandSpawn`]. When output
    /// events were dropped because the stream fell behind (see
    /// [`ClientBuilder::event_buffer`](crate::ClientBuilder::event_buffer)),
    /// the command is still waited for, and the result is
    /// [`Error::Lagged`]: the output would be incomplete.
    pub async fn wait(mut self) -> Result<CommandOutput> {
        if self.shared.stdin_open.load(Ordering::Acquire) && !self.finished {
            if let Err(error) = self.close_stdin().await {
                // The command may have exited already; its end says more.
                tracing::debug!(parent: &self.span, %error, "closing stdin before waiting failed");
            }
        }
        while let Some(event) = self.next().await {
            match event {
                Ok(_) | Err(Error::Lagged { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        if let Some(missed) = self.lagged {
            return Err(Error::Lagged { missed });
        }
        Ok(std::mem::take(&mut self.output))
    }

    /// One output notification as events.
    fn on_delta(&mut self, delta: crate::types::CommandExecOutputDeltaNotification) {
        let stream = match delta.stream {
            CommandExecOutputStream::Stdout => OutputStream::Stdout,
            CommandExecOutputStream::Stderr => OutputStream::Stderr,
            _ => {
                tracing::warn!(parent: &self.span, stream = ?delta.stream, "output on a stream this SDK does not know; taken as stdout");
                OutputStream::Stdout
            }
        };
        match base64_decode(&delta.delta_base64) {
            Some(bytes) if bytes.is_empty() => {}
            Some(bytes) => self.queued.push_back(Ok(match stream {
                OutputStream::Stdout => CommandEvent::Stdout(bytes),
                OutputStream::Stderr => CommandEvent::Stderr(bytes),
            })),
            None => self.queued.push_back(Err(Error::Protocol {
                method: "command/exec/outputDelta".to_owned(),
                reason: "its `deltaBase64` is not base64".to_owned(),
                raw: Redacted::excerpt(&delta.delta_base64, 200),
            })),
        }
        if delta.cap_reached {
            self.queued.push_back(Ok(CommandEvent::OutputCapped(stream)));
        }
    }

    /// The last event, from the runtime's answer.
    fn on_answer(&mut self, answer: Result<CommandExecResponse>) -> Result<CommandEvent> {
        let response = match answer {
            Ok(response) => response,
            Err(Error::JsonRpc { message, .. }) if message.starts_with("failed to spawn command") => {
                let reason = message.trim_start_matches("failed to spawn command").trim_start_matches(':').trim();
                return Err(Error::CommandSpawn { program: self.program.clone(), reason: reason.to_owned() });
            }
            Err(error) => {
                if matches!(error, Error::Timeout { .. }) {
                    // The SDK gave up on the answer: do not leave the command running.
                    let shared = Arc::clone(&self.shared);
                    self.runtime.spawn(async move { shared.terminate().await });
                }
                return Err(error);
            }
        };
        // Buffered output (never expected: the SDK streams it) still counts.
        self.output.stdout.extend_from_slice(response.stdout.as_bytes());
        self.output.stderr.extend_from_slice(response.stderr.as_bytes());
        self.output.exit_code = response.exit_code;
        if response.exit_code == SANDBOX_HELPER_PANIC_CODE {
            // The sandbox helper could not exec the program; it says so on stderr.
            let marker = format!("Failed to execvp {}: ", self.program);
            let stderr = self.output.stderr_text().into_owned();
            if let Some(line) = stderr.lines().find(|line| line.starts_with(&marker)) {
                return Err(Error::CommandSpawn { program: self.program.clone(), reason: line[marker.len()..].to_owned() });
            }
        }
        if response.exit_code == TIMED_OUT_EXIT_CODE {
            if let Some(limit) = self.limit.filter(|limit| self.started.elapsed() >= *limit) {
                return Err(Error::CommandTimedOut {
                    program: self.program.clone(),
                    after: limit,
                    output: Box::new(self.output.clone()),
                });
            }
        }
        Ok(CommandEvent::Exited(response.exit_code))
    }
}

impl Stream for CommandHandle {
    type Item = Result<CommandEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(event) = self.queued.pop_front() {
                if let Ok(event) = &event {
                    self.output.record(event);
                }
                return Poll::Ready(Some(event));
            }
            if self.finished {
                return Poll::Ready(None);
            }
            // Output first: the runtime sends all of it before its answer.
            match self.events.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(ServerNotification::CommandExecOutputDelta(delta)))) => {
                    self.on_delta(delta);
                    continue;
                }
                Poll::Ready(Some(Ok(_))) => continue,
                Poll::Ready(Some(Err(Error::Lagged { missed }))) => {
                    *self.lagged.get_or_insert(0) += missed;
                    return Poll::Ready(Some(Err(Error::Lagged { missed })));
                }
                // The connection ended: the request fails the same way below.
                Poll::Ready(Some(Err(_))) | Poll::Ready(None) | Poll::Pending => {}
            }
            if let Some(request) = &mut self.request {
                if let Poll::Ready(joined) = Pin::new(request).poll(cx) {
                    self.request = None;
                    let answer = joined.unwrap_or_else(|error| {
                        Err(Error::Io(std::io::Error::other(format!("the command/exec request task failed: {error}"))))
                    });
                    self.answer = Some(answer);
                    // Drain the output that came before the answer.
                    continue;
                }
            }
            if let Some(answer) = self.answer.take() {
                self.finished = true;
                let last = self.on_answer(answer);
                tracing::debug!(parent: &self.span, outcome = ?last.as_ref().map_err(ToString::to_string), "command ended");
                self.queued.push_back(last);
                continue;
            }
            return Poll::Pending;
        }
    }
}

impl Drop for CommandHandle {
    fn drop(&mut self) {
        if self.finished || self.shared.exited.load(Ordering::Acquire) {
            return;
        }
        tracing::debug!(parent: &self.span, "command handle dropped before the command exited: terminating it");
        let shared = Arc::clone(&self.shared);
        self.runtime.spawn(async move {
            if let Err(error) = shared.terminate().await {
                tracing::debug!(%error, process = %shared.process_id, "terminating a dropped command failed");
            }
        });
    }
}

use std::future::Future as _;

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (index, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if index <= chunk.len() {
                out.push(BASE64[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Standard base64, padding optional; `None` if it is not base64.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = BASE64.iter().position(|&c| c == byte)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // A single leftover character cannot be valid.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for sample in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar", &[0, 255, 128, 7]] {
            let encoded = base64_encode(sample);
            assert_eq!(base64_decode(&encoded).as_deref(), Some(sample), "{encoded}");
        }
        assert_eq!(base64_encode(b"hello\n"), "aGVsbG8K");
        assert_eq!(base64_decode("MjQgODANCg==").unwrap(), b"24 80\r\n");
        assert_eq!(base64_decode("not base64!"), None);
        assert_eq!(base64_decode("a"), None);
    }
}
