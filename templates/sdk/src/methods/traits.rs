//! The traits and the table row of the method catalog: the hand-written part
//! of `methods.rs`, re-exported there (`openai_codex::methods::ClientMethod`, ...).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A request the client sends to the app-server: ties a method string to
/// its params and response types.
pub trait ClientMethod {
    /// The method's wire name.
    const METHOD: &'static str;
    /// What the request carries as `params` (`()` for none).
    type Params: Serialize + Send + Sync + 'static;
    /// What the app-server answers with.
    type Response: DeserializeOwned + Send + 'static;
}

/// A request the app-server sends to the client: ties a method string to
/// its params and the response the app-server expects back.
pub trait ServerRequestMethod {
    /// The method's wire name.
    const METHOD: &'static str;
    /// What the request carries as `params`.
    type Params: DeserializeOwned + Send + 'static;
    /// What the client must answer with.
    type Response: Serialize + Send + Sync + 'static;
}

/// One row of a method table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodInfo {
    /// The wire name, e.g. `thread/start`.
    pub method: &'static str,
    /// The params type's name in [`crate::types`], if the method takes params.
    pub params: Option<&'static str>,
    /// Whether the params may be left out.
    pub params_optional: bool,
    /// The response type's name in [`crate::types`] (requests only).
    pub response: Option<&'static str>,
}
