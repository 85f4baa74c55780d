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
    /// The connection to a running app-server (WebSocket, Unix socket or
    /// the daemon) was lost: it closed, failed, or the app-server went away.
    #[error("the connection to the Codex app-server at {endpoint} was lost: {reason}")]
    ConnectionLost {
        /// Where the app-server was (never with credentials).
        endpoint: String,
        /// What ended the connection, as far as is known.
        reason: String,
    },
    /// Connecting to a running app-server failed: nothing listens there, the
    /// handshake failed, or the daemon could not be found or started.
    #[error("could not connect to the Codex app-server at {endpoint}: {reason}")]
    Connect {
        /// Where the app-server was to be (never with credentials).
        endpoint: String,
        /// Why it failed, and what to check.
        reason: String,
    },
    /// The app-server refused this client's credentials at the WebSocket
    /// upgrade (HTTP 401): the token is wrong, expired, missing, or signed
    /// for another issuer or audience.
    #[error("the Codex app-server at {endpoint} rejected the token (HTTP {status}){}", token_hint(*.token_sent))]
    TokenRejected {
        /// Where the app-server is.
        endpoint: String,
        /// The HTTP status of the refusal (401, or 403).
        status: u16,
        /// Whether a token was sent at all.
        token_sent: bool,
    },
    /// A request got no answer in time.
    #[error("`{method}` got no answer within {after:?} ({})", delivery_note(*.sent))]
    Timeout {
        /// The method.
        method: String,
        /// How long was waited.
        after: Duration,
        /// Whether the request was written to the app-server before the
        /// time ran out. `false` means it was withdrawn and never will be.
        sent: bool,
    },
    /// The app-server answered a request with something that is not a
    /// JSON-RPC response (bytes that are not UTF-8, an `error` that is not an
    /// error object, ...). The request failed; the connection goes on.
    #[error("the answer to `{method}` could not be understood: {reason}; it was: {raw}")]
    Protocol {
        /// The method of the request.
        method: String,
        /// What was wrong with the answer.
        reason: String,
        /// The start of the answer, with secrets redacted.
        raw: Redacted,
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
    TurnFailed(Box<crate::turn_result::TurnResult>),
    /// The SDK stopped a turn that broke its [`TurnPolicy`](crate::TurnPolicy)
    /// (it ran too long, or the runtime kept reconnecting to the model): it
    /// sent `turn/interrupt`. `partial` holds what the turn did so far (its
    /// status is `Interrupted` if the runtime confirmed the end in time,
    /// `InProgress` if not), including every runtime `error` notification.
    #[error(
        "turn {} was stopped by the SDK: {reason}; the runtime's last message: {}",
        partial.id,
        last_message.as_deref().unwrap_or("none")
    )]
    TurnStalled {
        /// Which limit the turn broke.
        reason: crate::turn_result::StallReason,
        /// The runtime's last `error` message for the turn (with its details), if any.
        last_message: Option<String>,
        /// What the turn did before it was stopped.
        partial: Box<crate::turn_result::TurnResult>,
    },
    /// The runtime said a turn ended, but its `turn/completed` did not decode
    /// (a newer runtime may have changed its shape): the turn is over, how it
    /// ended is unknown. `partial` holds what the turn did as seen from its events.
    #[error("turn {} ended, but its `turn/completed` did not decode: {source}; the params were: {raw}", partial.id)]
    TurnEndUndecodable {
        /// The params of `turn/completed`, with secrets redacted.
        raw: Redacted,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
        /// What the turn did, from the events seen before its end.
        partial: Box<crate::turn_result::TurnResult>,
    },
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
    /// A sandboxed command ([`Codex::command`](crate::Codex::command)) could
    /// not be started: the program does not exist or cannot be run, or the
    /// runtime could not set up its sandbox.
    #[error("could not start the command `{program}`: {reason}")]
    CommandSpawn {
        /// The program (`argv[0]`).
        program: String,
        /// Why, as the runtime put it (e.g. "No such file or directory (os error 2)").
        reason: String,
    },
    /// A sandboxed command ran longer than its timeout and the runtime
    /// killed it; `output` holds what it printed before.
    #[error("the command `{program}` ran longer than its timeout of {after:?} and was killed")]
    CommandTimedOut {
        /// The program (`argv[0]`).
        program: String,
        /// The timeout.
        after: Duration,
        /// What the command printed before it was killed (its exit code is
        /// the runtime's, 124).
        output: Box<crate::api::CommandOutput>,
    },
}

impl Error {
    /// Whether the app-server said it is overloaded: the request may succeed
    /// if retried later (see `retry_on_overload`).
    pub fn is_overloaded(&self) -> bool {
        match self {
            // The runtime says so with its code alone ("Server overloaded;
            // retry later." is the message that comes with it).
            Error::JsonRpc { code, .. } => *code == OVERLOADED_CODE,
            Error::TurnFailed(result) => result
                .error
                .as_ref()
                .and_then(|error| error.codex_error_info.as_ref())
                .is_some_and(is_overload_info),
            _ => false,
        }
    }

