//! The blocking mirror of signing in and out, and of retrying.

use std::sync::Arc;
use std::time::Duration;

use crate::api::{ApiKey, LoginOutcome, RetryPolicy};
use crate::blocking::{Codex, Runtime};
use crate::error::Result;
use crate::types::{CancelLoginAccountStatus, GetAccountResponse, Model};

impl Codex {
    /// Signs in with an OpenAI API key; see [`crate::Codex::login_api_key`].
    /// An empty or all-whitespace key is refused before anything is sent.
    pub fn login_api_key(&self, key: impl Into<ApiKey>) -> Result<()> {
        self.runtime().block_on(self.inner().login_api_key(key))
    }

    /// Starts a ChatGPT browser login; see [`crate::Codex::login_chatgpt`].
    pub fn login_chatgpt(&self) -> Result<ChatgptLogin> {
        let inner = self.runtime().block_on(self.inner().login_chatgpt())?;
        Ok(ChatgptLogin { inner, runtime: Arc::clone(self.runtime()) })
    }

    /// Starts a ChatGPT device-code login; see
    /// [`crate::Codex::login_chatgpt_device_code`].
    pub fn login_chatgpt_device_code(&self) -> Result<DeviceCodeLogin> {
        let inner = self.runtime().block_on(self.inner().login_chatgpt_device_code())?;
        Ok(DeviceCodeLogin { inner, runtime: Arc::clone(self.runtime()) })
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

/// The blocking [`crate::ChatgptLogin`]. Dropping it before the login ends
/// cancels the login (best effort).
#[derive(Debug)]
pub struct ChatgptLogin {
    inner: crate::ChatgptLogin,
    runtime: Arc<Runtime>,
}

impl ChatgptLogin {
    /// The URL to open in a browser to sign in.
    pub fn auth_url(&self) -> &str {
        self.inner.auth_url()
    }

    /// The runtime's id of this login.
    pub fn login_id(&self) -> &str {
        self.inner.login_id()
    }

    /// Waits for the login to end; see [`crate::ChatgptLogin::wait`].
    pub fn wait(&mut self, timeout: Option<Duration>) -> Result<LoginOutcome> {
        self.runtime.block_on(self.inner.wait(timeout))
    }

    /// Cancels the login; see [`crate::ChatgptLogin::cancel`].
    pub fn cancel(&self) -> Result<CancelLoginAccountStatus> {
        self.runtime.block_on(self.inner.cancel())
    }
}

/// The blocking [`crate::DeviceCodeLogin`]. Dropping it before the login
/// ends cancels the login (best effort).
#[derive(Debug)]
pub struct DeviceCodeLogin {
    inner: crate::DeviceCodeLogin,
    runtime: Arc<Runtime>,
}

impl DeviceCodeLogin {
    /// The URL where the user enters the code.
    pub fn verification_url(&self) -> &str {
        self.inner.verification_url()
    }

    /// The one-time code the user enters after signing in.
    pub fn user_code(&self) -> &str {
        self.inner.user_code()
    }

    /// The runtime's id of this login.
    pub fn login_id(&self) -> &str {
        self.inner.login_id()
    }

    /// Waits for the login to end; see [`crate::DeviceCodeLogin::wait`].
    pub fn wait(&mut self, timeout: Option<Duration>) -> Result<LoginOutcome> {
        self.runtime.block_on(self.inner.wait(timeout))
    }

    /// Cancels the login; see [`crate::DeviceCodeLogin::cancel`].
    pub fn cancel(&self) -> Result<CancelLoginAccountStatus> {
        self.runtime.block_on(self.inner.cancel())
    }
}

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
