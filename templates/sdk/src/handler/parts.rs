//! The hand-written parts of `handler.rs` (which the generator writes from the
//! schema, one trait method per server request): the default handler, and
//! how the dispatcher encodes an answer.

use serde::Serialize;

use super::{HandlerError, ServerRequestHandler};

/// The default handler: answers every request with its fail-closed
/// default (see [`crate::handler_defaults`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct DeclineAll;

impl ServerRequestHandler for DeclineAll {}

/// The answer as JSON, or an internal error sent back to the app-server.
pub(super) fn to_value<T: Serialize>(response: T) -> Result<serde_json::Value, HandlerError> {
    serde_json::to_value(response).map_err(|error| HandlerError::internal(format!("could not encode the answer: {error}")))
}
