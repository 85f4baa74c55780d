//! `cargo codegen runtime install`: installs the pinned runtime with pip,
//! verified by sha256, idempotently; installs an npm-only version from its
//! build, verified by integrity; refuses tampered downloads and unpinned
//! platforms with clear errors.

use std::path::{Path, PathBuf};
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

/// A pin with wheels for every platform (0.163.0, as its fixture keeps it),
/// for the wheel path of the installer whatever the current pin's sources.
fn wheel_pin() -> Pin {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/runtime-0.163.0/schema/runtime.toml");
    Pin::load(&fixture).expect("the 0.163.0 fixture pin loads")
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
    let pin = pin();
    let mut storage = openai_codex_codegen::runtime::PinStorage::default();
    let runtime_pin = pin.to_runtime_pin(&mut storage);
    let expected = Installer::new(&runtime_pin, Workspace::this().runtime_dir()).codex_path();
    assert_eq!(codex, expected);
    assert_eq!(runtime::binary_version(&codex).unwrap(), pin.version);

    let second = codegen(&["runtime", "install"]);
    assert!(second.status.success());
    assert_eq!(second.stdout, first.stdout, "the second run prints the same path");
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("already installed and verified"), "second run said: {said}");
}

#[test]
fn a_tampered_wheel_is_refused_and_removed() {
    let pin = wheel_pin();
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

    let mut storage = openai_codex_codegen::runtime::PinStorage::default();
    let runtime_pin = pin.to_runtime_pin(&mut storage);
    let error = Installer::new(&runtime_pin, dir.path()).install().unwrap_err();

    assert!(matches!(error, InstallError::ChecksumMismatch { .. }), "a tampered wheel must be refused: {error}");
    let said = error.to_string();
    assert!(said.contains("refusing") && said.contains(&wheel.sha256), "error was: {said}");
    assert!(!tampered.exists(), "the tampered file is removed");
    assert!(!dir.path().join(&pin.version).exists(), "nothing was unpacked");
}

#[test]
fn an_unpinned_platform_is_a_clear_error() {
    let pin = pin();
    let mut wheels = openai_codex_codegen::runtime::PinStorage::default();
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
    let pin = wheel_pin();
    let mut wheels = openai_codex_codegen::runtime::PinStorage::default();
    let runtime_pin = pin.to_runtime_pin(&mut wheels);
    let dir = tempfile::tempdir().unwrap();
    let error = Installer::new(&runtime_pin, dir.path())
        .python("/nonexistent/python3")
        .install()
        .unwrap_err();
    assert!(matches!(error, InstallError::PipMissing { .. }), "{error:?}");
    assert!(error.to_string().contains("Install them"), "{error}");
}

/// A pin whose only source for `linux-x86_64` is an npm build, and a fake
/// `npm` that "fetches" a small tarball made here: the npm
/// path of the installer end to end, without the registry.
#[test]
fn an_npm_only_version_installs_from_its_verified_build() {
    use openai_codex_codegen::runtime::install::{RuntimePin, TarballPin};
    let work = tempfile::tempdir().unwrap();
    // The build: package/vendor/<target>/bin/codex, as npm ships it.
    let tree = work.path().join("tree");
    let bin = tree.join("package/vendor/x86_64-unknown-linux-musl/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("codex"), "#!/bin/sh\necho codex-cli 9.9.9\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("codex"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tarball = work.path().join("openai-codex-9.9.9-linux-x64.tgz");
    let tar = Command::new("tar").arg("-czf").arg(&tarball).arg("-C").arg(&tree).arg("package").status().unwrap();
    assert!(tar.success());
    let integrity = {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("openssl dgst -sha512 -binary {} | base64 -w0", tarball.display()))
            .output()
            .unwrap();
        format!("sha512-{}", String::from_utf8(out.stdout).unwrap().trim())
    };
    // `npm pack --silent --pack-destination DIR SPEC` copies it and prints its name.
    let fake_bin = work.path().join("fake-bin");
    std::fs::create_dir_all(&fake_bin).unwrap();
    let npm = fake_bin.join("npm");
    std::fs::write(&npm, format!("#!/bin/sh\ncp {} \"$4\"/\necho openai-codex-9.9.9-linux-x64.tgz\n", tarball.display())).unwrap();
    std::fs::set_permissions(&npm, std::fs::Permissions::from_mode(0o755)).unwrap();

    let platforms = ["linux-x86_64", "linux-musl-x86_64"];
    let tarballs = [TarballPin { platforms: &platforms, npm_version: "9.9.9-linux-x64", target: "x86_64-unknown-linux-musl", integrity: &integrity }];
    let pin = RuntimePin { package: "openai-codex-cli-bin", version: "9.9.9", wheels: &[], npm_package: "@openai/codex", tarballs: &tarballs };
    let dir = work.path().join("cache");
    let installed = Installer::new(&pin, &dir).platform("linux-x86_64").npm(&npm).install().expect("the npm build installs");
    assert!(installed.freshly_installed);
    assert_eq!(installed.codex, dir.join("9.9.9/package/vendor/x86_64-unknown-linux-musl/bin/codex"));
    assert_eq!(runtime::binary_version(&installed.codex).unwrap(), "9.9.9");
    assert!(!dir.join("downloads/openai-codex-9.9.9-linux-x64.tgz").exists(), "the download is removed");
    let again = Installer::new(&pin, &dir).platform("linux-x86_64").npm(&npm).install().unwrap();
    assert!(!again.freshly_installed, "a second install checks and does nothing");
    // An install whose verified marker names another checksum is not trusted.
    std::fs::write(dir.join("9.9.9/.openai-codex-verified"), "sha512-other\n").unwrap();
    assert_eq!(Installer::new(&pin, &dir).platform("linux-x86_64").installed(), None, "a marker of another checksum");

    // A build whose integrity is not the pinned one is refused and removed.
    let tampered = [TarballPin { integrity: "sha512-AAAA", ..tarballs[0] }];
    let pin = RuntimePin { version: "9.9.9", tarballs: &tampered, ..pin };
    let other = work.path().join("other-cache");
    let error = Installer::new(&pin, &other).platform("linux-x86_64").npm(&npm).install().unwrap_err();
    assert!(matches!(error, InstallError::ChecksumMismatch { .. }), "{error}");
    assert!(!other.join("downloads/openai-codex-9.9.9-linux-x64.tgz").exists());
    assert!(!other.join("9.9.9").exists(), "nothing was unpacked");
}
