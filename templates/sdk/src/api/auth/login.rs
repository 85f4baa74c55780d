//! The methods of a ChatGPT login handle ([`Login`]), written once for both
//! kinds of login.
//!
//! The generator (`cargo codegen generate`, step `emit_forwarding`) gives
//! [`blocking::Login`](crate::blocking::Login) the same methods, with the
//! same docs, in the generated `forward` module below: an `async fn` here
//! is a plain `fn` there that blocks on it. Adding a method to the handles
//! is one edit, here.

use super::*;

mod forward;

impl<K> Login<K> {
    /// The runtime's id of this login.
    pub fn login_id(&self) -> &str {
        &self.pending.login_id
    }

    /// Waits for the login to end (`account/login/completed` for this
    /// login), at most `timeout` if given ([`Error::Timeout`] then; the login
    /// goes on and may be waited for again or cancelled). Once it has ended,
    /// every call returns the same outcome.
    pub async fn wait(&mut self, timeout: Option<Duration>) -> Result<LoginOutcome> {
        self.pending.wait(timeout).await
    }

    /// Cancels the login (`account/login/cancel`); the runtime stops its
    /// callback server. `NotFound` means it had already ended.
    pub async fn cancel(&self) -> Result<CancelLoginAccountStatus> {
        self.pending.cancel().await
    }
}

impl Login<ChatgptBrowser> {
    /// The URL to open in a browser to sign in.
    pub fn auth_url(&self) -> &str {
        &self.kind.auth_url
    }
}

impl Login<ChatgptDeviceCode> {
    /// The URL where the user enters the code.
    pub fn verification_url(&self) -> &str {
        &self.kind.verification_url
    }

    /// The one-time code the user enters after signing in.
    pub fn user_code(&self) -> &str {
        &self.kind.user_code
    }
}
