//! `cargo codegen runtime install`: installs the pinned runtime with pip,
//! verified by sha256, idempotently; refuses tampered wheels and unpinned
//! platforms with clear errors.

use std::path::PathBuf;
use std::process::{Command, Output};

use openai_codex_codegen::pin::Pin;
use openai_codex_codegen::runtime::install::{InstallError, Installer};
use openai_codex_codegen::{runtime, Workspace};

fn codegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openai-codex-codegen"))
        .args(args)
        .output()
        .expect("the codegen binary runs")
}

fn pin() -> Pin {
    Pin::load(&Workspace::this().pin_path()).expect("schema/runtime.toml loads")
}

#[test]
fn install_puts_the_pinned_runtime_in_place_and_is_idempotent() {
    let first = codegen(&["runtime", "install"]);
    assert!(
        first.status.success(),
        "install failed: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    let codex = PathBuf::from(String::from_utf8_lossy(&first.stdout).trim());
    assert_eq!(codex, Workspace::this().runtime_dir().join("0.163.0/codex_cli_bin/bin/codex"));
    assert_eq!(runtime::binary_version(&codex).unwrap(), pin().version);

    let second = codegen(&["runtime", "install"]);
    assert!(second.status.success());
    assert_eq!(second.stdout, first.stdout, "the second run prints the same path");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("already installed and verified"), "second run said: {said}");
}

#[test]
fn a_tampered_wheel_is_refused_and_removed() {
    let pin = pin();
    let wheel = pin
        .wheels
        .iter()
        .find(|wheel| wheel.platform == runtime::install::current_platform())
        .expect("this platform is pinned");
    let dir = tempfile::tempdir().unwrap();
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let tampered = downloads.join(&wheel.filename);
    std::fs::write(&tampered, b"not the wheel PyPI serves").unwrap();

    let output = codegen(&["runtime", "install", "--dir", dir.path().to_str().unwrap()]);

    assert!(!output.status.success(), "a tampered wheel must be refused");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("refusing") && said.contains(&wheel.sha256), "error was: {said}");
    assert!(!tampered.exists(), "the tampered file is removed");
    assert!(!dir.path().join(&pin.version).exists(), "nothing was unpacked");
}

#[test]
fn an_unpinned_platform_is_a_clear_error() {
    let pin = pin();
    let mut wheels = Vec::new();
    let runtime_pin = pin.to_runtime_pin(&mut wheels);
    let dir = tempfile::tempdir().unwrap();
    let error = Installer::new(&runtime_pin, dir.path())
        .platform("plan9-mips")
        .install()
        .unwrap_err();
    assert!(matches!(error, InstallError::UnsupportedPlatform { .. }));
    let message = error.to_string();
    assert!(message.contains("plan9-mips") && message.contains("linux-x86_64"), "{message}");
}

#[test]
fn missing_pip_says_what_to_install() {
    let pin = pin();
    let mut wheels = Vec::new();
    let runtime_pin = pin.to_runtime_pin(&mut wheels);
    let dir = tempfile::tempdir().unwrap();
    let error = Installer::new(&runtime_pin, dir.path())
        .python("/nonexistent/python3")
        .install()
        .unwrap_err();
    assert!(matches!(error, InstallError::PipMissing { .. }), "{error:?}");
    assert!(error.to_string().contains("Install them"), "{error}");
}
