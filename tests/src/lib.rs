//! Test support for the openai-codex SDK.
//!
//! - [`mock_model`]: a scripted mock of the OpenAI Responses API that the real
//!   Codex runtime can talk to offline;
//! - [`codex_home`]: temporary `CODEX_HOME` folders configured for that mock,
//!   and the path of the pinned runtime binary;
//! - [`harness`]: a mock, a home and a working folder, with a client builder
//!   for the real runtime;
//! - [`listen`]: a real app-server listening on a WebSocket port or a Unix
//!   socket, for the transport tests;
//! - [`raw_rpc`]: a minimal raw JSON-RPC driver for `codex app-server` that
//!   logs every frame (used by the fixture recorder and smoke tests).

pub mod codex_home;
pub mod harness;
pub mod listen;
pub mod mock_model;
pub mod raw_rpc;
pub mod scenario;
