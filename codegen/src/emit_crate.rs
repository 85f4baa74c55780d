//! Emits the files that make `sdk/` a crate: `Cargo.toml`, `src/lib.rs`, and
//! the runtime pin as Rust constants.

use quote::quote;

use crate::pin::Pin;

/// The generated crate's manifest. Its version is the runtime's version.
pub fn cargo_toml(pin: &Pin) -> String {
    format!(
        r#"[package]
name = "openai-codex"
version = "{version}"
description = "Rust SDK for the OpenAI Codex app-server (runtime {version})"
readme = false
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[lib]
name = "openai_codex"

[dependencies]
futures = "0.3"
schemars = "1"
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["raw_value"] }}
sha2 = "0.11"
thiserror = "2"
tokio = {{ version = "1", features = ["io-util", "macros", "process", "rt", "rt-multi-thread", "sync", "time"] }}
tracing = "0.1"

[lints]
workspace = true
"#,
        version = pin.version
    )
}

/// The crate root.
pub fn lib_rs(pin: &Pin) -> syn::File {
    let doc = format!(
        " Rust SDK for the OpenAI Codex app-server, generated from the JSON Schema \
         printed by Codex runtime {}.\n\n\
         - [`Codex`], [`Thread`], [`TurnHandle`]: the friendly API: start threads, \
         run turns, choose a [`Sandbox`] and an [`ApprovalMode`];\n\
         - [`blocking`]: the same API without async;\n\
         - [`Client`]: the low-level client: one app-server process, every protocol \
         method as a typed async call, notification streams, raw requests;\n\
         - [`handler`]: answering the app-server's requests (fail closed by default);\n\
         - [`types`]: every wire type of the protocol;\n\
         - [`methods`]: the method catalog (requests, notifications, server requests);\n\
         - [`runtime`]: the pinned runtime: finding and installing it;\n\
         - [`Error`]: the one error type.",
        pin.version
    );
    syn::parse2(quote! {
        #![doc = #doc]

        mod api;
        pub mod blocking;
        pub mod client;
        mod client_methods;
        pub mod error;
        pub mod handler;
        pub mod handler_defaults;
        mod handler_support;
        pub mod methods;
        mod process;
        mod router;
        mod rpc;
        pub mod runtime;
        /// Every wire type of the protocol, generated with typify from the
        /// schema; docs come from the schema's descriptions.
        // Many wire fields have no description in the schema, and the
        // generator does not invent any.
        #[allow(missing_docs)]
        pub mod types;

        pub use api::*;
        pub use client::{Client, ClientBuilder};
        pub use error::{Error, Result};
        pub use router::NotificationStream;
    })
    .expect("the crate root is valid Rust")
}

/// `src/runtime/pin.rs`: `schema/runtime.toml` as a constant, so the SDK can
/// install exactly the runtime it was generated from.
pub fn pin_rs(pin: &Pin) -> syn::File {
    let package = &pin.package;
    let version = &pin.version;
    let wheels = pin.wheels.iter().map(|wheel| {
        let (platform, tag, filename, sha256) =
            (&wheel.platform, &wheel.tag, &wheel.filename, &wheel.sha256);
        quote! {
            WheelPin { platform: #platform, tag: #tag, filename: #filename, sha256: #sha256 }
        }
    });
    syn::parse2(quote! {
        //! The pinned runtime, from `schema/runtime.toml`.

        use super::install::{RuntimePin, WheelPin};

        /// The runtime this SDK was generated from: package, version, and the
        /// sha256 of each platform's wheel.
        pub const PIN: RuntimePin<'static> = RuntimePin {
            package: #package,
            version: #version,
            wheels: &[#(#wheels),*],
        };
    })
    .expect("the pin module is valid Rust")
}
