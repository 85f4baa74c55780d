//! The one error type of the SDK.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::runtime::install::InstallError;

/// Shorthand for `Result<T, openai_codex::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// JSON-RPC error code the app-server uses when it is overloaded and the
/// request may be retried later.
pub const OVERLOADED_CODE: i64 = -32001;

/// Everything that can go wrong talking to the Codex runtime.
///
/// Match on the variants to handle a case; print it with `{}` for the
/// message, or with `{:?}` (what `fn main() -> openai_codex::Result<()>`
/// prints) for the message and its causes, as `anyhow` does:
///
/// ```
/// let error = openai_codex::Error::RuntimeNotFound { looked: vec!["`codex` on PATH (not found)".into()] };
/// assert!(format!("{error:?}").starts_with("no Codex runtime found; looked in: `codex` on PATH"));
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No `codex` binary was found.
    #[error(
        "no Codex runtime found; looked in: {}. Install the pinned runtime with \
         `openai_codex::runtime::install()` (or set CODEX_BIN to a codex binary)",
        looked.join(", ")
    )]
    RuntimeNotFound {
        /// Every place that was tried, in order.
        looked: Vec<String>,
    },
    /// Installing the pinned runtime failed.
    #[error("installing the Codex runtime failed: {0}")]
    Install(#[from] InstallError),
    /// The binary is another version than the one this SDK was generated from.
    #[error(
        "{binary} is codex {found}, but this SDK (openai-codex {expected}) speaks the protocol \
         of codex {expected}. Install the matching runtime with `openai_codex::runtime::install()`, \
         or opt in to the mismatch with `allow_version_mismatch(true)`"
    )]
    VersionMismatch {
        /// The binary that was probed.
        binary: PathBuf,
        /// The version this SDK was generated from.
        expected: String,
        /// The version the binary reported.
        found: String,
    },
    /// The binary is not a Codex runtime: its `--version` does not print
    /// `codex-cli <version>`.
    #[error(
        "{} is not a Codex runtime: `--version` {reason}; a Codex runtime prints `codex-cli <version>`. \
         Point CODEX_BIN (or `codex_bin(..)`) at a codex binary, or install the pinned runtime with \
         `openai_codex::runtime::install()`",
        binary.display()
    )]
    NotCodexRuntime {
        /// The binary that was probed.
        binary: PathBuf,
        /// What `--version` did (its output, or how it failed).
        reason: String,
    },
    /// The app-server process could not be started or probed.
    #[error("could not run {binary}: {source}")]
    Spawn {
        /// The binary.
        binary: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The app-server answered a request with a JSON-RPC error.
    #[error("`{method}` failed with JSON-RPC error {code}: {message}")]
    JsonRpc {
        /// The method of the failed request.
        method: String,
        /// The JSON-RPC error code.
        code: i64,
        /// The error message.
        message: String,
        /// Extra error data, if the app-server sent any.
        data: Option<serde_json::Value>,
    },
    /// A message from the app-server did not decode into its type.
    #[error("could not decode {what}: {source}; the message was: {raw}")]
    Decode {
        /// What was being decoded (e.g. "the response to `thread/start`").
        what: String,
        /// The raw message, with secrets redacted.
        raw: Redacted,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// Params could not be encoded as JSON.
    #[error("could not encode the params of `{method}`: {source}")]
    Encode {
        /// The method.
        method: String,
        /// The encoding error.
        #[source]
        source: serde_json::Error,
    },
    /// The app-server process exited (or closed its output).
    #[error("the Codex app-server exited ({status}){}", stderr_suffix(stderr_tail))]
    ProcessExited {
        /// How it exited, as far as is known.
        status: String,
        /// The last lines it wrote to stderr.
        stderr_tail: Vec<String>,
    },
    /// A request got no answer in time.
    #[error("`{method}` got no answer within {after:?}")]
    Timeout {
        /// The method.
        method: String,
        /// How long was waited.
        after: Duration,
    },
    /// A notification subscriber fell too far behind and events were dropped
    /// for it (other subscribers are not affected).
    #[error("this event stream fell behind and {missed} events were dropped for it")]
    Lagged {
        /// How many events were dropped.
        missed: u64,
    },
    /// A turn ended as failed; the result says why (`error`) and what it did
    /// before (`items`).
    #[error("turn {} failed: {}", .0.id, turn_error_message(.0))]
    TurnFailed(Box<crate::api::TurnResult>),
    /// A structured answer did not match the requested type.
    #[error("the final answer does not match the requested type: {source}; the answer was: {raw}")]
    StructuredOutput {
        /// The final answer as the model gave it.
        raw: String,
        /// Why it did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// A JSON Schema cannot be expressed in OpenAI's strict structured-output
    /// subset (see [`crate::strict_schema`]); nothing was sent.
    #[error(transparent)]
    UnsupportedSchema(#[from] crate::strict_schema::StrictSchemaError),
    /// An argument was refused before anything was sent.
    #[error("invalid {argument}: {reason}")]
    InvalidArgument {
        /// What was refused (e.g. "API key").
        argument: String,
        /// Why.
        reason: String,
    },
    /// An I/O error talking to the app-server.
    #[error("I/O error talking to the Codex app-server: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether the app-server said it is overloaded: the request may succeed
    /// if retried later (see `retry_on_overload`).
    pub fn is_overloaded(&self) -> bool {
        match self {
            Error::JsonRpc { code, message, .. } => {
                *code == OVERLOADED_CODE || message.to_ascii_lowercase().contains("overloaded")
            }
            Error::TurnFailed(result) => result
                .error
                .as_ref()
                .and_then(|error| error.codex_error_info.as_ref())
                .is_some_and(is_overload_info),
            _ => false,
        }
    }

    /// The JSON-RPC error code, if this is a JSON-RPC error.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::JsonRpc { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the app-server process is gone.
    pub fn is_process_exited(&self) -> bool {
        matches!(self, Error::ProcessExited { .. })
    }
}

impl fmt::Debug for Error {
    /// The message and its chain of causes, as `anyhow` prints an error:
    /// `fn main() -> openai_codex::Result<()>` shows this. A cause whose text
    /// the message already contains is not repeated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.to_string();
        f.write_str(&message)?;
        let mut shown = message;
        let mut causes = Vec::new();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            let text = cause.to_string();
            if !shown.contains(&text) {
                shown.push_str(&text);
                causes.push(text);
            }
            source = cause.source();
        }
        match causes.as_slice() {
            [] => Ok(()),
            [cause] => write!(f, "\n\nCaused by:\n    {cause}"),
            causes => {
                f.write_str("\n\nCaused by:")?;
                for (index, cause) in causes.iter().enumerate() {
                    write!(f, "\n    {index}: {cause}")?;
                }
                Ok(())
            }
        }
    }
}

/// Whether a turn's error info says the model service is overloaded or
/// rate limited (HTTP 429/503): worth retrying later.
fn is_overload_info(info: &crate::types::CodexErrorInfo) -> bool {
    use crate::types::CodexErrorInfo as Info;
    let overloaded_status = |status: &Option<u16>| matches!(status, Some(429 | 503));
    match info {
        Info::ServerOverloaded => true,
        Info::HttpConnectionFailed { http_status_code }
        | Info::ResponseStreamConnectionFailed { http_status_code }
        | Info::ResponseStreamDisconnected { http_status_code }
        | Info::ResponseTooManyFailedAttempts { http_status_code } => overloaded_status(http_status_code),
        _ => false,
    }
}

fn turn_error_message(result: &crate::api::TurnResult) -> String {
    result
        .error
        .as_ref()
        .map(|error| error.message.clone())
        .unwrap_or_else(|| "no reason given".to_owned())
}

fn stderr_suffix(tail: &[String]) -> String {
    if tail.is_empty() {
        String::new()
    } else {
        format!("; its last stderr lines:\n{}", tail.join("\n"))
    }
}

/// A raw protocol message with secrets (tokens, keys, passwords) replaced by
/// `"<redacted>"`, safe to log and to show in errors.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// Redacts `raw`: in a JSON message, every string value whose key names a
    /// secret; in anything else, everything.
    pub fn new(raw: &str) -> Self {
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(mut value) => {
                redact_value(&mut value);
                Self(value.to_string())
            }
            Err(_) => Self(format!("<{} bytes of non-JSON text>", raw.len())),
        }
    }

    /// The redacted text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Whether a JSON key names a secret.
pub(crate) fn is_secret_key(key: &str) -> bool {
    // `accessToken`, `idToken`, `token` are secrets; `tokenUsage` and
    // `inputTokens` are not.
    let key = key.to_ascii_lowercase();
    key.ends_with("token")
        || ["apikey", "api_key", "secret", "password", "authorization", "credential"]
            .iter()
            .any(|secret| key.contains(secret))
}

/// Replaces the values of secret-named keys, at any depth.
pub(crate) fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_key(key) && !value.is_null() {
                    *value = serde_json::Value::String("<redacted>".into());
                } else {
                    redact_value(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}
