//! The blocking mirror of signing in and out, and of retrying.

use std::sync::Arc;

use crate::api::{ApiKey, ChatgptBrowser, ChatgptDeviceCode, RetryPolicy};
use crate::blocking::{Codex, Runtime};
use crate::error::Result;
use crate::types::{GetAccountResponse, Model};

impl Codex {
    /// Signs in with an OpenAI API key; see [`crate::Codex::login_api_key`].
    /// An empty or all-whitespace key is refused before anything is sent.
    pub fn login_api_key(&self, key: impl Into<ApiKey>) -> Result<()> {
        self.runtime().block_on(self.inner().login_api_key(key))
    }

    /// Starts a ChatGPT browser login; see [`crate::Codex::login_chatgpt`].
    pub fn login_chatgpt(&self) -> Result<ChatgptLogin> {
        let inner = self.runtime().block_on(self.inner().login_chatgpt())?;
        Ok(Login { inner, runtime: Arc::clone(self.runtime()) })
    }

    /// Starts a ChatGPT device-code login; see
    /// [`crate::Codex::login_chatgpt_device_code`].
    pub fn login_chatgpt_device_code(&self) -> Result<DeviceCodeLogin> {
        let inner = self.runtime().block_on(self.inner().login_chatgpt_device_code())?;
        Ok(Login { inner, runtime: Arc::clone(self.runtime()) })
    }

    /// Signs out; see [`crate::Codex::logout`].
    pub fn logout(&self) -> Result<()> {
        self.runtime().block_on(self.inner().logout())
    }

    /// The signed-in account; see [`crate::Codex::account`].
    pub fn account(&self) -> Result<GetAccountResponse> {
        self.runtime().block_on(self.inner().account())
    }

    /// Every model the runtime offers; see [`crate::Codex::models`].
    pub fn models(&self) -> Result<Vec<Model>> {
        self.runtime().block_on(self.inner().models())
    }
}

/// The blocking [`crate::Login`]: a ChatGPT login in progress,
/// [`ChatgptLogin`] or [`DeviceCodeLogin`]. Its methods are those of
/// [`crate::Login`], blocking. Dropping it before the login ends cancels
/// the login (best effort).
#[derive(Debug)]
pub struct Login<K> {
    /// The async handle (the generated forwarding methods use it).
    pub(crate) inner: crate::Login<K>,
    /// The runtime it runs on.
    pub(crate) runtime: Arc<Runtime>,
}

/// The blocking [`crate::ChatgptLogin`]: show the user
/// [`ChatgptLogin::auth_url`], then [`ChatgptLogin::wait`].
pub type ChatgptLogin = Login<ChatgptBrowser>;

/// The blocking [`crate::DeviceCodeLogin`]: show the user
/// [`DeviceCodeLogin::verification_url`] and [`DeviceCodeLogin::user_code`],
/// then [`DeviceCodeLogin::wait`].
pub type DeviceCodeLogin = Login<ChatgptDeviceCode>;

impl RetryPolicy {
    /// The blocking [`RetryPolicy::retry`]: calls `op` until it succeeds,
    /// fails with an error that is not [`crate::Error::is_overloaded`], or
    /// `max_attempts` calls have been made, sleeping the thread in between.
    pub fn retry_blocking<T, F>(&self, mut op: F) -> Result<T>
    where
        F: FnMut() -> Result<T>,
    {
        let mut attempt = 1;
        loop {
            let error = match op() {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let Some(delay) = self.next_delay(attempt, &error) else { return Err(error) };
            tracing::debug!(attempt, ?delay, %error, "the runtime is overloaded; retrying");
            std::thread::sleep(delay);
            attempt += 1;
        }
    }
}

/// The blocking [`crate::retry_on_overload`]: calls `op` again while it
/// fails with an error that [`crate::Error::is_overloaded`], with the
/// [`RetryPolicy::default`] backoff, sleeping the thread in between.
///
/// ```no_run
/// # fn example(codex: openai_codex::blocking::Codex) -> openai_codex::Result<()> {
/// use openai_codex::blocking::retry_on_overload;
///
/// let thread = codex.thread_start().send()?;
/// let result = retry_on_overload(|| thread.run("Hello"))?;
/// # Ok(())
/// # }
/// ```
pub fn retry_on_overload<T, F>(op: F) -> Result<T>
where
    F: FnMut() -> Result<T>,
{
    RetryPolicy::default().retry_blocking(op)
}
