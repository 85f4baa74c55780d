//! Signing in and out: API keys, ChatGPT (browser and device code), the account, the models.
//!
//! The ChatGPT flows are two steps: [`Codex::login_chatgpt`] (or
//! [`Codex::login_chatgpt_device_code`]) starts the login and returns a handle
//! with what to show the user; the handle's `wait` then resolves when the
//! runtime reports `account/login/completed` for that login. The handle
//! subscribes to notifications before the login starts, so a completion that
//! arrives before `wait` is called is not lost.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures::StreamExt;

use crate::api::Codex;
use crate::error::{Error, Redacted, Result};
use crate::methods::ServerNotification;
use crate::router::NotificationStream;
use crate::types::{
    Account, CancelLoginAccountParams, CancelLoginAccountStatus, GetAccountParams, GetAccountResponse,
    LoginAccountParams, LoginAccountResponse, Model, ModelListParams,
};

mod login;

/// The method name a login wait reports in [`Error::Timeout`].
const LOGIN_COMPLETED: &str = "account/login/completed";

/// How many pages [`Codex::models`] follows before it stops (a guard against
/// a runtime that keeps returning cursors).
const MAX_MODEL_PAGES: usize = 100;

/// How long a dropped, unfinished login handle waits for its best-effort
/// `account/login/cancel`.
const DROP_CANCEL_TIMEOUT: Duration = Duration::from_secs(5);

/// An OpenAI API key. Its [`Debug`](fmt::Debug) output is redacted and it has
/// no `Display`, so it cannot end up in logs by accident; read it with
/// [`ApiKey::expose_secret`].
///
/// ```
/// use openai_codex::ApiKey;
///
/// let key = ApiKey::new("sk-not-a-real-key");
/// assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
/// assert_eq!(key.expose_secret(), "sk-not-a-real-key");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self(key.to_owned())
    }
}

/// How a ChatGPT login ended, as `account/login/completed` reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginOutcome {
    /// The user signed in; the runtime stored the credentials in its `CODEX_HOME`.
    Succeeded,
    /// The login did not complete: it was cancelled, timed out on the
    /// runtime's side, or the sign-in failed.
    Failed {
        /// The runtime's reason, if it gave one.
        error: Option<String>,
    },
}

impl LoginOutcome {
    /// Whether the user is now signed in.
    pub fn is_success(&self) -> bool {
        matches!(self, LoginOutcome::Succeeded)
    }
}