    /// What a turn did, for the errors that end one: [`Error::TurnFailed`],
    /// [`Error::TurnStalled`] and [`Error::TurnEndUndecodable`].
    pub fn turn_result(&self) -> Option<&crate::turn_result::TurnResult> {
        match self {
            Error::TurnFailed(result) => Some(result),
            Error::TurnStalled { partial, .. } | Error::TurnEndUndecodable { partial, .. } => Some(partial),
            _ => None,
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

    /// Whether the app-server is out of reach for good: its process exited
    /// ([`Error::ProcessExited`]) or the connection to it was lost
    /// ([`Error::ConnectionLost`]). A new client is needed.
    pub fn is_disconnected(&self) -> bool {
        matches!(self, Error::ProcessExited { .. } | Error::ConnectionLost { .. })
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

fn turn_error_message(result: &crate::turn_result::TurnResult) -> String {
    result
        .error
        .as_ref()
        .map(|error| error.message.clone())
        .unwrap_or_else(|| "no reason given".to_owned())
}

fn token_hint(sent: bool) -> &'static str {
    if sent {
        ": check the bearer token, or the JWT's secret, issuer, audience and lifetime (and both clocks)"
    } else {
        ": it requires a token and none was set; use `bearer_token(..)` or `jwt_signer(..)`"
    }
}

fn delivery_note(sent: bool) -> &'static str {
    if sent {
        "the request reached the app-server, which may still act on it"
    } else {
        "the request was never sent"
    }
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

/// What a secret is replaced with.
const MASK: &str = "<redacted>";

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

    /// At most `max` characters of `raw`, redacted: JSON by key, like
    /// [`Redacted::new`]; other text by pattern (values after secret-named
    /// keys, `Bearer` tokens, `sk-...` keys). For logs of bad input, where
    /// the start of a line says enough.
    pub fn excerpt(raw: &str, max: usize) -> Self {
        let redacted = match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(mut value) => {
                redact_value(&mut value);
                value.to_string()
            }
            // Look a little past the cut, so a secret that straddles it is
            // still recognised as one.
            Err(_) => redact_text(prefix_chars(raw, max.saturating_mul(4))).into_owned(),
        };
        let kept = prefix_chars(&redacted, max);
        if kept.len() < redacted.len() {
            Self(format!("{kept}… ({} bytes in all)", raw.len()))
        } else {
            Self(redacted)
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

/// The first `max` characters of `text`.
fn prefix_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Key fragments that name a secret, compared without case or separators
/// (`x-api-key`, `api_key` and `apiKey` are all `apikey`).
const SECRET_KEY_PARTS: &[&str] = &[
    "apikey",
    "authorization",
    "bearer",
    "cookie",
    "credential",
    "passwd",
    "password",
    "privatekey",
    "secret",
];

/// What a `...tokens` key counts rather than holds: `inputTokens` is a
/// number of tokens, `accessTokens` are secrets.
const TOKEN_COUNT_PREFIXES: &[&str] = &["cached", "completion", "input", "max", "output", "prompt", "reasoning", "remaining", "total", "used"];

/// Whether a key (JSON, a header, `KEY=value`) names a secret.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key: String = key.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
    if SECRET_KEY_PARTS.iter().any(|part| key.contains(part)) {
        return true;
    }
    // `token`, `accessToken`, `idToken`, `refreshTokens` are secrets;
    // `tokenUsage` and `inputTokens` are not.
    match key.strip_suffix("tokens").or_else(|| key.strip_suffix("token")) {
        Some(stem) => !TOKEN_COUNT_PREFIXES.iter().any(|prefix| stem.ends_with(prefix)),
        None => false,
    }
}

/// Replaces the values of secret-named keys, at any depth.
pub(crate) fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if is_secret_key(key) && !value.is_null() {
                    *value = serde_json::Value::String(MASK.into());
                } else {
                    redact_value(value);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        serde_json::Value::String(text) => {
            if let std::borrow::Cow::Owned(redacted) = redact_text(text) {
                *text = redacted;
            }
        }
        _ => {}
    }
}

/// Masks secrets in free text (a log line, a non-JSON message): the value
/// after a secret-named key (`api_key=...`, `"accessToken": "..."`,
/// `Authorization: ...`), the token after `Bearer`, and `sk-...` API keys.
pub(crate) fn redact_text(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let starts_word = is_word_byte(bytes[at]) && (at == 0 || !is_word_byte(bytes[at - 1]));
        if !starts_word {
            at += 1;
            continue;
        }
        let end = (at..bytes.len()).find(|&i| !is_word_byte(bytes[i])).unwrap_or(bytes.len());
        let word = &text[at..end];
        let secret = if looks_like_api_key(word) {
            Some((at, end))
        } else if word.eq_ignore_ascii_case("bearer") {
            token_after_spaces(text, end)
        } else if is_secret_key(word) {
            value_after_key(text, end)
        } else {
            None
        };
        match secret {
            Some((start, stop)) => {
                out.push_str(&text[copied..start]);
                out.push_str(MASK);
                copied = stop;
                at = stop.max(end);
            }
            None => at = end,
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// `sk-` followed by key characters: OpenAI's (and others') API key shape.
fn looks_like_api_key(word: &str) -> bool {
    word.strip_prefix("sk-").is_some_and(|rest| rest.len() >= 6)
}

/// The span of the non-blank run after at least one space at `from`.
fn token_after_spaces(text: &str, from: usize) -> Option<(usize, usize)> {
    let rest = &text[from..];
    let start = from + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    if start == from {
        return None;
    }
    let end = text[start..]
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';'))
        .map_or(text.len(), |len| start + len);
    (end > start).then_some((start, end))
}

/// The span of the value after a secret-named key ending at `from`:
/// `key=value`, `key: value`, `"key": "value"`. A header-style key
/// (`Authorization: Basic abc`) hides the rest of the line.
fn value_after_key(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = from;
    let quoted_key = matches!(bytes.get(at), Some(b'"' | b'\''));
    if quoted_key {
        at += 1;
    }
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    let separator = *bytes.get(at)?;
    if separator != b':' && separator != b'=' {
        return None;
    }
    at += 1;
    while matches!(bytes.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    match bytes.get(at)? {
        quote @ (b'"' | b'\'') => {
            let start = at + 1;
            let end = text[start..].find(char::from(*quote)).map_or(text.len(), |len| start + len);
            (end > start).then_some((start, end))
        }
        b'{' | b'[' => None,
        _ if separator == b':' && !quoted_key => Some((at, text.len())),
        _ => {
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '&' | '}' | ']' | '"' | '\''))
                .map_or(text.len(), |len| at + len);
            let value = &text[at..end];
            (end > at && value != "null").then_some((at, end))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_recognised_in_any_spelling() {
        for key in ["apiKey", "api_key", "x-api-key", "X-API-KEY", "privateKey", "private_key", "cookie", "Set-Cookie",
            "bearer", "accessTokens", "accessToken", "id_token", "refreshToken", "token", "clientSecret", "password",
            "Authorization", "credentials"]
        {
            assert!(is_secret_key(key), "{key} names a secret");
        }
        for key in ["tokenUsage", "inputTokens", "cachedInputTokens", "outputTokens", "reasoningOutputTokens",
            "totalTokens", "maxOutputTokens", "model", "threadId", "keyPath"]
        {
            assert!(!is_secret_key(key), "{key} is not a secret");
        }
    }

    #[test]
    fn free_text_secrets_are_masked() {
        let cases = [
            ("OPENAI_API_KEY=sk-abcdef123456 next", "OPENAI_API_KEY=<redacted> next"),
            ("using key sk-proj-abcdefghijkl for it", "using key <redacted> for it"),
            ("Authorization: Bearer abc.def.ghi", "Authorization: <redacted>"),
            ("header bearer abc123, then", "header bearer <redacted>, then"),
            (r#"{"accessToken": "eyJhb" trailing"#, r#"{"accessToken": "<redacted>" trailing"#),
            ("x-api-key: abc123", "x-api-key: <redacted>"),
            ("cookie: session=abc; other=def", "cookie: <redacted>"),
            ("privateKey=-----BEGIN", "privateKey=<redacted>"),
            ("password = hunter2 ok", "password = <redacted> ok"),
        ];
        for (input, expected) in cases {
            assert_eq!(redact_text(input), expected, "{input}");
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in ["tokenUsage: 12 inputTokens=3", "the task-list and desk-top", "risk-free", "no secrets here", "héllo wörld"] {
            assert!(matches!(redact_text(text), std::borrow::Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn excerpts_are_bounded_and_redacted() {
        let long = format!("api_key=sk-abcdefghijkl {}", "x".repeat(1000));
        let excerpt = Redacted::excerpt(&long, 40);
        assert!(excerpt.as_str().starts_with("api_key=<redacted> xxx"), "{excerpt}");
        assert!(excerpt.as_str().len() < 80, "{excerpt}");
        assert!(!excerpt.as_str().contains("sk-"), "{excerpt}");
        let json = Redacted::excerpt(r#"{"id": 1, "apiKey": "sk-abcdefghijkl"}"#, 200);
        assert_eq!(json.as_str(), r#"{"apiKey":"<redacted>","id":1}"#);
    }
}
