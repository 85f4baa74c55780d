//! Retrying what the runtime refused because it was overloaded.
//!
//! Only errors with [`Error::is_overloaded`] are retried: JSON-RPC error
//! `-32001` (the code the runtime answers with when it is overloaded), and
//! turns that failed because the model service answered HTTP 429/503 or said
//! it is overloaded. Every other error is returned at once.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};

/// How [`RetryPolicy::retry`] retries: at most `max_attempts` calls in all,
/// waiting between them with exponential backoff (doubling from
/// `initial_delay`, capped at `max_delay`) and jitter (each wait is between
/// half and all of the backoff).
///
/// ```
/// use std::time::Duration;
/// use openai_codex::RetryPolicy;
///
/// let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
/// assert_eq!(policy.initial_delay, Duration::from_millis(500));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times the operation is called at most, the first call
    /// included (0 counts as 1).
    pub max_attempts: u32,
    /// The backoff before the second call.
    pub initial_delay: Duration,
    /// The longest backoff between two calls.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts, backoff from 500 ms, at most 8 s.
    fn default() -> Self {
        Self { max_attempts: 5, initial_delay: Duration::from_millis(500), max_delay: Duration::from_secs(8) }
    }
}

impl RetryPolicy {
    /// Calls `op` until it succeeds, fails with an error that is not
    /// [`Error::is_overloaded`], or `max_attempts` calls have been made; then
    /// returns its last result.
    ///
    /// ```no_run
    /// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
    /// use openai_codex::RetryPolicy;
    ///
    /// let thread = codex.thread_start().send().await?;
    /// let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
    /// let result = policy.retry(|| thread.run("Hello")).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn retry<T, F, Fut>(&self, mut op: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let mut attempt = 1;
        loop {
            let error = match op().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let Some(delay) = self.next_delay(attempt, &error) else { return Err(error) };
            tracing::debug!(attempt, ?delay, %error, "the runtime is overloaded; retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The wait before the next call after `attempt` calls (1-based) ended in
    /// `error`, or `None` if there is no next call.
    pub(crate) fn next_delay(&self, attempt: u32, error: &Error) -> Option<Duration> {
        (error.is_overloaded() && attempt < self.max_attempts).then(|| self.delay(attempt))
    }

    /// The backoff after `attempt` calls, with jitter: in `[b/2, b]` for
    /// `b = min(initial_delay * 2^(attempt-1), max_delay)`.
    fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(31);
        let backoff = self.initial_delay.saturating_mul(factor).min(self.max_delay);
        let half = backoff / 2;
        let spread = u64::try_from((backoff - half).as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 { 0 } else { random() % (spread + 1) };
        half + Duration::from_nanos(jitter)
    }
}

/// Calls `op` again while it fails with an error that
/// [`Error::is_overloaded`], with the [`RetryPolicy::default`] backoff (5
/// attempts in all, 0.25 s to 8 s apart). Every other error, and the last
/// one, is returned as is.
///
/// Retrying `thread.run(..)` starts a new turn with the same input: the
/// failed turn (and its user message) stays in the thread's history.
///
/// ```no_run
/// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
/// use openai_codex::retry_on_overload;
///
/// let thread = codex.thread_start().send().await?;
/// let result = retry_on_overload(|| thread.run("Hello")).await?;
/// # Ok(())
/// # }
/// ```
pub async fn retry_on_overload<T, F, Fut>(op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    RetryPolicy::default().retry(op).await
}

/// A xorshift64* step over a global state seeded from the clock: enough to
/// spread retries of many clients apart, not for anything secret.
fn random() -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos() as u64);
        x = (nanos ^ u64::from(std::process::id()).rotate_left(32)) | 1;
    }
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    STATE.store(x, Ordering::Relaxed);
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}
