//! What server-request handlers return: [`HandlerError`] and [`HandlerFuture`].

use std::future::Future;
use std::pin::Pin;

/// The future a [`ServerRequestHandler`](crate::handler::ServerRequestHandler)
/// method returns. Write handlers as `Box::pin(async move { ... })`.
pub type HandlerFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, HandlerError>> + Send + 'a>>;

/// A handler's refusal to answer a server request normally; the app-server
/// gets it as a JSON-RPC error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (JSON-RPC error {code})")]
pub struct HandlerError {
    code: i64,
    message: String,
}

impl HandlerError {
    /// An error with a JSON-RPC code and message.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The handler failed (JSON-RPC `-32603`).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(-32603, message)
    }

    /// The request's params were not understood (JSON-RPC `-32602`).
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(-32602, message)
    }

    /// This client does not support the request (JSON-RPC `-32601`).
    pub fn unsupported(method: &str) -> Self {
        Self::new(-32601, format!("this client does not handle `{method}`"))
    }

    /// The JSON-RPC error code.
    pub fn code(&self) -> i64 {
        self.code
    }

    /// The error message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// A handler future that is already complete.
pub fn ready<T: Send + 'static>(outcome: Result<T, HandlerError>) -> HandlerFuture<'static, T> {
    Box::pin(std::future::ready(outcome))
}
