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
readme = "README.md"
edition.workspace = true
rust-version.workspace = true
license.workspace = true
repository.workspace = true

[lib]
name = "openai_codex"

# futures and tracing without their proc-macro features: the SDK uses
# neither `select!`/`join!` from futures nor `#[instrument]`, and leaving
# them out keeps a second syn and three macro crates out of users' builds.
[dependencies]
data-encoding = "2"
futures = {{ version = "0.3", default-features = false, features = ["std"] }}
hmac = "0.13"
schemars = "1"
serde = {{ version = "1", features = ["derive"] }}
serde_json = {{ version = "1", features = ["raw_value"] }}
sha2 = "0.11"
thiserror = "2"
tokio = {{ version = "1", features = ["io-util", "macros", "net", "process", "rt", "rt-multi-thread", "sync", "time"] }}
tokio-tungstenite = {{ version = "0.30", default-features = false, features = ["handshake"] }}
tracing = {{ version = "0.1", default-features = false, features = ["std"] }}

[lints]
workspace = true
"#,
        version = pin.version
    )
}

/// The crate root.
pub fn lib_rs(pin: &Pin) -> syn::File {
    let _ = pin;
    // The crate docs are the crate's README (templates/sdk/README.md), so its
    // examples are compiled as doctests and cannot go stale.
    syn::parse2(quote! {
        #![doc = include_str!("../README.md")]

        mod api;
        pub mod blocking;
        pub mod client;
        mod client_methods;
        pub mod docs;
        pub mod error;
        pub mod handler;
        pub mod handler_defaults;
        mod handler_support;
        mod line_reader;
        pub mod methods;
        mod process;
        mod router;
        mod rpc;
        pub mod runtime;
        pub mod strict_schema;
        pub mod transport;
        mod turn_result;
        mod wire_str;
        /// Every wire type of the protocol, generated with typify from the
        /// schema; docs come from the schema's descriptions.
        // Many wire fields have no description in the schema, and the
        // generator does not invent any.
        #[allow(missing_docs)]
        pub mod types;

        pub use api::*;
        pub use strict_schema::OutputSchema;
        /// The schemars version [`Thread::run_structured`] takes types from:
        /// derive with `#[derive(openai_codex::schemars::JsonSchema)]` and
        /// `#[schemars(crate = "openai_codex::schemars")]` to need no direct
        /// dependency.
        pub use schemars;
        pub use client::{Client, ClientBuilder};
        pub use error::{Error, Result};
        pub use router::NotificationStream;
        pub use transport::{AppServerPool, JwtSigner, LostTurn, Reconnected};
    })
    .expect("the crate root is valid Rust")
}

/// `src/runtime/pin.rs`: `schema/runtime.toml` as a constant, so the SDK can
/// install exactly the runtime it was generated from.
pub fn pin_rs(pin: &Pin) -> syn::File {
    let package = &pin.package;
    let version = &pin.version;
    let npm_package = &pin.npm_package;
    let wheels = pin.wheels.iter().map(|wheel| {
        let (platform, tag, filename, sha256) =
            (&wheel.platform, &wheel.tag, &wheel.filename, &wheel.sha256);
        quote! {
            WheelPin { platform: #platform, tag: #tag, filename: #filename, sha256: #sha256 }
        }
    });
    let tarballs = pin.tarballs.iter().map(|tarball| {
        let (platforms, npm_version, target, integrity) =
            (&tarball.platforms, &tarball.npm_version, &tarball.target, &tarball.integrity);
        quote! {
            TarballPin { platforms: &[#(#platforms),*], npm_version: #npm_version, target: #target, integrity: #integrity }
        }
    });
    syn::parse2(quote! {
        //! The pinned runtime, from `schema/runtime.toml`.

        #[allow(unused_imports)] // one of the two lists may be empty
        use super::install::{RuntimePin, TarballPin, WheelPin};

        /// The runtime this SDK was generated from: packages, version, and the
        /// checksum of each platform's wheel (PyPI) and build (npm).
        pub const PIN: RuntimePin<'static> = RuntimePin {
            package: #package,
            version: #version,
            wheels: &[#(#wheels),*],
            npm_package: #npm_package,
            tarballs: &[#(#tarballs),*],
        };
    })
    .expect("the pin module is valid Rust")
}
