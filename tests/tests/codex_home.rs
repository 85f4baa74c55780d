//! The temporary `CODEX_HOME` and the runtime path helpers (no runtime run).

use std::path::Path;

use openai_codex_tests::codex_home::{install_pinned_runtime, runtime_version, CodexHome};

const URL: &str = "http://127.0.0.1:4321/v1";

fn parse(text: &str) -> toml::Table {
    text.parse()
        .unwrap_or_else(|error| panic!("invalid TOML: {error}\n{text}"))
}

#[test]
fn the_default_config_points_the_provider_at_the_mock() {
    let config = parse(&CodexHome::builder(URL).config_toml());
    assert_eq!(config["model"].as_str(), Some("mock-model"));
    assert_eq!(config["model_provider"].as_str(), Some("mock"));
    let provider = config["model_providers"]["mock"].as_table().unwrap();
    assert_eq!(provider["base_url"].as_str(), Some(URL));
    assert_eq!(provider["wire_api"].as_str(), Some("responses"));
    assert_eq!(provider["request_max_retries"].as_integer(), Some(0));
    assert_eq!(provider["stream_max_retries"].as_integer(), Some(0));
}

#[test]
fn hermetic_homes_keep_chatgpt_and_plugins_off_the_network() {
    let config = parse(&CodexHome::builder(URL).config_toml());
    let chatgpt = config["chatgpt_base_url"].as_str().unwrap();
    assert!(chatgpt.starts_with(URL), "{chatgpt}");
    assert_eq!(config["features"]["plugins"].as_bool(), Some(false));

    let open = parse(&CodexHome::builder(URL).hermetic(false).config_toml());
    assert!(!open.contains_key("chatgpt_base_url"));
    assert!(!open.contains_key("features"));

    let plugins_on = parse(
        &CodexHome::builder(URL)
            .feature("plugins", true)
            .config_toml(),
    );
    assert_eq!(plugins_on["features"]["plugins"].as_bool(), Some(true));
}

#[test]
fn options_and_extra_lines_land_in_the_config() {
    let text = CodexHome::builder(URL)
        .sandbox_mode("workspace-write")
        .approval_policy("on-request")
        .feature("goals", false)
        .extra_config("model_reasoning_effort = \"high\"")
        .extra_config("[projects.\"/work/x\"]\ntrust_level = \"trusted\"")
        .config_toml();
    let config = parse(&text);
    assert_eq!(config["sandbox_mode"].as_str(), Some("workspace-write"));
    assert_eq!(config["approval_policy"].as_str(), Some("on-request"));
    assert_eq!(config["model_reasoning_effort"].as_str(), Some("high"));
    assert_eq!(
        config["projects"]["/work/x"]["trust_level"].as_str(),
        Some("trusted")
    );
    assert_eq!(config["features"]["goals"].as_bool(), Some(false));
    assert_eq!(
        config["model_providers"]["mock"]["base_url"].as_str(),
        Some(URL)
    );
}

#[test]
fn values_are_escaped_as_toml_strings() {
    let text = CodexHome::builder("http://127.0.0.1:1/v1\"\nx = 1")
        .sandbox_mode("a\"b")
        .config_toml();
    let config = parse(&text);
    assert_eq!(config["sandbox_mode"].as_str(), Some("a\"b"));
    assert!(!config.contains_key("x"));
}

#[test]
fn build_writes_the_config_and_drop_removes_the_folder() {
    let home = CodexHome::builder(URL)
        .approval_policy("never")
        .build()
        .unwrap();
    let folder = home.path().to_path_buf();
    assert_eq!(home.config_path(), folder.join("config.toml"));
    let written = std::fs::read_to_string(home.config_path()).unwrap();
    assert_eq!(
        written,
        CodexHome::builder(URL)
            .approval_policy("never")
            .config_toml()
    );
    drop(home);
    assert!(!folder.exists());
}

#[test]
fn the_pinned_runtime_is_installed_under_the_workspace_runtime_folder() {
    let version = runtime_version();
    assert_eq!(version, openai_codex::runtime::VERSION);
    let path = install_pinned_runtime();
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // Where the installer puts this platform's build of the pin (a wheel's
    // or an npm build's layout).
    let expected = openai_codex::runtime::install::Installer::new(&openai_codex::runtime::PIN, workspace.join(".runtime"))
        .codex_path();
    assert!(expected.starts_with(workspace.join(".runtime").join(&version)), "{}", expected.display());
    assert_eq!(path, expected);
    assert!(path.is_file());
}

#[test]
fn codex_bin_must_be_the_pinned_version() {
    use std::os::unix::fs::PermissionsExt;
    use openai_codex_tests::codex_home::check_codex_bin;
    let dir = tempfile::tempdir().unwrap();
    let fake = |name: &str, version: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("#!/bin/sh\necho codex-cli {version}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    };
    let pinned = openai_codex::runtime::VERSION;
    let right = fake("right", pinned);
    assert_eq!(check_codex_bin(&right), Ok(right.clone()));

    let stale = fake("stale", "0.0.1");
    let message = check_codex_bin(&stale).unwrap_err();
    assert!(message.contains("CODEX_BIN") && message.contains("0.0.1") && message.contains(pinned), "{message}");
    assert!(message.contains(&stale.display().to_string()), "names the path: {message}");

    let missing = dir.path().join("missing");
    let message = check_codex_bin(&missing).unwrap_err();
    assert!(message.contains("not a file"), "{message}");
}