impl Codex {
    /// Signs in with an OpenAI API key (`account/login/start` with `apiKey`).
    /// The runtime stores it in its `CODEX_HOME`, replacing the stored
    /// credentials. The key is never logged.
    ///
    /// An empty or all-whitespace key is refused with
    /// [`Error::InvalidArgument`] before anything is sent (the runtime would
    /// replace the stored key with it).
    ///
    /// ```no_run
    /// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
    /// match std::env::var("OPENAI_API_KEY") {
    ///     Ok(key) => codex.login_api_key(key).await?,
    ///     Err(_) => eprintln!("set OPENAI_API_KEY to sign in"),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn login_api_key(&self, key: impl Into<ApiKey>) -> Result<()> {
        let ApiKey(api_key) = key.into();
        if api_key.trim().is_empty() {
            return Err(Error::InvalidArgument {
                argument: "API key".into(),
                reason: if api_key.is_empty() {
                    "it is empty".into()
                } else {
                    "it is only whitespace".into()
                },
            });
        }
        match self.client().account_login_start(LoginAccountParams::ApiKey { api_key }).await? {
            LoginAccountResponse::ApiKey => Ok(()),
            other => Err(unexpected_response(&other)),
        }
    }

    /// Starts a ChatGPT browser login (`account/login/start` with `chatgpt`):
    /// the runtime starts a local callback server on 127.0.0.1 and answers
    /// with the URL to open. Wait for the end with [`ChatgptLogin::wait`].
    /// Dropping the handle before the login ends cancels it (best effort).
    ///
    /// ```no_run
    /// # async fn example(codex: openai_codex::Codex) -> openai_codex::Result<()> {
    /// use std::time::Duration;
    ///
    /// let mut login = codex.login_chatgpt().await?;
    /// println!("Open {} to sign in", login.auth_url());
    /// let outcome = login.wait(Some(Duration::from_secs(300))).await?;
    /// assert!(outcome.is_success());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn login_chatgpt(&self) -> Result<ChatgptLogin> {
        let params = LoginAccountParams::Chatgpt {
            app_brand: None,
            codex_streamlined_login: None,
            use_hosted_login_success_page: None,
        };
        let (response, pending) = self.start_login(params).await?;
        match response {
            LoginAccountResponse::Chatgpt { auth_url, login_id } => {
                Ok(Login { kind: ChatgptBrowser { auth_url }, pending: pending.with_id(login_id) })
            }
            other => Err(unexpected_response(&other)),
        }
    }

    /// Starts a ChatGPT device-code login (`account/login/start` with
    /// `chatgptDeviceCode`), for machines without a browser: show the user
    /// [`DeviceCodeLogin::verification_url`] and [`DeviceCodeLogin::user_code`],
    /// then [`DeviceCodeLogin::wait`]. Dropping the handle before the login
    /// ends cancels it (best effort).
    pub async fn login_chatgpt_device_code(&self) -> Result<DeviceCodeLogin> {
        let (response, pending) = self.start_login(LoginAccountParams::ChatgptDeviceCode).await?;
        match response {
            LoginAccountResponse::ChatgptDeviceCode { login_id, user_code, verification_url } => Ok(Login {
                kind: ChatgptDeviceCode { verification_url, user_code },
                pending: pending.with_id(login_id),
            }),
            other => Err(unexpected_response(&other)),
        }
    }

    /// Subscribes to notifications, then sends the login request, so that no
    /// completion can arrive unseen.
    async fn start_login(&self, params: LoginAccountParams) -> Result<(LoginAccountResponse, PendingLogin)> {
        let events = self.client().notifications();
        let response = self.client().account_login_start(params).await?;
        Ok((response, PendingLogin {
            codex: self.clone(),
            login_id: String::new(),
            events,
            outcome: None,
            cancelled: AtomicBool::new(false),
            runtime: tokio::runtime::Handle::try_current().ok(),
        }))
    }

    /// Signs out (`account/logout`): the runtime forgets the stored credentials.
    pub async fn logout(&self) -> Result<()> {
        self.client().account_logout().await?;
        Ok(())
    }

    /// The account the runtime is signed in with (`account/read`);
    /// `account` is `None` when signed out.
    pub async fn account(&self) -> Result<GetAccountResponse> {
        self.client().account_read(GetAccountParams::default()).await
    }

    /// Every model the runtime offers (`model/list`, following
    /// `nextCursor` through all pages; models hidden from the default picker
    /// are left out). Use `codex.client().model_list(..)` for one page or
    /// hidden models.
    pub async fn models(&self) -> Result<Vec<Model>> {
        let mut models = Vec::new();
        let mut cursor = None;
        for _ in 0..MAX_MODEL_PAGES {
            let params = ModelListParams { cursor: cursor.take(), ..ModelListParams::default() };
            let page = self.client().model_list(params).await?;
            models.extend(page.data);
            match page.next_cursor {
                Some(next) if !next.is_empty() => cursor = Some(next),
                _ => return Ok(models),
            }
        }
        tracing::warn!(pages = MAX_MODEL_PAGES, "model/list kept returning cursors; stopped following them");
        Ok(models)
    }
}

/// A login in progress: its id, the notification subscription made before
/// it started, and its outcome once seen.
#[derive(Debug)]
struct PendingLogin {
    codex: Codex,
    login_id: String,
    events: NotificationStream,
    outcome: Option<LoginOutcome>,
    cancelled: AtomicBool,
    /// The tokio runtime the login started on, for the cancel on drop.
    runtime: Option<tokio::runtime::Handle>,
}

impl PendingLogin {
    fn with_id(mut self, login_id: String) -> Self {
        self.login_id = login_id;
        self
    }

    async fn wait(&mut self, timeout: Option<Duration>) -> Result<LoginOutcome> {
        if let Some(outcome) = &self.outcome {
            return Ok(outcome.clone());
        }
        let outcome = match timeout {
            None => self.next_outcome().await?,
            Some(after) => tokio::time::timeout(after, self.next_outcome())
                .await
                .map_err(|_| Error::Timeout { method: LOGIN_COMPLETED.to_owned(), after, sent: true })??,
        };
        self.outcome = Some(outcome.clone());
        Ok(outcome)
    }

    /// Reads notifications until this login's completion.
    async fn next_outcome(&mut self) -> Result<LoginOutcome> {
        while let Some(event) = self.events.next().await {
            match event {
                Ok(ServerNotification::AccountLoginCompleted(done))
                    if done.login_id.as_deref() == Some(self.login_id.as_str()) =>
                {
                    return Ok(if done.success {
                        LoginOutcome::Succeeded
                    } else {
                        LoginOutcome::Failed { error: done.error }
                    });
                }
                Ok(_) => {}
                // The completion may have been among the dropped events: a
                // ChatGPT account means it succeeded; otherwise keep waiting.
                Err(Error::Lagged { missed }) => {
                    tracing::warn!(missed, login = %self.login_id, "login events were dropped; checking the account");
                    let account = self.codex.account().await?;
                    if matches!(account.account, Some(Account::Chatgpt { .. })) {
                        return Ok(LoginOutcome::Succeeded);
                    }
                }
                Err(error) => return Err(error),
            }
        }
        Err(Error::ProcessExited { status: "unknown".to_owned(), stderr_tail: Vec::new() })
    }

    async fn cancel(&self) -> Result<CancelLoginAccountStatus> {
        let params = CancelLoginAccountParams::new(self.login_id.clone());
        self.cancelled.store(true, Ordering::Relaxed);
        Ok(self.codex.client().account_login_cancel(params).await?.status)
    }
}

impl Drop for PendingLogin {
    fn drop(&mut self) {
        if self.outcome.is_some() || *self.cancelled.get_mut() || self.codex.client().is_closed() {
            return;
        }
        // Best effort: stop the runtime's login (and its callback server).
        let Some(runtime) = &self.runtime else { return };
        let client = self.codex.client().clone();
        let params = CancelLoginAccountParams::new(std::mem::take(&mut self.login_id));
        runtime.spawn(async move {
            let _ = tokio::time::timeout(DROP_CANCEL_TIMEOUT, client.account_login_cancel(params)).await;
        });
    }
}

/// A ChatGPT login in progress: [`ChatgptLogin`] (a browser login, from
/// [`Codex::login_chatgpt`]) or [`DeviceCodeLogin`] (from
/// [`Codex::login_chatgpt_device_code`]). `K` holds what the kind of login
/// shows the user ([`ChatgptLogin::auth_url`];
/// [`DeviceCodeLogin::verification_url`] and [`DeviceCodeLogin::user_code`]);
/// [`wait`](Login::wait) and [`cancel`](Login::cancel) are the same for
/// both. Dropping it before the login ends cancels the login (best effort).
#[derive(Debug)]
pub struct Login<K> {
    kind: K,
    pending: PendingLogin,
}

/// What a ChatGPT browser login shows the user: the kind of a [`ChatgptLogin`].
#[derive(Debug, Clone)]
pub struct ChatgptBrowser {
    auth_url: String,
}

/// What a ChatGPT device-code login shows the user: the kind of a [`DeviceCodeLogin`].
#[derive(Debug, Clone)]
pub struct ChatgptDeviceCode {
    verification_url: String,
    user_code: String,
}

/// A ChatGPT browser login in progress, from [`Codex::login_chatgpt`]. Show
/// the user [`ChatgptLogin::auth_url`], then [`ChatgptLogin::wait`].
pub type ChatgptLogin = Login<ChatgptBrowser>;

/// A ChatGPT device-code login in progress, from
/// [`Codex::login_chatgpt_device_code`]. Show the user
/// [`DeviceCodeLogin::verification_url`] and [`DeviceCodeLogin::user_code`],
/// then [`DeviceCodeLogin::wait`].
pub type DeviceCodeLogin = Login<ChatgptDeviceCode>;

/// `account/login/start` answered with another kind of login than was asked for.
fn unexpected_response(response: &LoginAccountResponse) -> Error {
    let raw = serde_json::to_string(response).unwrap_or_default();
    Error::Decode {
        what: "the response to `account/login/start`".to_owned(),
        raw: Redacted::new(&raw),
        source: <serde_json::Error as serde::de::Error>::custom("the response is for another kind of login"),
    }
}
